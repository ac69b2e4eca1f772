// `npm run size`: what the package costs a page, gzip -9, all measured in this run.
//
//   own code  src/index.ts bundled and minified with lit, @lit/context and mqtt left external:
//             what a bundler app pays on top of the dependencies it shares with others.
//   CDN       cdn/mqtt-elements.js as `npm run build` made it (everything inlined).
//   mqtt.js   node_modules/mqtt/dist/mqtt.min.js, MQTT.js's own browser bundle; and, for
//             comparison, its ES build minified the way the CDN build minifies it.
//
// Budgets (exit 1 when broken): own code <= 6 KB; CDN <= mqtt.min.js + 10 KB. Sizes are GNU
// `gzip -9 -c | wc -c` (zlib's level 9 differs by a few hundred bytes on mqtt.min.js), and a
// breakdown of the own code by source file shows where its bytes are.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../', import.meta.url));
const KB = 1024;
const OWN_BUDGET = 6 * KB;
const CDN_OVER_MQTT_BUDGET = 10 * KB;

/**
 * Bundles `entry` (minified ES module) with `external` left out; returns the code and the
 * rendered (not yet minified) code of each module in it.
 */
async function bundle(external, entry = `${root}src/index.ts`) {
  const output = await build({
    root,
    configFile: false, // not the demo/CDN config: its plugins and output dir are not wanted here
    logLevel: 'silent',
    build: {
      write: false,
      // TOOLCHAIN.md: `minify` alone leaves whitespace in Vite 8 library output.
      minify: true,
      lib: { entry, formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external, output: { minify: true } },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`expected one chunk, got ${chunks.map((c) => c.fileName).join(', ')}`);
  const modules = Object.entries(chunks[0].modules)
    .filter(([, m]) => m.code)
    .map(([id, m]) => ({ id: moduleName(id), code: m.code }));
  return { code: Buffer.from(chunks[0].code), modules };
}

/** src/… for our files; a helper the compiler injected (legacy decorators) by its file name. */
function moduleName(id) {
  if (id.startsWith(root)) return id.slice(root.length);
  return `(helper) ${id.replace(/^\0/, '').split('/').pop()}`;
}

/** A bare specifier of `packages`, or a subpath of one (`lit/decorators.js`). */
const externalTo = (packages) => (id) => packages.some((name) => id === name || id.startsWith(`${name}/`));

const gzip = (code) => execFileSync('gzip', ['-9', '-c'], { input: code, maxBuffer: 64 * 1024 * 1024 }).length;
const measure = (code) => ({ min: code.length, gzip: gzip(code) });

function readBuilt(path) {
  const full = `${root}${path}`;
  if (!existsSync(full)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return readFileSync(full);
}

const litPackages = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit/context'];
const ownBundle = await bundle(externalTo([...litPackages, 'mqtt']));
const own = measure(ownBundle.code);
const ownWithLit = measure((await bundle(externalTo(['mqtt']))).code);
// The CDN build does not contain mqtt.min.js: Vite takes MQTT.js's browser ES build and minifies
// it again with everything else. Measured alone the same way, it shows what the CDN adds to it.
readBuilt('node_modules/mqtt/dist/mqtt.esm.js');
const mqttRebundled = measure((await bundle(() => false, `${root}node_modules/mqtt/dist/mqtt.esm.js`)).code);
const cdn = measure(readBuilt('cdn/mqtt-elements.js'));
const iife = measure(readBuilt('cdn/mqtt-elements.iife.js'));
const mqtt = measure(readBuilt('node_modules/mqtt/dist/mqtt.min.js'));

const rows = [
  ['own code (lit, @lit/context, mqtt external)', own],
  ['own code + lit + @lit/context (mqtt external)', ownWithLit],
  ['cdn/mqtt-elements.js (ES module, all inlined)', cdn],
  ['cdn/mqtt-elements.iife.js (classic script)', iife],
  ['mqtt/dist/mqtt.min.js', mqtt],
  ['mqtt/dist/mqtt.esm.js minified as in the CDN build', mqttRebundled],
];
const n = (bytes) => bytes.toLocaleString('en-US');
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'bundle'.padEnd(width)}  ${'min B'.padStart(9)}  ${'gzip -9 B'.padStart(9)}`);
for (const [name, size] of rows) console.log(`${name.padEnd(width)}  ${n(size.min).padStart(9)}  ${n(size.gzip).padStart(9)}`);

// Where the own code's bytes are: each module's share of the summed gzip sizes of the modules
// compressed one by one, applied to the whole bundle's gzip size (an estimate: minifying and
// compressing together changes each part's size a little).
const parts = ownBundle.modules.map((m) => ({ id: m.id, gzip: gzip(m.code) }));
const partsTotal = parts.reduce((sum, p) => sum + p.gzip, 0);
console.log(`\nown code by source file (share of ${n(own.gzip)} B gzip, estimated)`);
for (const p of parts.sort((a, b) => b.gzip - a.gzip)) {
  const share = p.gzip / partsTotal;
  console.log(`  ${p.id.padEnd(width - 2)}  ${n(Math.round(share * own.gzip)).padStart(9)}  ${(share * 100).toFixed(0).padStart(3)} %`);
}

const cdnOverMqtt = cdn.gzip - mqtt.gzip;
const checks = [
  [`own code ${n(own.gzip)} B gzip <= ${n(OWN_BUDGET)} B`, own.gzip <= OWN_BUDGET],
  [`CDN - mqtt.min.js = ${n(cdnOverMqtt)} B gzip <= ${n(CDN_OVER_MQTT_BUDGET)} B`, cdnOverMqtt <= CDN_OVER_MQTT_BUDGET],
];
console.log('');
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${text}`);
console.log(`      (CDN - MQTT.js as the CDN build minifies it = ${n(cdn.gzip - mqttRebundled.gzip)} B gzip)`);
if (checks.some(([, ok]) => !ok)) {
  console.error('\nsize budget exceeded: see the breakdown above for where the own code is');
  process.exitCode = 1;
}
