// `npm run bench`: mqtt-elements against a hand-written MQTT.js page doing the same work, and
// against a bare-WebSocket ceiling, in Debian's Chromium against a private mosquitto. Each
// figure is measured side by side in one run (variants interleaved, order rotated per round),
// several rounds, medians with min-max. Prints a table and writes bench/results.json.
//
//   npm run bench                      all figures (about 3-4 minutes)
//   npm run bench -- --only P1,P5      some of them
//   npm run bench -- --rounds 3        fewer rounds (default 5)
//   npm run bench -- --only P7         the dashboard alone (about 2.5 minutes)
//
// Bounded: every wait has a timeout and the whole run aborts after 14 minutes.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ABLATIONS, buildBundledApp, buildCdn, buildChartCdn, launchChromium, machineLoad, receivePage, serve, startMosquitto, stats, within } from './lib/harness.js';
import { concat, payloadOf, publishPacket } from '../scripts/mqtt-wire.js';
import { tcpClient } from './lib/tcp-client.js';
import { dashboardFeed } from './lib/dashboard-feed.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROUNDS = Number(arg('rounds', 5));
const ONLY = new Set(arg('only', 'P1,P2,P3,P4,P5,P6,P7').split(','));
const RUN = Math.random().toString(36).slice(2, 7);
// P7 adds about 2.5 minutes to the 3-4 of P1-P6, with room for a loaded machine.
const DEADLINE_MS = 14 * 60 * 1000;

const watchdog = setTimeout(() => {
  console.error(`bench: aborted after ${DEADLINE_MS / 60000} minutes`);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

const log = (...a) => console.error('[bench]', ...a);
const results = { run: RUN, started: new Date().toISOString(), rounds: ROUNDS, figures: {} };

/** Rotates `list` by `r`: each variant goes first in some round (drift and warm-up even out). */
const rotate = (list, r) => list.map((_, i) => list[(i + r) % list.length]);

async function main() {
  buildCdn({ ablations: ONLY.has('P1') ? ABLATIONS : [] });
  if (ONLY.has('P7')) buildChartCdn();
  const load = machineLoad();
  log(`load ${load.load1.toFixed(2)}${load.busy.length ? `; busy: ${load.busy.join(', ')}` : ''}`);
  results.machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    loadBefore: load,
  };
  const mosquitto = await startMosquitto({ logTypes: ['error', 'warning', 'notice'] });
  const { server, base } = await serve();
  const browser = await launchChromium();
  results.machine.chromium = browser.version();
  const publisher = await tcpClient(mosquitto.tcpPort, `bench-pub-${RUN}`);
  const ctx = { mosquitto, base, browser, publisher, wsUrl: mosquitto.wsUrl };
  try {
    if (ONLY.has('P1')) await p1(ctx);
    if (ONLY.has('P2')) await p2(ctx);
    if (ONLY.has('P3')) await p3(ctx);
    if (ONLY.has('P4')) await p4(ctx);
    if (ONLY.has('P5')) await p5(ctx);
    if (ONLY.has('P6')) await p6(ctx);
    if (ONLY.has('P7')) await p7(ctx);
  } finally {
    await publisher.close().catch(() => {});
    await browser.close().catch(() => {});
    server.close();
    await mosquitto.close();
  }
  results.machine.loadAfter = machineLoad();
  results.finished = new Date().toISOString();
}

/** Opens a page in a fresh context (no cache, no state from an earlier measurement). */
async function openPage(ctx, path, params) {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  const query = new URLSearchParams({ url: ctx.wsUrl, ...params });
  await page.goto(`${ctx.base}/pages/${path}?${query}`);
  return { page, context, errors, close: () => context.close() };
}

/** A burst of `total` QoS 0 messages, round-robin over `topics` topics under `prefix`. */
function burst(prefix, topics, total) {
  const packets = [];
  for (let seq = 0; seq < total; seq++) packets.push(publishPacket(`${prefix}/${seq % topics}`, payloadOf(seq)));
  return concat(packets);
}

// P1: inbound msgs/s rendered by 100 <mqtt-subscribe> vs the hand-written page vs the ceiling.
async function p1(ctx) {
  const TOPICS = 100;
  const TOTAL = Number(arg('p1-messages', 20000));
  // The two ablations are the same elements page on builds with part of the receive path taken
  // out (bench/vite.ablation.config.js): what ws-stream.ts and its batching are each worth.
  const variants = ['ceiling', 'mqttjs', 'elements', ...ABLATIONS.map((a) => `elements-${a}`)];
  const rates = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const variant of rotate(variants, r)) {
      const prefix = `p1/${RUN}/${r}/${variants.indexOf(variant)}`;
      const bytes = burst(prefix, TOPICS, TOTAL);
      const { path, params } = receivePage(variant);
      const p = await openPage(ctx, path, { ...params, prefix, topics: TOPICS });
      try {
        await within(p.page.evaluate(() => bench.ready), 30000, `P1 ${variant} ready`);
        // Armed first, then published: a message that beat the page's clock would be lost.
        await p.page.evaluate((total) => bench.go(total), TOTAL);
        await ctx.publisher.write(bytes);
        const ms = await within(p.page.evaluate(() => bench.done), 120000, `P1 ${variant} burst`);
        rates[variant].push((TOTAL / ms) * 1000);
        log(`P1 round ${r + 1} ${variant}: ${Math.round((TOTAL / ms) * 1000)} msg/s`);
        if (p.errors.length) throw new Error(`P1 ${variant}: page errors: ${p.errors.join('; ')}`);
      } finally {
        await p.close();
      }
    }
  }
  results.figures.P1 = {
    what: `inbound msg/s rendered, ${TOTAL} x 100 B QoS 0 over ${TOPICS} topics`,
    ceiling: stats(rates.ceiling),
    mqttjs: stats(rates.mqttjs),
    elements: stats(rates.elements),
    ratioVsMqttjs: stats(rates.elements.map((e, i) => e / rates.mqttjs[i])),
    ratioVsCeiling: stats(rates.elements.map((e, i) => e / rates.ceiling[i])),
    mqttjsVsCeiling: stats(rates.mqttjs.map((e, i) => e / rates.ceiling[i])),
    ablations: Object.fromEntries(
      ABLATIONS.map((a) => [
        a,
        { rate: stats(rates[`elements-${a}`]), ratioVsMqttjs: stats(rates[`elements-${a}`].map((e, i) => e / rates.mqttjs[i])) },
      ]),
    ),
    goal: 'elements / mqttjs >= 1.0',
  };
}


