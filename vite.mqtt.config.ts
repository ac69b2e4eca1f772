// `npm run build:mqtt` (part of `npm run build`, after tsc): dist/vendor/mqtt.js, MQTT.js in the
// lighter build the CDN bundle uses (vite.config.ts's mqttStandIns: MQTT.js's CommonJS build,
// unmodified, with light stand-ins for its Node polyfills), as one prebuilt ES module. tsc has just
// compiled src/vendor/mqtt.ts there as a re-export of `mqtt`; this replaces that file, so every
// bundler, Node and the CDN build resolve the package's MQTT.js through a plain relative import,
// with no config of their own. The declarations tsc wrote (dist/vendor/mqtt.d.ts) stay.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { noticeBanner } from './build/third-party-notices.js';
import { mqttStandIns } from './vite.config.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  configFile: false,
  plugins: [
    mqttStandIns(),
    {
      name: 'mqtt-elements:drop-tsc-map',
      apply: 'build',
      // tsc's source map was of the re-export this build replaces.
      writeBundle: () => rmSync(here('./dist/vendor/mqtt.js.map'), { force: true }),
    },
  ],
  logLevel: 'warn',
  build: {
    outDir: here('./dist/vendor'),
    emptyOutDir: false, // the rest of dist/ is tsc's
    // Minified already: the app bundlers minify CommonJS-wrapped code less well (esbuild: 370 B gzip more).
    minify: true,
    lib: { entry: here('./src/vendor/mqtt.ts'), formats: ['es'], fileName: () => 'mqtt.js' },
    rolldownOptions: {
      output: {
        // Vite 8: `minify` alone leaves whitespace in library output (TOOLCHAIN).
        minify: true,
        // The license comment naming every package inlined (build/third-party-notices.js), as on the
        // CDN bundles; THIRD-PARTY-NOTICES.md lists this file from it.
        postBanner: noticeBanner,
      },
    },
  },
});
