// The CDN bundle without minification, for `npm run bench:profile -- --unminified`: profiles
// then name our functions (and Lit's). MQTT.js comes in already minified from its dist/.
import { mergeConfig } from 'vite';
import base from '../vite.config.ts';

export default mergeConfig(base, {
  build: { minify: false, rolldownOptions: { output: { minify: false } } },
});
