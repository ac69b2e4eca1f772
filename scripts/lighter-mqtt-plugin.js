// A web-test-runner plugin: the browser tests run on the MQTT.js the package ships (dist/vendor/mqtt.js,
// the lighter build of vite.mqtt.config.ts), not on `mqtt`'s own browser bundle, which the
// sources' src/vendor/mqtt.ts would re-export. Built in memory when the test server starts (a few
// seconds), with the same config as `npm run build`, so the tests need no build first and a
// stand-in of build/shims/ that breaks a feature fails them.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Where the pages load it from: outside src/, so no TypeScript transform touches it. */
const SERVED_AT = '/__mqtt-elements/lighter-mqtt.js';

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function lighterMqttPlugin() {
  let code;
  return {
    name: 'mqtt-elements:lighter-mqtt',
    async serverStart() {
      const output = await build({ configFile: `${root}vite.mqtt.config.ts`, logLevel: 'silent', build: { write: false } });
      const chunk = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).find((o) => o.type === 'chunk');
      if (!chunk) throw new Error('vite.mqtt.config.ts built no chunk');
      code = chunk.code;
    },
    // After resolution (the TypeScript plugin has turned `../vendor/mqtt.js` into the .ts file):
    // the imports of src/vendor/mqtt.ts, from src/transport/*.ts and src/mqtt.ts, load this instead.
    transformImport({ source }) {
      if (/\/src\/vendor\/mqtt\.ts(\?.*)?$/.test(source)) return SERVED_AT;
      return undefined;
    },
    serve(context) {
      if (context.path === SERVED_AT) return { body: code, type: 'js' };
      return undefined;
    },
  };
}