// P2: per-message cost at 10,000 elements on distinct topics vs at 10, message to one of them.
async function p2(ctx) {
  const SIZES = [10, 10000];
  const INJECT = Number(arg('p2-messages', 20000));
  const WIRE = Number(arg('p2-wire-messages', 10000));
  const pages = {};
  const hand = {};
  try {
    for (const n of SIZES) {
      const prefix = `p2/${RUN}/${n}`;
      pages[n] = { prefix, index: n >> 1, ...(await openPage(ctx, 'dispatch-elements.html', { prefix, n })) };
      await within(pages[n].page.evaluate(() => bench.ready), 120000, `P2 n=${n} ready`);
      const handPrefix = `p2/${RUN}/hand${n}`;
      // The P1 hand-written page with n spans: the same layout, a Map lookup per message.
      hand[n] = {
        prefix: handPrefix,
        index: n >> 1,
        ...(await openPage(ctx, 'receive-mqttjs.html', { prefix: handPrefix, topics: n })),
      };
      await within(hand[n].page.evaluate(() => bench.ready), 120000, `P2 by hand n=${n} ready`);
    }
    // Warm-up, not measured: the first few thousand messages are compiled on the way.
    for (const n of SIZES) await pages[n].page.evaluate(([c, i]) => bench.inject(c, i), [2000, pages[n].index]);
    const inject = { 10: [], 10000: [] };
    const wire = { 10: [], 10000: [] };
    const wireHand = { 10: [], 10000: [] };
    /** Over the wire: `WIRE` messages to one element (or span); msg/s until it shows the last. */
    let first = 1000000; // payloads never seen before by the page: the last one marks the end
    const overTheWire = async ({ page, index, prefix }, what) => {
      first += WIRE;
      await page.evaluate(([last, i]) => bench.goOne(last, i), [first + WIRE - 1, index]);
      const packets = [];
      for (let seq = first; seq < first + WIRE; seq++) packets.push(publishPacket(`${prefix}/${index}`, payloadOf(seq)));
      await ctx.publisher.write(concat(packets));
      const ms = await within(page.evaluate(() => bench.done), 60000, what);
      return (WIRE / ms) * 1000;
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of rotate(SIZES, r)) {
        const { page, index, prefix } = pages[n];
        const us = await within(page.evaluate(([c, i]) => bench.inject(c, i), [INJECT, index]), 60000, `P2 inject n=${n}`);
        inject[n].push(us);
        wire[n].push(await overTheWire({ page, index, prefix }, `P2 wire n=${n}`));
        wireHand[n].push(await overTheWire(hand[n], `P2 wire by hand n=${n}`));
        log(
          `P2 round ${r + 1} n=${n}: ${us.toFixed(2)} µs/msg injected; over the wire ${Math.round(wire[n].at(-1))} msg/s, by hand ${Math.round(wireHand[n].at(-1))} msg/s`,
        );
      }
      for (const p of [...Object.values(pages), ...Object.values(hand)]) if (p.errors.length) throw new Error(`P2: ${p.errors.join('; ')}`);
    }
    results.figures.P2 = {
      what: `µs per message from the MQTT.js client's 'message' event to the element's DOM (each message its own Lit update), one element of n on distinct topics; ${INJECT} messages`,
      injected10: stats(inject[10]),
      injected10000: stats(inject[10000]),
      ratio: stats(inject[10000].map((v, i) => v / inject[10][i])),
      wire10: stats(wire[10]),
      wire10000: stats(wire[10000]),
      wireRatio: stats(wire[10].map((v, i) => v / wire[10000][i])),
      wireHand10: stats(wireHand[10]),
      wireHand10000: stats(wireHand[10000]),
      wireHandRatio: stats(wireHand[10].map((v, i) => v / wireHand[10000][i])),
      goal: 'cost at 10,000 / cost at 10 <= 1.5',
    };
  } finally {
    for (const p of [...Object.values(pages), ...Object.values(hand)]) await p.close();
  }
}

