// `npm run bench:router`: our topic trie (src/core/topic-router.ts, as built in dist/) against
// qlobber, the well-kept matcher aedes and others use, as issue 4 asks: same filters, same topics,
// same answers, in Node, one run. Prints per-match time at 10 and 10,000 filters, and what each
// costs a browser bundle. Needs `npm run build` first. Bounded: a fixed number of lookups.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'vite';

const root = fileURLToPath(new URL('../', import.meta.url));
const routerPath = `${root}dist/core/topic-router.js`;
if (!existsSync(routerPath)) throw new Error('dist/ is missing: run `npm run build` first');
const { TopicRouter } = await import(routerPath);
const { QlobberDedup } = createRequire(import.meta.url)('qlobber');

const MQTT = { separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true };
const LOOKUPS = 400_000;
const ROUNDS = 5;

/** A dashboard's filters: mostly one exact topic per element, a few wildcards per device group. */
function filtersFor(count) {
  const filters = [];
  for (let i = 0; filters.length < count; i++) {
    filters.push(`site/${i % 50}/device/${i}/temperature`);
    if (i % 20 === 0) filters.push(`site/${i % 50}/device/+/status`);
    if (i % 100 === 0) filters.push(`site/${i % 50}/#`);
  }
  return filters.slice(0, count);
}

/**
 * Topics as devices 0–7 publish them: a reading or a status. Each has the same matches whether 10
 * or 10,000 filters are registered (its own exact filter, and for a status the site-0 wildcards),
 * so the two sizes differ only in how many other filters there are.
 */
function topics() {
  const list = [];
  for (let i = 0; i < 8; i++) list.push(`site/${i % 50}/device/${i}/temperature`, `site/${i % 50}/device/${i}/status`);
  return list;
}

function load(filters) {
  const trie = new TopicRouter();
  const qlobber = new QlobberDedup(MQTT);
  filters.forEach((filter, value) => {
    trie.add(filter, value);
    qlobber.add(filter, value);
  });
  return { trie, qlobber };
}

/** Both must give the same set for every topic, or the timing compares different work. */
function sameAnswers({ trie, qlobber }, topics) {
  for (const topic of topics) {
    const mine = new Set();
    trie.match(topic, (v) => mine.add(v));
    const theirs = qlobber.match(topic);
    if (mine.size !== theirs.size || [...mine].some((v) => !theirs.has(v))) {
      throw new Error(`different matches for ${topic}: trie ${[...mine]}, qlobber ${[...theirs]}`);
    }
  }
}

/** Nanoseconds per lookup, median of ROUNDS; every match is consumed so none is optimised away. */
function time(lookup, topics) {
  const samples = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) sink += lookup(topics[i % topics.length]);
    samples.push(Number(process.hrtime.bigint() - start) / LOOKUPS);
  }
  if (sink < 0) console.log(sink);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const rows = [];
for (const count of [10, 10_000]) {
  const matchers = load(filtersFor(count));
  sameAnswers(matchers, topics());
  // Also a sample of all devices' topics at the large size: the answers must agree there too.
  if (count > 10) {
    sameAnswers(
      matchers,
      Array.from({ length: 2000 }, (_, i) => `site/${(i * 7) % 50}/device/${i * 5}/${i % 3 ? 'temperature' : 'status'}`),
    );
  }
  const trieNs = time((t) => {
    let n = 0;
    matchers.trie.match(t, () => n++);
    return n;
  }, topics());
  const qlobberNs = time((t) => matchers.qlobber.match(t).size, topics());
  rows.push({ count, trieNs, qlobberNs });
}

/** Minified + gzip -9 size in a browser bundle, and the Node built-ins Vite had to stub out. */
async function browserCost(entry) {
  const nodeBuiltins = new Set();
  const output = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      lib: { entry, formats: ['es'], fileName: () => 'x.js' },
      rolldownOptions: {
        output: { minify: true },
        // 'Module "util" has been externalized for browser compatibility': a stub that throws
        // when used, so the code needs a polyfill in the browser.
        onwarn(warning) {
          const name = /Module "([^"]+)" has been externalized for browser/.exec(warning.message)?.[1];
          if (name) nodeBuiltins.add(name);
        },
      },
    },
  });
  const chunk = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).find((o) => o.type === 'chunk');
  const gzip = execFileSync('gzip', ['-9', '-c'], { input: chunk.code }).length;
  return { gzip, nodeBuiltins: [...nodeBuiltins] };
}

const trieCost = await browserCost(`${root}src/core/topic-router.ts`);
const qlobberCost = await browserCost(createRequire(import.meta.url).resolve('qlobber'));

const fmt = (n) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log('filters   trie ns/lookup   qlobber ns/lookup   qlobber ÷ trie');
for (const { count, trieNs, qlobberNs } of rows) {
  console.log(
    `${fmt(count).padStart(7)}   ${fmt(trieNs).padStart(14)}   ${fmt(qlobberNs).padStart(17)}   ${(qlobberNs / trieNs).toFixed(2).padStart(14)}`,
  );
}
console.log(
  `\n10,000 filters ÷ 10 (same topics, same matches): trie ${(rows[1].trieNs / rows[0].trieNs).toFixed(2)}, ` +
    `qlobber ${(rows[1].qlobberNs / rows[0].qlobberNs).toFixed(2)}`,
);
console.log(`browser bundle, gzip -9: trie ${fmt(trieCost.gzip)} B; qlobber ${fmt(qlobberCost.gzip)} B`);
console.log(
  `Node built-ins each needs in a browser: trie ${trieCost.nodeBuiltins.join(', ') || 'none'}; ` +
    `qlobber ${qlobberCost.nodeBuiltins.join(', ') || 'none'}`,
);
