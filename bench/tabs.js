// Issue 13's figures for `<mqtt-connection shared>`: broker connections and bytes on the wire per
// minute for 1, 5 and 20 tabs of one dashboard, with and without `shared`. Each configuration's
// tabs open in a browser context of their own (contexts share no BroadcastChannel or Web Lock)
// and reach mosquitto through a byte-counting proxy of their own (bench/lib/byte-proxy.js); the
// two configurations of one tab count run side by side, fed the same telemetry. Run after
// `npm run build`: the pages load cdn/mqtt-elements.js. Options: --browsers chromium,firefox,
// --tabs 1,5,20, --window <seconds> (default 60).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { escapeHtml } from '../scripts/escape-html.js';
import { CHROMIUM, FIREFOX } from '../scripts/browsers.js';
import { killTree } from '../scripts/kill-tree.js';
import { launchBrowser } from '../scripts/launch-browser.js';
import { startMosquitto } from '../scripts/mosquitto.js';
import { publishPacket } from '../scripts/mqtt-wire.js';
import { startStaticServer } from '../scripts/static-server.js';
import { within } from '../scripts/time-limit.js';
import { difference, startByteProxy } from './lib/byte-proxy.js';
import { machineLoad } from './lib/harness.js';
import { tcpClient } from './lib/tcp-client.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const PAGE = fileURLToPath(new URL('./pages/tabs-dashboard.html', import.meta.url));
const RESULTS = fileURLToPath(new URL('./tabs-results.json', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    browsers: { type: 'string', default: 'chromium,firefox' },
    tabs: { type: 'string', default: '1,5,20' },
    window: { type: 'string', default: '60' },
  },
});
const BROWSERS = opts.browsers.split(',').map((b) => b.trim());
const TAB_COUNTS = opts.tabs.split(',').map(Number);
const WINDOW_MS = Number(opts.window) * 1000;
/** The dashboard's telemetry, each topic fed 2 messages a second, as a plant's sensors might. */
const TOPICS = ['temperature', 'humidity', 'pressure', 'power'];
const FEED_PERIOD_MS = 500;
const CONFIGS = ['separate', 'shared'];
// The whole run, both browsers side by side, takes about 4 minutes at the defaults.
const WATCHDOG_MS = 7.5 * 60 * 1000;

if (!existsSync(join(root, 'cdn/mqtt-elements.js'))) throw new Error('cdn/mqtt-elements.js is missing: run npm run build first');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Everything started that must not outlive the run, stopped by the watchdog if need be. */
const browserPids = new Set();
let mosquitto;

const watchdog = setTimeout(() => {
  console.error(`bench:tabs: not done within ${WATCHDOG_MS / 1000} s, stopping everything`);
  for (const pid of browserPids) killTree(pid);
  mosquitto?.kill().finally(() => process.exit(2));
  setTimeout(() => process.exit(2), 3000).unref();
}, WATCHDOG_MS);

/** The repository on 127.0.0.1, and the dashboard page with its values filled in. */
function serve() {
  return startStaticServer({
    root,
    render: (pathname, url) => {
      if (pathname !== '/tabs-dashboard.html') return undefined;
      const vars = Object.fromEntries(url.searchParams);
      return readFileSync(PAGE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) =>
        key === 'SHARED_ATTR' ? (vars.SHARED === '1' ? 'shared' : '') : escapeHtml(vars[key] ?? ''),
      );
    },
    headers: (pathname) => (pathname === '/tabs-dashboard.html' ? { 'cache-control': 'no-store' } : {}),
  });
}

/**
 * A browser whose `newContext()` gives an isolated set of tabs (its own storage, locks, channels):
 * scripts/launch-browser.js, with its pid watched by the watchdog while it runs.
 */