// P3: publish msg/s through <mqtt-publish>.publish() and <mqtt-connection>.publish() vs raw
// client.publish(), counted by a TCP subscriber at the broker's far side.
async function p3(ctx) {
  const COUNT = Number(arg('p3-messages', 20000));
  const variants = ['raw', 'element', 'connection'];
  const rates = { raw: [], element: [], connection: [] };
  const inPage = { raw: [], element: [], connection: [] };
  const raw = await openPage(ctx, 'publish-mqttjs.html', {});
  const elements = await openPage(ctx, 'publish-elements.html', { topic: `p3/${RUN}/element` });
  try {
    await within(raw.page.evaluate(() => bench.ready), 30000, 'P3 raw ready');
    await within(elements.page.evaluate(() => bench.ready), 30000, 'P3 elements ready');
    for (let r = -1; r < ROUNDS; r++) {
      for (const variant of rotate(variants, Math.max(r, 0))) {
        // <mqtt-publish> has its topic in the markup; the others take this round's.
        const topic = variant === 'element' ? `p3/${RUN}/element` : `p3/${RUN}/${variant}/${r}`;
        const subscriber = await tcpClient(ctx.mosquitto.tcpPort, `bench-p3-${RUN}-${variant}-${r + 1}`);
        try {
          await subscriber.subscribe([topic]);
          const page = variant === 'raw' ? raw.page : elements.page;
          const t0 = performance.now();
          const pageMs = page.evaluate(([c, t, m]) => bench.publish(c, t, m), [COUNT, topic, variant]);
          await within(subscriber.received(COUNT), 60000, `P3 ${variant}`);
          const ms = performance.now() - t0;
          const pageTime = await pageMs;
          if (r < 0) continue; // warm-up round
          rates[variant].push((COUNT / ms) * 1000);
          inPage[variant].push((COUNT / pageTime) * 1000);
          log(`P3 round ${r + 1} ${variant}: ${Math.round((COUNT / ms) * 1000)} msg/s at the subscriber`);
        } finally {
          await subscriber.close();
        }
      }
    }
    for (const p of [raw, elements]) if (p.errors.length) throw new Error(`P3: ${p.errors.join('; ')}`);
  } finally {
    await raw.close();
    await elements.close();
  }
  results.figures.P3 = {
    what: `publish msg/s, ${COUNT} x 100 B QoS 0 in one loop, until a TCP subscriber has them all`,
    raw: stats(rates.raw),
    element: stats(rates.element),
    connection: stats(rates.connection),
    ratioElement: stats(rates.element.map((v, i) => v / rates.raw[i])),
    ratioConnection: stats(rates.connection.map((v, i) => v / rates.raw[i])),
    inPageRaw: stats(inPage.raw),
    inPageElement: stats(inPage.element),
    inPageConnection: stats(inPage.connection),
    goal: 'element / raw >= 1.0 and connection / raw >= 1.0',
  };
}

