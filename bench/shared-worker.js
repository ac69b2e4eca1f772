// Issue 13, item 1: SharedWorker or an elected tab, measured. The elected tab is the product
// (`<mqtt-connection shared>` from cdn/, bench/pages/shared-tab-elected.html); the SharedWorker is
// a minimal one written for this measurement only (bench/pages/shared-worker.js and
// shared-worker-tab.html: MQTT.js's browser build in a module SharedWorker, subscriptions
// refcounted by port). For 5 tabs of one browser context, each variant in a fresh browser:
//   1. publish (Node, mosquitto's TCP port) to the value shown in all 5 tabs, over 50 messages;
//   2. the browser's memory (PSS of all its processes) with 1 and with 5 tabs;
//   3. closing the tab that opened the connection: CONNECTs at the broker, and the gap until the
//      other tabs show a message published after the close;
//   4. opening a new tab to its first (retained) value.
// Both pages run under a strict CSP with Trusted Types: the elected tab with workers forbidden,
// the SharedWorker's tab with `worker-src 'self'` and a policy for the worker's URL.
// Run after `npm run build` (the elected tab loads cdn/mqtt-elements.js). Options:
// --browsers chromium,firefox, --messages 50 (per round), --rounds 3 (the variants' order
// alternates from round to round; the table shows each figure's median over the rounds).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { escapeHtml } from '../scripts/escape-html.js';
import { CHROMIUM, FIREFOX } from '../scripts/browsers.js';
import { killTree } from '../scripts/kill-tree.js';
import { browserPss } from '../scripts/process-memory.js';
import { startMosquitto } from '../scripts/mosquitto.js';
import { startStaticServer } from '../scripts/static-server.js';
import { publishPacket } from '../scripts/mqtt-wire.js';
import { within } from '../scripts/time-limit.js';
import { launchers } from '../test/e2e/one-context.js';
import { machineLoad, stats } from './lib/harness.js';
import { tcpClient } from './lib/tcp-client.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./shared-worker-results.json', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    browsers: { type: 'string', default: 'chromium,firefox' },
    messages: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
  },
});
const BROWSERS = opts.browsers.split(',').map((b) => b.trim());
const MESSAGES = Number(opts.messages);
const ROUNDS = Number(opts.rounds);
const TABS = 5;
const VARIANTS = ['elected', 'worker'];
/** Between measured messages: far above either variant's latency, so no message waits on another. */
const SPACING_MS = 100;
/** Around the close, a message every 20 ms: the gap is known to within that. */
const GAP_PUBLISH_MS = 20;
const NEW_TABS = 5;
// Four fresh browsers a round, one after another: about 3.5 minutes for 3 rounds on the 2-core
// machine.
const WATCHDOG_MS = 5.5 * 60 * 1000;

const CSP = {
  '/bench/pages/shared-tab-elected.html':
    "default-src 'self'; script-src 'self'; connect-src ws://127.0.0.1:*; worker-src 'none'; require-trusted-types-for 'script'; trusted-types lit-html",
  '/bench/pages/shared-worker-tab.html':
    "default-src 'self'; script-src 'self'; connect-src 'self'; worker-src 'self'; require-trusted-types-for 'script'; trusted-types shared-worker",
  // A worker's own response sets its policy: it dials the broker, the page does not.
  '/bench/pages/shared-worker.js': "default-src 'none'; script-src 'self'; connect-src ws://127.0.0.1:*",
};

if (!existsSync(join(root, 'cdn/mqtt-elements.js'))) throw new Error('cdn/mqtt-elements.js is missing: run npm run build first');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The clock the pages' probe uses too (ms since the epoch, sub-millisecond). */
const now = () => performance.timeOrigin + performance.now();

const running = { browser: undefined, mosquitto: undefined };
const watchdog = setTimeout(() => {
  console.error(`bench:shared-worker: not done within ${WATCHDOG_MS / 1000} s, stopping everything`);
  killTree(running.browser?.pid());
  Promise.resolve(running.mosquitto?.close()).finally(() => process.exit(2));
  setTimeout(() => process.exit(2), 3000).unref();
}, WATCHDOG_MS);

