// `npm start`: the demo pages in demo/ and an MQTT broker on the same port (ws://host/mqtt), so
// the demo needs nothing else running. `npm run build:cdn`: the self-contained CDN bundles, then
// (`--mode chart`) cdn/mqtt-chart.js beside them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { attachMqttWebSocket, createAedes } from './scripts/aedes-broker.js';
import { attachPlant } from './scripts/plant-simulator.js';
import { noticeBanner } from './build/third-party-notices.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

/** MQTT.js's own transports, as lib/connect/index.js requires them. */
const MQTTJS_TRANSPORTS = ['./ws', './wx', './ali', './tcp', './tls'];

/**
 * The CDN build's MQTT.js: its unbundled CommonJS build (`mqtt/build/`), not the prebuilt
 * `dist/mqtt.esm.js`, so that the Node polyfills it needs in a browser can be lighter ones. Its own
 * code is bundled as published; only modules it imports are swapped, for the stand-ins in
 * build/shims/ (each says what it replaces and why), and readable-stream 3 for 4 (the stream API
 * MQTT.js and mqtt-packet use, without 4's later additions such as stream operators and
 * AbortSignal support). The figures are in BENCHMARKS.md ("Bundle size").
 * `dist/` keeps `mqtt` external and web-test-runner resolves its browser build: neither sees this.
 *
 * `mqttjsConnect: true` keeps what `mqtt.connect()` uses and this package's own connect does not
 * (MQTT.js's ws transport, `url.parse`, worker-timers for its default keepalive): the benchmark
 * ablation that measures MQTT.js's own transport builds with it.
 */
export function mqttStandIns({ mqttjsConnect = false } = {}): Plugin {
  const shim = (name: string) => here(`./build/shims/${name}.cjs`);
  const mqttEntry = require.resolve('mqtt'); // its `default` export: build/index.js
  const mqttBuild = `${dirname(mqttEntry)}/mqtt.js`;
  const mqttLibDir = `${dirname(mqttEntry)}/lib/`;
  const mqttConnectDir = `${mqttLibDir}connect/`;
  // readable-stream 3 comes with MQTT.js (through concat-stream, for its command line): resolved
  // from there, no dependency of ours is needed for it.
  let concatStream = '';
  let streamsVersion = 'none';
  try {
    concatStream = createRequire(mqttEntry).resolve('concat-stream');
    streamsVersion = (createRequire(concatStream)('readable-stream/package.json') as { version: string }).version;
  } catch {
    // reported below
  }
  if (!streamsVersion.startsWith('3.')) {
    throw new Error(`mqttStandIns: expected readable-stream 3 under MQTT.js's concat-stream, found ${streamsVersion}`);
  }
  const bare: Record<string, string> = {
    url: shim(mqttjsConnect ? 'url' : 'mqtt-connect-only'),
    events: shim('events'),
    buffer: shim('buffer'),
    debug: shim('debug'),
    'lru-cache': shim('lru-cache'),
    // mqtt-packet's backport of `process.nextTick(fn, ...args)` for Node < 1.8.
    'process-nextick-args': shim('process'),
    string_decoder: shim('string-decoder'),
    'string_decoder/': shim('string-decoder'),
    'util-deprecate': shim('util-deprecate'),
  };
  if (!mqttjsConnect) {
    bare['worker-timers'] = shim('worker-timers');
    // The Writable and the object-mode Readable MQTT.js uses with this package's transport, and
    // bl without its stream: readable-stream is then not in the bundle at all.
    bare['readable-stream'] = shim('streams');
    bare.bl = shim('bl');
  }
  return {
    name: 'mqtt-elements:mqtt-stand-ins',
    apply: 'build',
    enforce: 'pre',
    config: () => ({
      // Lit's production build, whatever NODE_ENV says: its development build warns on the console.
      resolve: { conditions: ['module', 'browser', 'production'] },
      // Where bundled code reads the global `process` (MQTT.js, readable-stream, mqtt-packet), and
      // the global `Buffer`: rfdc, with which MQTT.js copies every QoS 1/2 PUBLISH it stores, asks
      // `payload instanceof Buffer`, a ReferenceError in a browser once the payload is bytes (a
      // CBOR or Sparkplug payload, format="bytes"). The `buffer` stand-in is in the bundle already.
      build: { rolldownOptions: { transform: { inject: { process: shim('process'), Buffer: ['buffer', 'Buffer'] } } } },
    }),
    async resolveId(source, importer) {
      if (source === 'mqtt') return mqttEntry;
      if (bare[source]) return bare[source];
      if (source === 'readable-stream') return this.resolve(source, concatStream, { skipSelf: true });
      // lib/shared.js reads MQTT.js's version from its package.json: only that field (mqtt-version.js).
      if (source === '../../package.json' && importer?.startsWith(mqttLibDir)) return here('./build/shims/mqtt-version.js');
      // connect() itself (lib/connect/index.js), which this package never calls: src/mqtt.ts has its own.
      if (!mqttjsConnect && source === './lib/connect' && importer === mqttBuild) return shim('mqtt-connect-only');
      if (!mqttjsConnect || source !== './ws') {
        if (importer?.startsWith(mqttConnectDir) && MQTTJS_TRANSPORTS.includes(source)) return shim('mqtt-connect-only');
      }
      return null;
    },
  };
}

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