// P4: SUBSCRIBE packets the broker receives for 1,000 elements on one filter. A mosquitto of
// its own that logs every packet ("Received SUBSCRIBE from <client id>").
async function p4(ctx) {
  const N = 1000;
  const broker = await startMosquitto({ logTypes: ['all'] });
  const counts = {};
  try {
    for (const variant of ['elements', 'mqttjs']) {
      const clientId = `p4-${variant}-${RUN}`;
      const p = await openPage({ ...ctx, wsUrl: broker.wsUrl }, `subscribe-shared-${variant}.html`, {
        clientId,
        topic: `p4/${RUN}/${variant}`,
        n: N,
      });
      try {
        await within(p.page.evaluate(() => bench.ready), 60000, `P4 ${variant} ready`);
        // Anything still in flight would have been acknowledged by now; give the log a moment.
        await new Promise((r) => setTimeout(r, 300));
        counts[variant] = broker.log().filter((l) => l.includes(`Received SUBSCRIBE from ${clientId}`)).length;
        log(`P4 ${variant}: ${counts[variant]} SUBSCRIBE for ${N} subscribers`);
        if (p.errors.length) throw new Error(`P4 ${variant}: ${p.errors.join('; ')}`);
      } finally {
        await p.close();
      }
    }
  } finally {
    await broker.close();
  }
  results.figures.P4 = {
    what: `SUBSCRIBE packets received by mosquitto for ${N} subscribers of one filter`,
    elements: counts.elements,
    mqttjs: counts.mqttjs,
    goal: 'exactly 1',
  };
}

// P5: page load -> first retained value shown, vs the hand-written page; the elements from the CDN
// bundle and from a bundled app (Vite over dist/, lazy chunks and all).
async function p5(ctx) {
  const topic = `p5/${RUN}/retained`;
  const expected = `retained-${RUN}`;
  await ctx.publisher.write(publishPacket(topic, expected, true));
  await buildBundledApp();
  const variants = ['mqttjs', 'elements', 'bundled'];
  const times = { mqttjs: [], elements: [], bundled: [] };
  // Five pairs a round: one load is ~0.5 s, and its time swings by ±100 ms with the broker's
  // WebSocket accept and script compile, so the median needs many pairs.
  const rounds = ROUNDS * 5;
  for (let r = -1; r < rounds; r++) {
    for (const variant of rotate(variants, Math.max(r, 0))) {
      const p = await openPage(ctx, `first-value-${variant}.html`, { topic, expected });
      try {
        const handle = await within(
          p.page.waitForFunction(() => window.shownAt, undefined, { polling: 20, timeout: 15000 }),
          20000,
          `P5 ${variant}`,
        );
        const ms = await handle.jsonValue();
        if (p.errors.length) throw new Error(`P5 ${variant}: ${p.errors.join('; ')}`);
        if (r < 0) continue; // warm-up: the server's file cache and the browser's first start
        times[variant].push(ms);
      } finally {
        await p.close();
      }
    }
  }
  log(`P5 median: mqttjs ${stats(times.mqttjs).median.toFixed(0)} ms, elements ${stats(times.elements).median.toFixed(0)} ms, bundled ${stats(times.bundled).median.toFixed(0)} ms`);
  results.figures.P5 = {
    what: 'ms from navigation start to the retained value shown (fresh browser context each load: no cache)',
    mqttjs: stats(times.mqttjs),
    elements: stats(times.elements),
    ratio: stats(times.elements.map((v, i) => v / times.mqttjs[i])),
    bundled: stats(times.bundled),
    bundledRatio: stats(times.bundled.map((v, i) => v / times.mqttjs[i])),
    goal: 'elements / mqttjs <= 1.1',
  };
}