async function launch(name) {
  const browser = await launchBrowser(name);
  const pid = browser.pid();
  if (pid) browserPids.add(pid);
  return {
    newContext: async () => {
      const context = await browser.newContext();
      return {
        newTab: async () => {
          const tab = await context.newTab();
          // A click dispatched in the page: the browser's own click waits for an animation frame,
          // which a tab that is not in front may not get.
          return { ...tab, click: (selector) => tab.evaluate((sel) => document.querySelector(sel).click(), selector) };
        },
        close: context.close,
      };
    },
    close: () => browser.close().finally(() => browserPids.delete(pid)),
  };
}

/**
 * The Node publisher, straight into mosquitto's TCP port (not through a proxy): every 500 ms one
 * message per telemetry topic under each prefix being fed. `last` holds what each topic got last.
 */
async function startFeed(tcpPort) {
  const client = await tcpClient(tcpPort, 'bench-tabs-feed');
  const prefixes = new Set();
  const last = new Map();
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    const packets = [];
    for (const prefix of prefixes) {
      TOPICS.forEach((name, i) => {
        // Consecutive values of a topic differ, so a tab showing the one-before-last is caught.
        const payload = (10 * (i + 2) + ((seq * 7) % 100) / 10).toFixed(1);
        const topic = `${prefix}/telemetry/${name}`;
        last.set(topic, payload);
        packets.push(publishPacket(topic, payload));
      });
    }
    if (packets.length) client.write(Buffer.concat(packets));
  }, FEED_PERIOD_MS);
  return {
    add: (prefix) => prefixes.add(prefix),
    remove: (prefix) => prefixes.delete(prefix),
    last: (prefix) => TOPICS.map((name) => last.get(`${prefix}/telemetry/${name}`)),
    async close() {
      clearInterval(timer);
      await client.close();
    },
  };
}

/** What a dashboard tab shows: connection status, each value's status and text, the button's status. */
function tabState() {
  return {
    status: document.querySelector('mqtt-connection')?.status,
    subscriptions: [...document.querySelectorAll('mqtt-subscribe')].map((s) => s.status),
    values: [...document.querySelectorAll('mqtt-subscribe')].map((s) => s.textContent.trim()),
    publish: document.querySelector('mqtt-publish')?.status,
  };
}

/** Polls the tabs until `ok(state, i)` holds for every one; throws with the states after `timeout`. */
async function untilAll(tabs, ok, what, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const states = await within(Promise.all(tabs.map((tab) => tab.evaluate(tabState))), 20000, `${what}: reading the tabs`);
    if (states.every(ok)) return states;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms: ${JSON.stringify(states.filter((s, i) => !ok(s, i)).slice(0, 3))}`);
    await sleep(200); // the pages fire no event for "every element of every tab settled"
  }
}

/** One configuration (`separate` or `shared`) of `n` tabs: its context, proxy and command listener. */
async function openConfig({ browser, browserName, n, config, base, feed }) {
  // One length for every configuration's topics, so that their bytes compare; `label` names it.
  const prefix = `plant/${Math.random().toString(16).slice(2, 8).padEnd(6, '0')}`;
  const label = `${browserName} ${n} tabs ${config}`;
  const proxy = await startByteProxy({ port: Number(new URL(mosquitto.wsUrl).port) });
  const commands = await tcpClient(mosquitto.tcpPort, `${prefix.replace('/', '-')}-commands`);
  await commands.subscribe([`${prefix}/cmd/#`]);
  feed.add(prefix);
  const context = await browser.newContext();
  const tabs = [];
  const query = { WS_URL: `ws://127.0.0.1:${proxy.port}/mqtt`, PREFIX: prefix, SHARED: config === 'shared' ? '1' : '0' };
  // Five at a time: how fast a user could open them, without twenty page loads at once on two cores.
  for (let i = 0; i < n; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, n - i) }, async (_, j) => {
        const tab = await context.newTab();
        await within(tab.goto(`${base}/tabs-dashboard.html?${new URLSearchParams({ ...query, TAB: String(i + j + 1) })}`), 30000, `${label}: tab ${i + j + 1} load`);
        return tab;
      }),
    );
    tabs.push(...batch);
  }
  return { prefix, label, proxy, commands, context, tabs };
}

