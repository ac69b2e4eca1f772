// Builds of the CDN bundle with one part of the receive path taken back out, so that P1 can
// show what each part is worth (`npm run bench` builds them into bench/.cdn-<name>/):
//   BENCH_ABLATION=mqttjs-transport  MQTT.js's own WebSocket transport (src/core/ws-stream.ts
//                                    not used: connection.ts gets mqtt.connect)
//   BENCH_ABLATION=no-batching       ws-stream.ts, but each frame parsed in the task that
//                                    received it (one Lit update per message, as MQTT.js does)
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import config, { mqttStandIns } from '../vite.config.ts';

// vite.config.ts exports a function of the mode (`--mode chart` builds the chart): the main CDN build's config.
const base = typeof config === 'function' ? config({ command: 'build', mode: 'production' }) : config;

const ablation = process.env.BENCH_ABLATION;

function noBatching() {
  return {
    name: 'bench:no-batching',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/src/transport/ws-stream.ts')) return undefined;
      const batched = 'schedule(this.#runScheduled);';
      if (!code.includes(batched)) throw new Error(`bench:no-batching: "${batched}" is no longer in ws-stream.ts`);
      return code.replace(batched, 'this.#runScheduled();');
    },
  };
}

const variants = {
  'mqttjs-transport': {
    resolve: {
      alias: [{ find: /^\.\.\/transport\/connect\.js$/, replacement: fileURLToPath(new URL('./lib/mqttjs-transport.js', import.meta.url)) }],
    },
  },
  'no-batching': { plugins: [noBatching()] },
};

/** The CDN build leaves out what only `mqtt.connect()` uses (vite.config.ts, mqttStandIns): put it back. */
function withMqttjsTransport(config) {
  const standIns = mqttStandIns().name;
  return { ...config, plugins: config.plugins.map((p) => (p.name === standIns ? mqttStandIns({ mqttjsConnect: true }) : p)) };
}

if (!variants[ablation]) throw new Error(`BENCH_ABLATION must be one of ${Object.keys(variants).join(', ')}`);
// BENCH_UNMINIFIED: for bench:profile, as bench/vite.profile.config.js.
const unminified = process.env.BENCH_UNMINIFIED ? { build: { minify: false, rolldownOptions: { output: { minify: false } } } } : {};
const chosen = ablation === 'mqttjs-transport' ? withMqttjsTransport(base) : base;
export default mergeConfig(mergeConfig(chosen, variants[ablation]), unminified);
