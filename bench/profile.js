// `npm run bench:profile`: where a message's time goes between the WebSocket event and the
// element. Runs the P1 burst once per page under the Chrome DevTools Protocol's sampling
// profiler (Playwright's CDPSession), writes bench/profiles/<page>.cpuprofile (open them in
// DevTools' Performance panel) and prints the self time per function and per layer.
//
//   npm run bench:profile                       the P1 pages: ceiling, mqttjs, elements and the
//                                               ablations elements-mqttjs-transport and
//                                               elements-no-batching (see vite.ablation.config.js)
//   npm run bench:profile -- --pages elements   some of them
//   npm run bench:profile -- --minified         the CDN bundle as shipped; by default it is built
//                                               unminified, so that functions keep their names
//                                               and self time is attributed to source modules
//                                               (MQTT.js comes minified from its dist/ either way)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ABLATIONS, buildCdn, cdnDir, launchChromium, receivePage, root, serve, startMosquitto, within } from './lib/harness.js';
import { concat, payloadOf, publishPacket } from '../scripts/mqtt-wire.js';
import { tcpClient } from './lib/tcp-client.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PAGES = arg('pages', ['ceiling', 'mqttjs', 'elements', ...ABLATIONS.map((a) => `elements-${a}`)].join(',')).split(',');
const TOTAL = Number(arg('messages', 20000));
const TOPICS = 100;
const TOP = Number(arg('top', 25));
const outDir = fileURLToPath(new URL('./profiles/', import.meta.url));

const watchdog = setTimeout(() => {
  console.error('profile: aborted after 5 minutes');
  process.exit(2);
}, 5 * 60 * 1000);
watchdog.unref();

/**
 * Where a sample's function lives. Unminified bundles mark each module with a `// path` line:
 * the module is the last such line above the function. MQTT.js is one minified module; inside
 * it, the code around the function tells what it is (MARKERS).
 */
function layerOf(node, sources) {
  const { url, functionName, lineNumber } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'browser (program): native work outside JS';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.includes('/pages/')) return 'bench page (the by-hand handler / the ceiling counter)';
  const source = sources.get(url);
  if (!source) return url.split('/').pop();
  const module = moduleAt(source, lineNumber);
  if (module === undefined || module.includes('mqtt/dist/')) {
    return `MQTT.js: ${classify(source, node.callFrame) ?? 'other'}`;
  }
  if (module.startsWith('src/')) return module;
  return module.replace(/^node_modules\//, '').split('/').slice(0, module.includes('@') ? 2 : 1).join('/');
}

/** The `// path` module markers of an unminified bundle, by line. */
function modules(code) {
  const marks = [];
  code.split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(line);
    if (m) marks.push([i, m[1]]);
  });
  return marks;
}

function moduleAt(source, line) {
  let found;
  for (const [at, name] of source.marks) {
    if (at > line) break;
    found = name;
  }
  return found;
}

/**
 * Minified code has no useful names: the code from a function's start tells what it is. Lines
 * and columns in a profile are 0-based; an unminified bundle spreads a function over lines.
 */
function snippet(source, { lineNumber, columnNumber }, width = 160) {
  const at = (source.lineStarts[lineNumber] ?? 0) + columnNumber;
  return source.code.slice(at, at + width).replace(/\s+/g, ' ');
}

function lineStarts(code) {
  const starts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const MARKERS = [
  [/_readableState|_writableState|readableAddChunk|ERR_STREAM|highWaterMark|needDrain|afterWrite|objectMode|awaitDrain|\.flowing|readingMore|writeOrBuffer|writecb/, 'readable-stream (Transform, BufferedDuplex, Writable)'],
  [/\.fun\.apply|\.array\)|setTimeout\(\w+,0\)/, 'process.nextTick polyfill'],
  [/byteLength<a\)throw new RangeError|instanceof ArrayBuffer\?\w+=\w+\.Buf|\.readable\|\|!\w+\.writable/, 'browser WebSocket transport (onmessage, Buffer.from)'],
  [/_parseHeader|_parseLength|_parsePayload|_parsePublish|_newPacket|_parseVarByteNum|_parseNum|_parseString|_list\.|_bufs|_attach|_appendBuffer|consume\(|_offset/, 'mqtt-packet parser and bl'],
  [/fromCharCode|isEncoding|readUInt|readUint|utf8|\.prototype\.slice|=~~\w+/, 'Buffer polyfill'],
  [/enabled\)return|namespaces|\.diff=|selectColor/, 'debug (log calls, disabled)'],
  [/_events|listenerCount|prependListener|emit\(\w+\)\{for\(var/, 'EventEmitter'],
  [/handlePublish|_handlePacket|maximumPacketSize|packetreceive|reschedulePing|work::|writablestream::|completeParse|_currentPump/, 'MqttClient'],
];

function classify(source, frame) {
  // Whitespace removed: the same patterns then match minified and reformatted MQTT.js.
  const text = frame.functionName + snippet(source, frame, 400).replace(/\s+/g, '');
  for (const [re, name] of MARKERS) if (re.test(text)) return name;
  return undefined;
}

/** Self time per callFrame (function) and per layer, from a CDP Profile. */
function summarize(profile, sources) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = dt.reduce((a, b) => a + b, 0);
  const perFunction = new Map();
  const perLayer = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    const entry = perFunction.get(key) ?? { us: 0, node };
    entry.us += us;
    perFunction.set(key, entry);
    const layer = layerOf(node, sources);
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + us);
  }
  return { total, perFunction, perLayer };
}

