// `npm run bench:formats`: what decoding one message costs per payload format (issue 24), in
// Node: the same sensor reading (five fields) as JSON (`PayloadDecoder`: UTF-8 text, then
// JSON.parse), as CBOR (src/core/formats/cbor.ts: cborg) and as a Sparkplug B DDATA with five
// metrics (src/core/formats/sparkplug.ts: the hand-written walker over @bufbuild/protobuf's wire
// reader), and beside it Eclipse Tahu's sparkplug-payload (protobufjs), which the package does not
// use at run time (its generated code needs `eval`). Prints ns per message (the median of 7
// rounds) and the ratio to JSON. The sources are TypeScript: esbuild bundles them in memory.
// Bounded: a fixed number of decodes.
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = new URL('../', import.meta.url);
const DECODES = 200_000;
const ROUNDS = 7;

const entry = `
  export { PayloadDecoder } from './src/core/payload.ts';
  export * as cbor from './src/core/formats/cbor.ts';
  export * as sparkplug from './src/core/formats/sparkplug.ts';
`;
const bundle = await esbuild.build({
  stdin: { contents: entry, resolveDir: root.pathname, loader: 'ts' },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  logLevel: 'silent',
});
const { PayloadDecoder, cbor, sparkplug } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].contents).toString('base64')}`);
const tahu = createRequire(import.meta.url)('sparkplug-payload').get('spBv1.0');

const reading = { celsius: 21.5, humidity: 40, battery: 3.7, id: 'sensor-12', ts: 1700000000000 };
const json = new TextEncoder().encode(JSON.stringify(reading));
const cborBytes = cbor.encode(reading);
const metrics = [
  { name: 'celsius', type: 'Double', value: 21.5 },
  { name: 'humidity', type: 'Int32', value: 40 },
  { name: 'battery', type: 'Float', value: 3.7 },
  { name: 'id', type: 'String', value: 'sensor-12' },
  { name: 'ts', type: 'DateTime', value: 1700000000000 },
];
const spb = sparkplug.encode({ timestamp: 1700000000000, seq: 7, metrics });

const cases = [
  ['json', json.length, () => new PayloadDecoder(json, 't').decode('json')],
  ['cbor', cborBytes.length, () => cbor.decode(cborBytes)],
  ['sparkplug', spb.length, () => sparkplug.decode(spb)],
  ['sparkplug (sparkplug-payload, for comparison)', spb.length, () => tahu.decodePayload(spb)],
];

let sink = 0;
function nsPerMessage(run) {
  const times = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < DECODES; i++) sink += run() ? 1 : 0;
    times.push(Number(process.hrtime.bigint() - start) / DECODES);
  }
  return times.sort((a, b) => a - b)[ROUNDS >> 1];
}

for (const [, , run] of cases) for (let i = 0; i < 20_000; i++) run(); // warm up every path first
const results = cases.map(([name, bytes, run]) => ({ name, bytes, ns: nsPerMessage(run) }));
const jsonNs = results[0].ns;
console.log(`decode cost per message, Node ${process.version}, ${DECODES.toLocaleString('en-US')} decodes x ${ROUNDS} rounds (median)`);
console.log(`${'format'.padEnd(48)} ${'bytes'.padStart(6)} ${'ns/message'.padStart(11)} ${'x json'.padStart(7)}`);
for (const r of results) console.log(`${r.name.padEnd(48)} ${String(r.bytes).padStart(6)} ${r.ns.toFixed(0).padStart(11)} ${(r.ns / jsonNs).toFixed(2).padStart(7)}`);
if (sink === 0) console.log(''); // keeps the decodes from being optimised away