/** Counts the broker's log lines for CONNECTs that came through `proxy` (by the proxy's upstream ports). */
function brokerConnects(proxy, sinceLine) {
  const ports = proxy.upstreamPorts();
  return mosquitto
    .log()
    .slice(sinceLine)
    .filter((line) => {
      const m = / New client connected from \S*:(\d+) as /.exec(line);
      return m && ports.has(Number(m[1]));
    }).length;
}

/** `n` tabs with and without `shared`, side by side: set up, a measured window, the checks. */
async function measure({ browser, browserName, n, base, feed }) {
  const logStart = mosquitto.log().length;
  const runs = await Promise.all(CONFIGS.map((config) => openConfig({ browser, browserName, n, config, base, feed })));
  await Promise.all(
    runs.map((run) =>
      untilAll(
        run.tabs,
        (s) => s.status === 'connected' && s.subscriptions.every((x) => x === 'subscribed') && s.values.every((v) => v !== '–'),
        `${run.label}: every tab connected, subscribed and showing values`,
        60000,
      ),
    ),
  );
  const setup = runs.map((run) => run.proxy.snapshot());
  for (const run of runs) run.proxy.resetMaxOpen();
  const before = runs.map((run) => run.proxy.snapshot());
  const start = performance.now();
  // One command per tab per window, spread over it, as a user might click now and then.
  const clicks = runs.flatMap((run) =>
    run.tabs.map(async (tab, i) => {
      await sleep(((i + 0.5) * WINDOW_MS) / n);
      await within(tab.click('button'), 10000, `${run.label}: tab ${i + 1} click`);
    }),
  );
  await sleep(WINDOW_MS);
  const after = runs.map((run) => run.proxy.snapshot());
  const elapsed = performance.now() - start;
  await Promise.all(clicks);

  // The work was done: each tab shows each topic's last value, each click reached the broker.
  const figures = [];
  for (const [k, run] of runs.entries()) {
    feed.remove(run.prefix);
    const last = feed.last(run.prefix);
    await untilAll(run.tabs, (s) => s.values.join() === last.join(), `${run.label}: every tab shows the last values`, 15000);
    await within(run.commands.received(n, 15000), 16000, `${run.label}: the commands`);
    await untilAll(run.tabs, (s) => s.publish === 'sent', `${run.label}: every click acknowledged`, 15000);
    const errors = run.tabs.flatMap((tab) => tab.errors);
    if (errors.length) throw new Error(`${run.label}: page errors: ${errors.slice(0, 3).join(' | ')}`);
    const window = difference(before[k], after[k]);
    const perMinute = (x) => Math.round((x * 60000) / elapsed);
    figures.push({
      browser: browserName,
      tabs: n,
      shared: CONFIGS[k] === 'shared',
      windowSeconds: Math.round(elapsed) / 1000,
      setup: {
        connections: setup[k].connections,
        connects: setup[k].toBroker.CONNECT,
        subscribes: setup[k].toBroker.SUBSCRIBE,
        bytesToBroker: setup[k].bytesToBroker,
        bytesFromBroker: setup[k].bytesFromBroker,
      },
      window: {
        connectionsOpen: after[k].open,
        maxConnectionsOpen: after[k].maxOpen,
        connectionsOpened: window.connections,
        connects: window.toBroker.CONNECT,
        bytesToBrokerPerMinute: perMinute(window.bytesToBroker),
        bytesFromBrokerPerMinute: perMinute(window.bytesFromBroker),
        publishesFromBrokerPerMinute: perMinute(window.fromBroker.PUBLISH),
        publishesToBroker: window.toBroker.PUBLISH,
        pingreqs: window.toBroker.PINGREQ,
      },
      commandsReceived: run.commands.published,
    });
  }
  // The broker's own count of the CONNECTs each proxy carried, as a check on the proxy's reading
  // of the frames; before the tabs close, since a closing holder may hand over to another tab.
  for (const [k, run] of runs.entries()) {
    const seen = run.proxy.snapshot().toBroker.CONNECT;
    figures[k].brokerConnects = brokerConnects(run.proxy, logStart);
    if (figures[k].brokerConnects !== seen) throw new Error(`${run.label}: the proxy read ${seen} CONNECTs, the broker logged ${figures[k].brokerConnects}`);
  }
  for (const run of runs) await within(run.context.close(), 20000, `${run.label}: closing its tabs`);
  for (const run of runs) {
    await run.commands.close();
    await run.proxy.close();
  }
  return figures;
}