// P6: heap bytes per subscribed element: 10,000 elements minus none, after a full GC.
async function p6(ctx) {
  const N = 10000;
  const rounds = Math.max(2, Math.ceil(ROUNDS / 2));
  const variants = ['elements', 'mqttjs'];
  const js = { elements: [], mqttjs: [] };
  const embedder = { elements: [], mqttjs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of rotate(variants, r)) {
      const p = await openPage(ctx, `heap-${variant}.html`, {});
      try {
        await within(p.page.evaluate(() => bench.ready), 30000, `P6 ${variant} ready`);
        const cdp = await p.context.newCDPSession(p.page);
        const usage = async () => {
          // Twice: the first collection can leave garbage that only the second one finds.
          await cdp.send('HeapProfiler.collectGarbage');
          await cdp.send('HeapProfiler.collectGarbage');
          return cdp.send('Runtime.getHeapUsage');
        };
        const before = await usage();
        await within(p.page.evaluate(([n, prefix]) => bench.add(n, prefix), [N, `p6/${RUN}/${r}${variant[0]}`]), 150000, `P6 ${variant} add`);
        const after = await usage();
        js[variant].push((after.usedSize - before.usedSize) / N);
        embedder[variant].push(((after.embedderHeapUsedSize ?? 0) - (before.embedderHeapUsedSize ?? 0)) / N);
        log(`P6 round ${r + 1} ${variant}: ${Math.round(js[variant].at(-1))} B JS heap + ${Math.round(embedder[variant].at(-1))} B DOM (Blink) heap per subscriber`);
        if (p.errors.length) throw new Error(`P6 ${variant}: ${p.errors.join('; ')}`);
      } finally {
        await p.close();
      }
    }
  }
  results.figures.P6 = {
    what: `bytes per subscriber, (heap with ${N} - heap with 0) / ${N}, after GC; JS = V8 heap, DOM = Blink's (Oilpan) heap`,
    elementsJs: stats(js.elements),
    elementsDom: stats(embedder.elements),
    mqttjsJs: stats(js.mqttjs),
    mqttjsDom: stats(embedder.mqttjs),
    goal: 'elements JS heap per element <= 2048 B',
  };
}

