/**
 * MQTT.js, as the rest of the package imports it at run time. In the sources this re-exports the
 * `mqtt` package (web-test-runner and the CDN build resolve it: the CDN build to MQTT.js's
 * CommonJS build with the stand-ins of vite.config.ts's `mqttStandIns`). In `dist/`, `npm run
 * build` replaces the compiled file with that same lighter build of MQTT.js, prebuilt
 * (vite.mqtt.config.ts), so a bundler app gets it through a relative import, with no config and
 * no Node polyfills, and never resolves `mqtt`'s own browser bundle. Its declarations stay this
 * file's: the types are `mqtt`'s own (a dependency for them).
 *
 * Only the default export, as MQTT.js's own browser bundle (`mqtt/dist/mqtt.esm.js`) has: so an
 * app can alias this file to its own `mqtt` (docs/bundlers.md).
 */
import mqtt from 'mqtt';

export default mqtt;