async function main() {
  const ablations = ABLATIONS.filter((a) => PAGES.includes(`elements-${a}`));
  buildCdn({ ablations, unminified: !args.includes('--minified') });
  mkdirSync(outDir, { recursive: true });
  const mosquitto = await startMosquitto({ logTypes: ['error', 'warning', 'notice'] });
  const { server, base } = await serve();
  const browser = await launchChromium();
  const publisher = await tcpClient(mosquitto.tcpPort, 'profile-pub');
  const load = (file) => {
    const code = readFileSync(file, 'utf8');
    return { code, marks: modules(code), lineStarts: lineStarts(code) };
  };
  const sources = new Map([
    [`${base}/cdn/mqtt-elements.js`, load(`${cdnDir}/mqtt-elements.js`)],
    [`${base}/node_modules/mqtt/dist/mqtt.esm.js`, load(`${root}/node_modules/mqtt/dist/mqtt.esm.js`)],
    ...ablations.map((a) => [`${base}/cdn-${a}/mqtt-elements.js`, load(`${root}/bench/.cdn-${a}/mqtt-elements.js`)]),
  ]);
  try {
    for (const name of PAGES) {
      const prefix = `prof/${name}`;
      const context = await browser.newContext();
      const page = await context.newPage();
      const { path, params } = receivePage(name);
      const query = new URLSearchParams({ ...params, url: mosquitto.wsUrl, prefix, topics: TOPICS });
      await page.goto(`${base}/pages/${path}?${query}`);
      await within(page.evaluate(() => bench.ready), 30000, `${name} ready`);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      const packets = [];
      for (let seq = 0; seq < TOTAL; seq++) packets.push(publishPacket(`${prefix}/${seq % TOPICS}`, payloadOf(seq)));
      await cdp.send('Profiler.start');
      await page.evaluate((total) => bench.go(total), TOTAL);
      await publisher.write(concat(packets));
      const ms = await within(page.evaluate(() => bench.done), 120000, `${name} burst`);
      const { profile } = await cdp.send('Profiler.stop');
      await context.close();
      writeFileSync(`${outDir}${name}.cpuprofile`, JSON.stringify(profile));

      const { total, perFunction, perLayer } = summarize(profile, sources);
      const perMsg = (us) => `${(us / TOTAL).toFixed(2).padStart(7)} µs/msg`;
      const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
      console.log(`\n== ${name}: ${Math.round((TOTAL / ms) * 1000)} msg/s, ${(ms / 1000).toFixed(2)} s, ${(total / TOTAL).toFixed(1)} µs sampled per message`);
      console.log('-- by layer (self time)');
      for (const [layer, us] of [...perLayer].sort((a, b) => b[1] - a[1])) {
        console.log(`${pct(us)} ${perMsg(us)}  ${layer}`);
      }
      console.log(`-- top ${TOP} functions (self time)`);
      for (const [key, { us, node }] of [...perFunction].sort((a, b) => b[1].us - a[1].us).slice(0, TOP)) {
        const source = sources.get(node.callFrame.url);
        const where = source && !source.marks.length ? `  | ${snippet(source, node.callFrame, 90)}` : '';
        console.log(`${pct(us)} ${perMsg(us)}  ${key}${where}`);
      }
    }
  } finally {
    await publisher.close().catch(() => {});
    await browser.close().catch(() => {});
    server.close();
    await mosquitto.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