/** `npm start`'s simulated plant (scripts/plant-simulator.js): MQTT clients of /mqtt over 127.0.0.1, stopped with the server. */
function plantSimulator(): Plugin {
  return { name: 'mqtt-elements:plant-simulator', apply: 'serve', configureServer: (server) => void (server.httpServer && attachPlant(server.httpServer)) };
}

/**
 * The CDN bundles are single files: the parts src/ loads on first use (`import('./x.js')`, a chunk
 * of its own for a bundler) are imported statically there instead. Left to the bundler
 * (`codeSplitting: false` alone), each inlined part and what it imports would be wrapped in a
 * function that runs on the first `import()`, which costs the bundle about 1.1 KB gzip; a static
 * import costs nothing, since those modules have no side effects to delay. `codeSplitting: false`
 * stays as the safety net for an `import()` this does not rewrite.
 */
export function inlineLazyParts(): Plugin {
  const dynamic = /\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g;
  return {
    name: 'mqtt-elements:inline-lazy-parts',
    apply: 'build',
    enforce: 'pre',
    // The payload formats' chunks stay files of their own beside the bundle (formatChunks).
    resolveId: (source) => (Object.values(FORMAT_CHUNKS).includes(source) ? { id: source, external: true } : null),
    transform(code, id) {
      if (!id.startsWith(here('./src/')) || !code.includes('import(')) return null;
      const parts: string[] = [];
      const body = code.replace(dynamic, (_match, _quote: string, path: string) => {
        const chunk = FORMAT_CHUNKS[fileURLToPath(new URL(path.replace(/\.js$/, '.ts'), `file://${id}`))];
        if (chunk) return `import(${JSON.stringify(chunk)})`;
        parts.push(`import * as __lazyPart${parts.length} from ${JSON.stringify(path)};`);
        return `Promise.resolve(__lazyPart${parts.length - 1})`;
      });
      return body !== code ? { code: `${parts.join('\n')}\n${body}`, map: null } : null;
    },
  };
}

/**
 * The payload formats whose code loads on first use (`format="cbor"`, `"sparkplug"`:
 * src/core/payload-formats.ts), and the CDN file each is (built by `--mode formats`). Unlike the
 * other lazy parts they are not inlined: together about 11 KB gzip that a page which never names
 * them must not download (SPEC). The main bundles import them from beside themselves: an ES
 * module resolves `./mqtt-format-cbor.js` against its own URL, and so does the classic IIFE script
 * (HTML: a classic script's `import()` resolves against the script's URL). Each stands alone: it
 * imports nothing of the package, so the same file serves both bundles.
 */
const FORMAT_CHUNKS: Record<string, string> = {
  [here('./src/core/formats/cbor.ts')]: './mqtt-format-cbor.js',
  [here('./src/core/formats/sparkplug.ts')]: './mqtt-format-sparkplug.js',
};

