// `npm start`: the demo pages in demo/ and an MQTT broker on the same port (ws://host/mqtt), so
// the demo needs nothing else running. `npm run build:cdn`: the self-contained CDN bundles.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { attachMqttWebSocket, createAedes } from './scripts/aedes-broker.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Embedded aedes at /mqtt on Vite's own HTTP server, plus two pretend devices. */
function demoBroker(): Plugin {
  return {
    name: 'mqtt-elements:demo-broker',
    apply: 'serve',
    async configureServer(server) {
      const httpServer = server.httpServer;
      if (!httpServer) return; // middleware mode: there is no server to attach to
      const broker = await createAedes();
      const detach = attachMqttWebSocket(httpServer, broker, '/mqtt');
      const publish = (topic: string, payload: string | Buffer) =>
        broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: true, dup: false }, () => {});

      // A thermometer: a retained reading every second, so a fresh page shows a value at once.
      let celsius = 21;
      const read = () => {
        celsius = Math.round((celsius + (Math.random() - 0.5) * 0.4) * 10) / 10;
        publish('demo/room/temperature', JSON.stringify({ celsius }));
      };
      read();
      const sensor = setInterval(read, 1000);
      sensor.unref(); // never the reason the dev server stays alive

      // A lamp: applies commands from demo/light/set and reports them, retained, on demo/light/state.
      publish('demo/light/state', 'false');
      broker.subscribe(
        'demo/light/set',
        (packet, done) => {
          publish('demo/light/state', packet.payload);
          done();
        },
        () => {},
      );

      httpServer.once('close', () => {
        clearInterval(sensor);
        detach();
        broker.close();
      });
    },
  };
}

export default defineConfig({
  root: here('./demo'),
  plugins: [demoBroker()],
  resolve: {
    // The pages load /src/index.ts; src/ lies outside root, so map that URL onto the sources.
    alias: [{ find: /^\/src\//, replacement: `${here('./src')}/` }],
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  build: {
    outDir: here('./cdn'),
    emptyOutDir: true,
    // Library mode with nothing external: lit, @lit/context and mqtt are inlined for the CDN.
    lib: {
      entry: here('./src/index.ts'),
      // The IIFE serves a classic <script src> and puts the classes on window.MqttElements.
      name: 'MqttElements',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'mqtt-elements.js' : 'mqtt-elements.iife.js'),
    },
    minify: true,
    // Vite 8: `minify` alone leaves whitespace in ES library output.
    rolldownOptions: { output: { minify: true } },
  },
});