/** The repository on 127.0.0.1; the elected page's `{{NAME}}`s filled from the query, escaped. */
function serve() {
  return startStaticServer({
    root,
    render: (pathname, url) => {
      if (extname(pathname) !== '.html') return undefined;
      const path = normalize(join(root, pathname));
      if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) return undefined; // 404
      return readFileSync(path, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => escapeHtml(url.searchParams.get(key) ?? ''));
    },
    // Scripts cached as a CDN would let them be (a new tab of either variant reuses them); the
    // pages, filled in per tab, not.
    headers: (pathname) => ({
      'cache-control': extname(pathname) === '.html' ? 'no-store' : 'max-age=600',
      ...(CSP[pathname] ? { 'content-security-policy': CSP[pathname] } : {}),
    }),
  });
}

/** Polls the tabs until `ok(state)` holds in each (the pages fire no event for Node to await). */
async function untilAll(tabs, ok, what, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const states = await within(Promise.all(tabs.map((tab) => tab.evaluate(() => window.probe.state()))), 20000, `${what}: reading the tabs`);
    if (states.every(ok)) return states;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms: ${JSON.stringify(states)}`);
    await sleep(50);
  }
}

const seenIn = (tab) => tab.evaluate(() => window.probe.seen);

/**
 * How far a tab's clock (performance.timeOrigin + now()) is ahead of Node's: Firefox gives
 * timeOrigin in whole milliseconds, as much as the latencies measured. The reading bracketed
 * most tightly by Node's clock of several is taken; the error is at most half its width.
 */
async function clockOffset(tab) {
  let best;
  for (let i = 0; i < 7; i++) {
    const before = now();
    const theirs = await tab.evaluate(() => performance.timeOrigin + performance.now());
    const after = now();
    if (!best || after - before < best.width) best = { width: after - before, offset: theirs - (before + after) / 2 };
  }
  return best;
}

/** One variant in a fresh browser: the four measurements, and the checks that make them count. */
async function measure({ browserName, variant, base, mosquitto, feed }) {
  const run = `${variant}-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
  const clientId = `swb-${run}`;
  const topic = `${run}/value`;
  const label = `${browserName} ${variant}`;
  const connects = () => mosquitto.log().filter((line) => line.includes(` as ${clientId} (`)).length;
  const pageUrl = (tab) =>
    variant === 'elected'
      ? `${base}/bench/pages/shared-tab-elected.html?${new URLSearchParams({ TAB: String(tab), WS_URL: mosquitto.wsUrl, CLIENT_ID: clientId, TOPIC: topic })}`
      : `${base}/bench/pages/shared-worker-tab.html?${new URLSearchParams({ tab: String(tab), url: mosquitto.wsUrl, clientId, topic })}`;
  const publish = async (payload, retain = false) => {
    const at = now();
    await feed.write(publishPacket(topic, payload, retain));
    return at;
  };

  const browser = await launchers[browserName]();
  running.browser = browser;
  const commands = await tcpClient(mosquitto.tcpPort, `${clientId}-commands`);
  const figures = { browser: browserName, variant };
  try {
    const openTab = async (n) => {
      const tab = await browser.newTab();
      await within(tab.goto(pageUrl(n)), 30000, `${label}: tab ${n} load`);
      return tab;
    };
    // 2. memory with 1 tab, then 5; the first tab's value comes from the broker's retained copy.
    await publish('retained-0', true);
    const tabs = [await openTab(1)];
    await untilAll(tabs, (s) => s.status === 'connected' && s.value === 'retained-0', `${label}: the first tab shows the retained value`);
    await sleep(1000); // let the load's garbage go before reading memory; no event says it has
    figures.pssOneTabMB = browserPss(browser.pid()) / 1024;
    for (let n = 2; n <= TABS; n++) tabs.push(await openTab(n));
    await untilAll(tabs, (s) => s.status === 'connected' && s.value === 'retained-0', `${label}: all ${TABS} tabs show the retained value`);
    await sleep(1000);
    figures.pssFiveTabsMB = browserPss(browser.pid()) / 1024;
    figures.pssPerExtraTabMB = (figures.pssFiveTabsMB - figures.pssOneTabMB) / (TABS - 1);
    figures.connectsWithFiveTabs = connects();
    if (figures.connectsWithFiveTabs !== 1) throw new Error(`${label}: ${figures.connectsWithFiveTabs} CONNECTs for ${TABS} tabs, not 1`);

    // 1. publish to shown in all 5 tabs.
    const sent = [];
    for (let i = 0; i < MESSAGES; i++) {
      const text = `m-${i}`;
      sent.push({ text, at: await publish(text) });
      await sleep(SPACING_MS);
    }
    await untilAll(tabs, (s) => s.value === `m-${MESSAGES - 1}`, `${label}: the last message in every tab`);
    const seen = await Promise.all(tabs.map(seenIn));
    const clocks = [];
    for (const tab of tabs) clocks.push(await clockOffset(tab));
    figures.clockBracketMs = Math.max(...clocks.map((c) => c.width));
    const shown = (i, text) => seen[i][text] - clocks[i].offset;
    const allTabs = sent.map(({ text, at }) => {
      const times = tabs.map((_, i) => shown(i, text));
      if (times.some((t) => Number.isNaN(t))) throw new Error(`${label}: ${text} never shown in some tab`);
      return Math.max(...times) - at;
    });
    const firstTab = sent.map(({ text, at }) => shown(0, text) - at);
    const tolerance = figures.clockBracketMs / 2 + 0.5;
    if (Math.min(...firstTab) < -tolerance) throw new Error(`${label}: a value shown ${-Math.min(...firstTab)} ms before it was published: the clocks disagree`);
    const all = stats(allTabs);
    figures.latencyAllTabsMs = { median: all.median, p90: [...allTabs].sort((a, b) => a - b)[Math.floor(0.9 * allTabs.length)], max: all.max };
    figures.latencyFirstTabMs = stats(firstTab).median;

    // The relay works both ways: a click in the third tab reaches the broker and is acknowledged.
    await commands.subscribe([`${topic}/set`]);
    await tabs[2].evaluate(() => document.querySelector('button').click());
    await within(commands.received(1, 10000), 11000, `${label}: the click's publish`);
    await untilAll([tabs[2]], (s) => s.publish === 'sent', `${label}: the click acknowledged`);

    // 3. close the tab that opened the connection, with a message published every 20 ms from
    // before the close until every other tab shows one sent after it: the longest silence in a
    // remaining tab is the gap.
    const before = connects();
    let k = 0;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        await publish(`gap-${k++}`);
        await sleep(GAP_PUBLISH_MS);
      }
    })();
    const rest = tabs.slice(1);
    await untilAll(rest, (s) => s.value.startsWith('gap-'), `${label}: the steady messages before the close`);
    await within(tabs[0].close(), 15000, `${label}: closing the first tab`);
    const afterClose = k;
    await untilAll(rest, (s) => s.value.startsWith('gap-') && Number(s.value.slice(4)) >= afterClose, `${label}: a message after the close in every other tab`);
    publishing = false;
    await publisher;
    await untilAll(rest, (s) => s.value === `gap-${k - 1}`, `${label}: the last steady message in every other tab`);
    const silences = (await Promise.all(rest.map(seenIn))).map((seenByTab) => {
      const times = Object.entries(seenByTab)
        .filter(([text]) => text.startsWith('gap-'))
        .map(([, t]) => t)
        .sort((a, b) => a - b);
      return { longest: Math.max(...times.slice(1).map((t, i) => t - times[i])), lost: k - times.length };
    });
    figures.closeGapMs = Math.max(...silences.map((x) => x.longest));
    figures.closeMessagesLost = Math.max(...silences.map((x) => x.lost));
    await sleep(1000); // a further CONNECT, if there were one, would be in the log by now
    figures.closeReconnects = connects() - before;
    await untilAll(rest, (s) => s.status === 'connected', `${label}: the other tabs connected`);

    // 4. a new tab's first value: the retained one, from the shared connection's latest message.
    await publish('retained-1', true);
    await untilAll(rest, (s) => s.value === 'retained-1', `${label}: the open tabs show the new retained value`);
    const fromOpen = [];
    const fromNavigation = [];
    const fromScript = [];
    for (let j = 1; j <= NEW_TABS; j++) {
      const openedAt = now();
      const tab = await openTab(10 + j);
      await untilAll([tab], (s) => s.value === 'retained-1', `${label}: new tab ${j} shows the retained value`);
      const { shownAt, origin, readyAt } = await tab.evaluate(() => ({ shownAt: window.probe.seen['retained-1'], origin: performance.timeOrigin, readyAt: window.probe.readyAt }));
      fromOpen.push(shownAt - openedAt);
      fromNavigation.push(shownAt - origin);
      fromScript.push(shownAt - readyAt);
      tabs.push(tab); // its errors are checked with the others'
      await within(tab.close(), 15000, `${label}: closing new tab ${j}`);
    }
    figures.newTabFromOpenMs = stats(fromOpen).median;
    figures.newTabFromNavigationMs = stats(fromNavigation).median;
    // Without loading and running the page's script: what the sharing itself costs a new tab.
    figures.newTabFromScriptMs = stats(fromScript).median;
    figures.connectsAtEnd = connects();

    figures.cspViolations = (await Promise.all(rest.map((tab) => tab.evaluate(() => window.probe.violations)))).flat();
    // Firefox reports the policy's refusals in the console, which Puppeteer passes on as page
    // errors: they are counted as what the page needed, not as failures. (The elected tab tries
    // a keepalive worker once hidden, which Trusted Types refuses; src/transport/keepalive-timer.ts.)
    const refused = (e) => e.startsWith('Content-Security-Policy:');
    figures.cspConsoleMessages = tabs.flatMap((tab) => tab.errors.filter(refused));
    const errors = tabs.flatMap((tab) => tab.errors.filter((e) => !refused(e)));
    if (errors.length) throw new Error(`${label}: page errors: ${errors.slice(0, 3).join(' | ')}`);
    for (const tab of rest) await within(tab.close(), 15000, `${label}: closing a tab`);
  } finally {
    await commands.close();
    await browser.close();
    running.browser = undefined;
  }
  return figures;
}