/** cdn/mqtt-format-cbor.js and cdn/mqtt-format-sparkplug.js (`vite build --mode formats`), after the main bundles. */
const formatChunks: UserConfig = {
  build: {
    outDir: here('./cdn'),
    emptyOutDir: false,
    lib: {
      entry: Object.fromEntries(Object.entries(FORMAT_CHUNKS).map(([source, file]) => [file.slice(2, -3), source])),
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    minify: true,
    rolldownOptions: { output: { minify: true, postBanner: noticeBanner } },
  },
};

/** The main CDN module, as cdn/mqtt-chart.js imports it: a sibling file, left external. */
const MAIN_CDN = './mqtt-elements.js';

/**
 * cdn/mqtt-chart.js shares cdn/mqtt-elements.js instead of inlining a second lit, @lit/context or
 * MQTT.js: imports of those packages, and of the own modules that carry state or bring them in
 * (`FROM_MAIN`, with `core/format` and `core/numeric-setting`, which the main module has anyway), become imports of the same names from `./mqtt-elements.js`, whose entry (src/cdn.ts) exports what
 * the chart takes. What the chart bundles itself is checked: uPlot, src/chart/, small own modules
 * without state (`CHART_MAY_INLINE`) and the bundler's helpers; anything else fails the build. So does a name the
 * main module does not export (checked against the cdn/mqtt-elements.js just built).
 */
export function chartSharesMainCdn(): Plugin {
  const FROM_MAIN = new Set(
    ['define', 'errors', 'events', 'context', 'core/format', 'core/numeric-setting', 'core/payload-formats', 'core/format-queue', 'elements/internal/problems', 'elements/internal/error-reporter', 'elements/internal/subscription-controller', 'elements/internal/write-value'].map((m) =>
      here(`./src/${m}.ts`),
    ),
  );
  const SHARED_PACKAGES = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit/context', 'mqtt'];
  const CHART_MAY_INLINE = ['core/payload', 'elements/internal/define-element'].map((m) =>
    here(`./src/${m}.ts`),
  );
  const allowed = (id: string) =>
    id.startsWith('\0') || id.startsWith(here('./src/chart/')) || id.includes('/node_modules/uplot/') || CHART_MAY_INLINE.includes(id);
  return {
    name: 'mqtt-elements:chart-shares-main-cdn',
    enforce: 'pre',
    // `import { X } from 'lit'` becomes `import { X } from './mqtt-elements.js'`, name for name.
    async resolveId(source, importer, options) {
      const fromMain = { id: MAIN_CDN, external: true } as const;
      if (source === MAIN_CDN || SHARED_PACKAGES.some((name) => source === name || source.startsWith(`${name}/`))) return fromMain;
      if (!importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && FROM_MAIN.has(resolved.id) ? fromMain : resolved;
    },
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const stray = Object.keys(chunk.modules).filter((id) => !allowed(id));
        if (stray.length > 0) throw new Error(`cdn/mqtt-chart.js would inline ${stray.join(', ')}: take it from ${MAIN_CDN} (src/cdn.ts)`);
        const main = here('./cdn/mqtt-elements.js');
        if (!existsSync(main)) continue;
        const exported = new Set(
          [...readFileSync(main, 'utf8').matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((e) => e.trim().split(/\s+as\s+/).pop()!)),
        );
        const imported = /import\s*\{([^}]*)\}\s*from\s*["']\.\/mqtt-elements\.js["']/.exec(chunk.code)?.[1] ?? '';
        const missing = imported.split(',').map((e) => e.trim().split(/\s+as\s+/)[0]!).filter((name) => name && !exported.has(name));
        if (missing.length > 0) throw new Error(`cdn/mqtt-chart.js imports ${missing.join(', ')}, which cdn/mqtt-elements.js does not export (src/cdn.ts)`);
      }
    },
  };
}

/** cdn/mqtt-chart.js: `<mqtt-chart>` and uPlot, built after the main CDN bundles (`vite build --mode chart`). */
const chartCdn: UserConfig = {
  plugins: [chartSharesMainCdn(), inlineLazyParts()],
  build: {
    outDir: here('./cdn'),
    emptyOutDir: false, // the main bundles are already there
    lib: { entry: here('./src/chart/index.ts'), formats: ['es'], fileName: () => 'mqtt-chart.js' },
    minify: true,
    // The license comment (build/third-party-notices.js): uPlot's notice, and this package's. One
    // file, as the main CDN bundles (nothing the chart bundles loads lazily today).
    rolldownOptions: { output: { minify: true, codeSplitting: false, postBanner: noticeBanner } },
  },
};

export default defineConfig(({ mode }) =>
  mode === 'chart'
    ? chartCdn
    : mode === 'formats'
      ? formatChunks
      : {
        root: here('./demo'),
        plugins: [demoBroker(), plantSimulator(), mqttStandIns(), inlineLazyParts()],
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
            // src/index.ts, plus the two exports cdn/mqtt-chart.js imports from the ES module.
            entry: here('./src/cdn.ts'),
            // The IIFE serves a classic <script src> and puts the classes on window.MqttElements.
            name: 'MqttElements',
            formats: ['es', 'iife'],
            fileName: (format) => (format === 'es' ? 'mqtt-elements.js' : 'mqtt-elements.iife.js'),
          },
          minify: true,
          // Vite 8: `minify` alone leaves whitespace in ES library output. `postBanner`: the license
          // comment naming every inlined package (build/third-party-notices.js), after minification.
          // `codeSplitting: false`: the features src/ loads on first use (`import()`) are inlined
          // (inlineLazyParts), so each CDN bundle stays one self-contained file, as unpkg users load it.
          rolldownOptions: { output: { minify: true, codeSplitting: false, postBanner: noticeBanner } },
        },
      },
);