// P7: a dashboard (100 <mqtt-subscribe> with decimals and thresholds, 10 rows-per-topic elements
// of 20 devices, 4 <mqtt-chart>s of 5 series) fed RATE msg/s for SECONDS s, beside the same
// dashboard by hand with MQTT.js and uPlot, and a bare WebSocket that only counts (the floor: what
// receiving the frames costs the browser). Main-thread busy time (CDP TaskDuration) and frames
// over 50 ms, from the first message until the page shows the last value of every topic.
async function p7(ctx) {
  const RATE = Number(arg('p7-rate', 5000));
  const SECONDS = Number(arg('p7-seconds', 20));
  const rounds = Number(arg('p7-rounds', Math.max(2, Math.ceil(ROUNDS / 2))));
  const TOTAL = RATE * SECONDS;
  // The floor: the same feed to a bare WebSocket that only counts (dashboard-ceiling.html).
  const variants = ['elements', 'mqttjs', 'ceiling'];
  const runs = { elements: [], mqttjs: [], ceiling: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of rotate(variants, r)) {
      const prefix = `dash/${RUN}/${r}${variant[0]}`;
      const feed = dashboardFeed(prefix, TOTAL);
      const p = await openPage(ctx, `dashboard-${variant}.html`, { prefix, total: TOTAL });
      try {
        await within(p.page.evaluate(() => bench.ready), 60000, `P7 ${variant} ready`);
        const cdp = await p.context.newCDPSession(p.page);
        await cdp.send('Performance.enable');
        const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
        await p.page.evaluate(() => bench.dash.start());
        const before = await metrics();
        const t0 = performance.now();
        // Paced: every few ms, whatever is due by now goes in one write.
        let sent = 0;
        while (sent < TOTAL) {
          const due = Math.min(TOTAL, Math.floor(((performance.now() - t0) * RATE) / 1000));
          if (due > sent) {
            await ctx.publisher.write(feed.bytes.subarray(feed.offsets[sent], feed.offsets[due]));
            sent = due;
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const fedMs = performance.now() - t0;
        await within(p.page.evaluate((expected) => bench.dash.settled(expected), feed.settled), 40000, `P7 ${variant} settled`);
        const after = await metrics();
        const ms = performance.now() - t0;
        const frames = await p.page.evaluate(() => bench.dash.stop());
        // The charts draw in the frame after their last message: give it time, bounded.
        const summaries = variant === 'ceiling' ? 0 : feed.expected.summaries.length;
        await within(
          p.page.waitForFunction((n) => bench.dash.shown().summaries.length === n, summaries, { polling: 50, timeout: 10000 }),
          15000,
          `P7 ${variant} charts`,
        );
        const shown = await p.page.evaluate(() => ({ ...bench.dash.shown(), ...bench.dash.counts() }));
        const problems =
          variant === 'ceiling'
            ? compareShown(shown, { values: [], rows: [], summaries: [], points: 0, received: TOTAL })
            : compareShown(shown, feed.expected);
        if (problems.length) throw new Error(`P7 ${variant}: the page does not show what was sent: ${problems.slice(0, 5).join('; ')}`);
        if (p.errors.length) throw new Error(`P7 ${variant}: page errors: ${p.errors.join('; ')}`);
        const delta = (name) => (after[name] - before[name]) * 1000;
        const run = {
          busyMs: delta('TaskDuration'),
          scriptMs: delta('ScriptDuration'),
          layoutMs: delta('LayoutDuration'),
          styleMs: delta('RecalcStyleDuration'),
          wallMs: ms,
          fedMs,
          busyShare: delta('TaskDuration') / ms,
          ...frames,
          received: shown.received,
        };
        runs[variant].push(run);
        log(
          `P7 round ${r + 1} ${variant}: busy ${Math.round(run.busyMs)} ms of ${Math.round(ms)} ms (script ${Math.round(run.scriptMs)}, style ${Math.round(run.styleMs)}, layout ${Math.round(run.layoutMs)}); ${run.longFrames} frames > 50 ms (longest ${Math.round(run.longestFrame)} ms), ${run.framesDrawn} frames; ${run.received} messages, all last values shown`,
        );
      } finally {
        await p.close();
      }
    }
  }
  const of = (variant, key) => stats(runs[variant].map((x) => x[key]));
  const side = (variant) => ({
    busyMs: of(variant, 'busyMs'),
    busyShare: of(variant, 'busyShare'),
    scriptMs: of(variant, 'scriptMs'),
    styleMs: of(variant, 'styleMs'),
    layoutMs: of(variant, 'layoutMs'),
    longFrames: of(variant, 'longFrames'),
    longestFrame: of(variant, 'longestFrame'),
    framesDrawn: of(variant, 'framesDrawn'),
    wallMs: of(variant, 'wallMs'),
    received: of(variant, 'received'),
  });
  results.figures.P7 = {
    what: `dashboard: 100 <mqtt-subscribe> (decimals, thresholds), 10 rows elements x 20 topics, 4 <mqtt-chart> x 5 series; ${RATE} msg/s for ${SECONDS} s over 320 topics; main-thread busy ms (CDP TaskDuration) from the first message until every last value is shown`,
    rounds,
    elements: side('elements'),
    mqttjs: side('mqttjs'),
    ceiling: side('ceiling'),
    ratioBusy: stats(runs.elements.map((e, i) => e.busyMs / runs.mqttjs[i].busyMs)),
    // JavaScript alone: the busy time also holds the frames each page found time to draw.
    ratioScript: stats(runs.elements.map((e, i) => e.scriptMs / runs.mqttjs[i].scriptMs)),
    ratioFrames: stats(runs.elements.map((e, i) => e.framesDrawn / runs.mqttjs[i].framesDrawn)),
    // What each page adds to the browser's own cost of receiving the frames, compared.
    ratioAboveFloor: stats(runs.elements.map((e, i) => (e.busyMs - runs.ceiling[i].busyMs) / (runs.mqttjs[i].busyMs - runs.ceiling[i].busyMs))),
    goal: 'elements busy / by hand busy <= 1.0 (stretch 0.5)',
  };
}

/** What a dashboard page shows against what it was sent: a list of differences, empty when equal. */
function compareShown(shown, expected) {
  const problems = [];
  for (const kind of ['values', 'rows']) {
    const got = new Map(shown[kind].map(([topic, ...rest]) => [topic, rest.join(' level ')]));
    if (shown[kind].length !== expected[kind].length) problems.push(`${shown[kind].length} ${kind}, not ${expected[kind].length}`);
    for (const [topic, ...rest] of expected[kind]) {
      const want = rest.join(' level ');
      if (got.get(topic) !== want) problems.push(`${topic}: ${got.get(topic)} instead of ${want}`);
    }
  }
  if (JSON.stringify(shown.summaries) !== JSON.stringify(expected.summaries)) {
    problems.push(`chart summaries ${JSON.stringify(shown.summaries)} instead of ${JSON.stringify(expected.summaries)}`);
  }
  if (shown.points !== expected.points) problems.push(`${shown.points} chart points, not ${expected.points}`);
  if (shown.received !== expected.received) problems.push(`${shown.received} messages received, not ${expected.received}`);
  return problems;
}

/** The results as a table, one line per measure: aligned text, or a Markdown table. */
function table(markdown = false) {
  const f = results.figures;
  const rows = [];
  const fmt = (v, digits) => (v >= 100 ? Math.round(v).toString() : v.toFixed(digits));
  const row = (figure, measure, st, digits = 2, goal = '', holds = '') =>
    rows.push([figure, measure, fmt(st.median, digits), `${fmt(st.min, digits)}–${fmt(st.max, digits)}`, goal, holds]);
  const yes = (ok) => (ok ? 'yes' : 'NO');
  if (f.P1) {
    row('P1', 'ceiling (bare WebSocket) msg/s', f.P1.ceiling, 0);
    row('P1', 'MQTT.js by hand msg/s', f.P1.mqttjs, 0);
    row('P1', '100 <mqtt-subscribe> msg/s', f.P1.elements, 0);
    row('P1', 'elements ÷ by hand', f.P1.ratioVsMqttjs, 2, '≥ 1.0 (1.2)', yes(f.P1.ratioVsMqttjs.median >= 1));
    row('P1', 'elements ÷ ceiling', f.P1.ratioVsCeiling, 2);
    row('P1', 'by hand ÷ ceiling', f.P1.mqttjsVsCeiling, 2);
    for (const [name, a] of Object.entries(f.P1.ablations ?? {})) {
      row('P1', `ablation ${name} msg/s`, a.rate, 0);
      row('P1', `ablation ${name} ÷ by hand`, a.ratioVsMqttjs, 2);
    }
  }
  if (f.P2) {
    row('P2', 'µs/msg, 10 elements', f.P2.injected10, 2);
    row('P2', 'µs/msg, 10,000 elements', f.P2.injected10000, 2);
    row('P2', '10,000 ÷ 10', f.P2.ratio, 2, '≤ 1.5', yes(f.P2.ratio.median <= 1.5));
    row('P2', 'wire msg/s, 10 elements', f.P2.wire10, 0);
    row('P2', 'wire msg/s, 10,000 elements', f.P2.wire10000, 0);
    row('P2', 'wire: time/msg 10,000 ÷ 10', f.P2.wireRatio, 2);
    row('P2', 'wire by hand msg/s, 10 spans', f.P2.wireHand10, 0);
    row('P2', 'wire by hand msg/s, 10,000 spans', f.P2.wireHand10000, 0);
    row('P2', 'wire by hand: time/msg 10,000 ÷ 10', f.P2.wireHandRatio, 2);
  }
  if (f.P3) {
    row('P3', 'raw client.publish msg/s', f.P3.raw, 0);
    row('P3', '<mqtt-publish>.publish() msg/s', f.P3.element, 0);
    row('P3', '<mqtt-connection>.publish() msg/s', f.P3.connection, 0);
    row('P3', '<mqtt-publish> ÷ raw', f.P3.ratioElement, 2, '≥ 1.0', yes(f.P3.ratioElement.median >= 1));
    row('P3', 'connection ÷ raw', f.P3.ratioConnection, 2, '≥ 1.0', yes(f.P3.ratioConnection.median >= 1));
  }
  if (f.P4) {
    const one = (v) => ({ median: v, min: v, max: v });
    row('P4', 'SUBSCRIBE for 1,000 <mqtt-subscribe>', one(f.P4.elements), 0, '= 1', yes(f.P4.elements === 1));
    row('P4', 'SUBSCRIBE for 1,000 client.subscribe()', one(f.P4.mqttjs), 0);
  }
  if (f.P5) {
    row('P5', 'ms to first retained value, by hand', f.P5.mqttjs, 0);
    row('P5', 'ms to first retained value, elements', f.P5.elements, 0);
    row('P5', 'elements ÷ by hand', f.P5.ratio, 2, '≤ 1.1', yes(f.P5.ratio.median <= 1.1));
    if (f.P5.bundled) {
      row('P5', 'ms to first retained value, elements in a bundled app', f.P5.bundled, 0);
      row('P5', 'bundled app ÷ by hand', f.P5.bundledRatio, 2, '≤ 1.1', yes(f.P5.bundledRatio.median <= 1.1));
    }
  }
  if (f.P6) {
    row('P6', 'B/element JS heap, <mqtt-subscribe>', f.P6.elementsJs, 0, '≤ 2048', yes(f.P6.elementsJs.median <= 2048));
    row('P6', 'B/element DOM heap, <mqtt-subscribe>', f.P6.elementsDom, 0);
    row('P6', 'B/subscriber JS heap, by hand', f.P6.mqttjsJs, 0);
    row('P6', 'B/subscriber DOM heap, by hand', f.P6.mqttjsDom, 0);
  }
  if (f.P7) {
    row('P7', 'dashboard busy ms, elements', f.P7.elements.busyMs, 0);
    row('P7', 'dashboard busy ms, by hand', f.P7.mqttjs.busyMs, 0);
    row('P7', 'dashboard busy ms, bare WebSocket floor', f.P7.ceiling.busyMs, 0);
    row('P7', 'busy: elements ÷ by hand', f.P7.ratioBusy, 2, '≤ 1.0 (0.5)', yes(f.P7.ratioBusy.median <= 1));
    row('P7', 'busy above floor: elements ÷ by hand', f.P7.ratioAboveFloor, 2);
    row('P7', 'script ms, elements', f.P7.elements.scriptMs, 0);
    row('P7', 'script ms, by hand', f.P7.mqttjs.scriptMs, 0);
    row('P7', 'script: elements ÷ by hand', f.P7.ratioScript, 2);
    row('P7', 'frames > 50 ms, elements', f.P7.elements.longFrames, 0);
    row('P7', 'frames > 50 ms, by hand', f.P7.mqttjs.longFrames, 0);
    row('P7', 'frames > 50 ms, floor', f.P7.ceiling.longFrames, 0);
    row('P7', 'frames drawn, elements', f.P7.elements.framesDrawn, 0);
    row('P7', 'frames drawn, by hand', f.P7.mqttjs.framesDrawn, 0);
    row('P7', 'frames drawn: elements ÷ by hand', f.P7.ratioFrames, 2);
  }
  const head = ['', 'measure', 'median', 'min–max', 'goal', 'holds'];
  if (markdown) {
    const md = (cells) => `| ${cells.map((c) => c.replace(/<[\w-]+>/g, (tag) => `\`${tag}\``)).join(' | ')} |`;
    return [md(head), '| --- | --- | ---: | ---: | --- | --- |', ...rows.map(md)].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

main()
  .then(() => {
    const m = results.machine;
    console.log(`\nmqtt-elements bench, run ${RUN}: ${m.chromium ? `Chromium ${m.chromium}` : ''}, ${m.cpus} x ${m.cpu}, Node ${m.node}; ${ROUNDS} rounds, median and min–max`);
    console.log(`load average before ${m.loadBefore.load1.toFixed(2)}, after ${m.loadAfter.load1.toFixed(2)}${m.loadBefore.busy.length ? ` (busy before: ${m.loadBefore.busy.join(', ')})` : ''}\n`);
    console.log(table());
    results.table = table();
    results.tableMarkdown = table(true);
    writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), JSON.stringify(results, null, 2));
    console.log('\nwritten to bench/results.json');
    process.exit(0);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
