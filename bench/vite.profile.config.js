// The CDN bundle without minification, for `npm run bench:profile -- --unminified`: profiles
// then name our functions (and Lit's). MQTT.js comes in already minified from its dist/.
import { mergeConfig } from 'vite';
import config from '../vite.config.ts';

// vite.config.ts exports a function of the mode (`--mode chart` builds the chart): the main CDN build's config.
const base = typeof config === 'function' ? config({ command: 'build', mode: 'production' }) : config;

export default mergeConfig(base, {
  build: { minify: false, rolldownOptions: { output: { minify: false } } },
});