async function runBrowser(browserName, base, feed) {
  const browser = await launch(browserName);
  const figures = [];
  try {
    for (const n of TAB_COUNTS) {
      const started = Date.now();
      figures.push(...(await measure({ browser, browserName, n, base, feed })));
      console.log(`${browserName}: ${n} tabs measured in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await browser.close();
  }
  return figures;
}

const kb = (bytes) => (bytes / 1000).toFixed(1);

function table(figures) {
  const head =
    '| browser | tabs | `shared` | broker connections open | CONNECTs (setup / window) | SUBSCRIBEs (setup) | bytes/min to broker | KB/min from broker | messages/min from broker | bytes to connect and subscribe |';
  const rows = figures.map((f) =>
    [
      f.browser,
      f.tabs,
      f.shared ? 'yes' : 'no',
      f.window.maxConnectionsOpen,
      `${f.setup.connects} / ${f.window.connects}`,
      f.setup.subscribes,
      f.window.bytesToBrokerPerMinute,
      kb(f.window.bytesFromBrokerPerMinute),
      f.window.publishesFromBrokerPerMinute,
      f.setup.bytesToBroker,
    ].join(' | '),
  );
  return [head, `|${' --- |'.repeat(3)}${' ---: |'.repeat(7)}`, ...rows.map((r) => `| ${r} |`)].join('\n');
}

async function main() {
  const loadBefore = machineLoad();
  console.log(`load before: ${loadBefore.load1.toFixed(2)} ${loadBefore.busy.join(', ')}`);
  // notice keeps mosquitto's connect lines (the cross-check) without a line per message.
  mosquitto = await startMosquitto({ logTypes: ['error', 'warning', 'notice'] });
  const { server, base } = await serve();
  const feed = await startFeed(mosquitto.tcpPort);
  let figures;
  try {
    // Browsers side by side: bytes and connections do not depend on the CPU the other one takes.
    const perBrowser = await Promise.all(BROWSERS.map((name) => runBrowser(name, base, feed)));
    figures = perBrowser.flat();
  } finally {
    await feed.close();
    server.close();
    await mosquitto.close();
  }
  const loadAfter = machineLoad();
  console.log(`load after: ${loadAfter.load1.toFixed(2)} ${loadAfter.busy.join(', ')}`);
  console.log(table(figures));
  const versions = { chromium: tryVersion(CHROMIUM), firefox: tryVersion(FIREFOX), mosquitto: tryVersion('/usr/sbin/mosquitto', '-h') };
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, memoryGB: Math.round(totalmem() / 1e9), node: process.version, ...versions, loadavg: loadavg() },
        load: { before: loadBefore, after: loadAfter },
        settings: { windowSeconds: WINDOW_MS / 1000, topics: TOPICS.length, messagesPerSecondPerTopic: 1000 / FEED_PERIOD_MS, keepalive: 60, clientId: 'none (generated)' },
        figures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`written to ${RESULTS}`);
}

function tryVersion(bin, flag = '--version') {
  try {
    return execFileSync(bin, [flag], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0].trim();
  } catch (err) {
    // mosquitto -h prints its version and exits 3
    return String(err.stdout ?? '').split('\n')[0].trim() || undefined;
  }
}

main()
  .then(() => {
    clearTimeout(watchdog);
  })
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
    clearTimeout(watchdog);
    for (const pid of browserPids) killTree(pid);
    // What a failed step left open (a proxy, a client) must not keep the process alive.
    setTimeout(() => process.exit(1), 5000).unref();
  });