const ms = (x) => (x < 10 ? x.toFixed(1) : Math.round(x));

/** Each figure's median over the rounds of one browser and variant (the table's rows). */
function medians(figures) {
  const groups = new Map();
  for (const f of figures) {
    const key = `${f.browser} ${f.variant}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  return [...groups.values()].map((rounds) => {
    const median = (pick) => stats(rounds.map(pick)).median;
    return {
      browser: rounds[0].browser,
      variant: rounds[0].variant,
      rounds: rounds.length,
      latencyAllTabsMs: { median: median((f) => f.latencyAllTabsMs.median), p90: median((f) => f.latencyAllTabsMs.p90) },
      latencyFirstTabMs: median((f) => f.latencyFirstTabMs),
      pssOneTabMB: median((f) => f.pssOneTabMB),
      pssFiveTabsMB: median((f) => f.pssFiveTabsMB),
      pssPerExtraTabMB: median((f) => f.pssPerExtraTabMB),
      closeReconnects: rounds.map((f) => f.closeReconnects),
      closeGapMs: median((f) => f.closeGapMs),
      closeMessagesLost: median((f) => f.closeMessagesLost),
      newTabFromOpenMs: median((f) => f.newTabFromOpenMs),
      newTabFromNavigationMs: median((f) => f.newTabFromNavigationMs),
      newTabFromScriptMs: median((f) => f.newTabFromScriptMs),
    };
  });
}

function table(rows) {
  const head =
    '| browser | variant | publish → shown in all 5 tabs, ms (median / p90) | in the tab that connected, ms | PSS 1 tab / 5 tabs, MB | per extra tab, MB | closing the first tab: CONNECTs / gap ms / messages lost | new tab → retained value, ms: from navigation / after its script ran |';
  const cells = rows.map((f) =>
    [
      f.browser,
      f.variant === 'elected' ? 'elected tab (`shared`)' : 'SharedWorker',
      `${ms(f.latencyAllTabsMs.median)} / ${ms(f.latencyAllTabsMs.p90)}`,
      ms(f.latencyFirstTabMs),
      `${Math.round(f.pssOneTabMB)} / ${Math.round(f.pssFiveTabsMB)}`,
      Math.round(f.pssPerExtraTabMB),
      `${f.closeReconnects.join(', ')} / ${Math.round(f.closeGapMs)} / ${f.closeMessagesLost}`,
      `${Math.round(f.newTabFromNavigationMs)} / ${ms(f.newTabFromScriptMs)}`,
    ].join(' | '),
  );
  return [head, `|${' --- |'.repeat(2)}${' ---: |'.repeat(6)}`, ...cells.map((r) => `| ${r} |`)].join('\n');
}

function version(bin, flag = '--version') {
  try {
    return execFileSync(bin, [flag], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0].trim();
  } catch (err) {
    return String(err.stdout ?? '').split('\n')[0].trim() || undefined; // mosquitto -h exits 3
  }
}

async function main() {
  const loadBefore = machineLoad();
  console.log(`load before: ${loadBefore.load1.toFixed(2)} ${loadBefore.busy.join(', ')}`);
  // notice keeps the connect lines counted here, without two log lines per message.
  const mosquitto = await startMosquitto({ logTypes: ['error', 'warning', 'notice'] });
  running.mosquitto = mosquitto;
  const { server, base } = await serve();
  const feed = await tcpClient(mosquitto.tcpPort, 'swb-feed');
  const figures = [];
  const started = Date.now();
  try {
    // One browser at a time: the latencies are milliseconds, and the two cores are shared.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const browserName of BROWSERS) {
        for (const variant of round % 2 ? VARIANTS : [...VARIANTS].reverse()) {
          const t = Date.now();
          figures.push({ round, ...(await measure({ browserName, variant, base, mosquitto, feed })) });
          console.log(`round ${round}, ${browserName} ${variant}: measured in ${Math.round((Date.now() - t) / 1000)} s`);
        }
      }
    }
  } finally {
    await feed.close();
    server.close();
    await mosquitto.close();
  }
  const loadAfter = machineLoad();
  console.log(`load after: ${loadAfter.load1.toFixed(2)} ${loadAfter.busy.join(', ')}; ${Math.round((Date.now() - started) / 1000)} s`);
  const rows = medians(figures);
  console.log(table(rows));
  for (const f of figures) {
    const refusals = [...f.cspViolations, ...f.cspConsoleMessages];
    if (refusals.length) console.log(`${f.browser} ${f.variant}: refused by the CSP: ${JSON.stringify(refusals)}`);
  }
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, chromium: version(CHROMIUM), firefox: version(FIREFOX), mosquitto: version('/usr/sbin/mosquitto', '-h') };
  const settings = { rounds: ROUNDS, tabs: TABS, messages: MESSAGES, spacingMs: SPACING_MS, gapPublishMs: GAP_PUBLISH_MS, newTabs: NEW_TABS };
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, load: { before: loadBefore, after: loadAfter }, settings, medians: rows, figures }, null, 2)}\n`);
  console.log(`written to ${RESULTS}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
    // What a failed step left open (a browser, a socket) must not keep the process alive.
    setTimeout(() => process.exit(1), 20000).unref();
  })
  .finally(() => clearTimeout(watchdog));
