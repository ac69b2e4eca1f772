// Resilience figures, measured with real pages against real brokers (README, `<mqtt-connection>`:
// Reconnects; issue 9 item 6), printed in the test output and quoted in BENCHMARKS.md:
// - failover: a page lists two mosquittos' URLs; the one in use is SIGKILLed ten times in a row
//   (the other brought back each time), and each time the page must be connected through the
//   survivor, subscribed again and receiving within 10 s;
// - `online`: a connection whose next retry is 20 s away must try at once when the browser comes
//   back online (the network emulation's `online` event), and be connected within 2 s of it;
// - backoff: attempts against a URL where no broker answers, the defaults at a tenth of their
//   scale (period 100 ms, max 3 s, 6 s: the same count as the defaults give in 60 s), beside
//   MQTT.js used by hand at the same scale. `npm run bench:resilience` measures the real 60 s.
// Run after `npm run build` (npm test does both). BROWSERS=chromium (or firefox, webkit) runs one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { escapeHtml } from '../../scripts/escape-html.js';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { inEachBrowser, mosquittoPeers, serveStatic, unlessWebKit, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = fileURLToPath(new URL('./pages/resilience.html', import.meta.url));
const render = (pathname, url) =>
  pathname === '/pages/resilience.html'
    ? readFileSync(PAGE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => escapeHtml(url.searchParams.get(key) ?? ''))
    : undefined;

/** The bound for a failover: connected again within 10 s of the kill. */
const FAILOVER_MS = 10000;
const KILLS = 10;
/** The retry the `online` event must not wait for. */
const PERIOD_MS = 20000;
const ONLINE_ROUNDS = 5;

/**
 * The defaults (period 1 s, max 30 s, 60 s) at a tenth of their scale in the test run;
 * `npm run bench:resilience` sets RESILIENCE_SCALE=1 for the real 60 s.
 */
const SCALE = Number(process.env.RESILIENCE_SCALE ?? 10);
const BACKOFF = { period: 1000 / SCALE, max: 30000 / SCALE, window: 60000 / SCALE };

/**
 * A URL where no broker answers: each WebSocket is accepted, counted and dropped at once, as a
 * dead node behind a load balancer would be. (Refused TCP connections would measure the browsers'
 * own delays instead: Chromium and Firefox both slow down repeated failed WebSocket handshakes.)
 */
function deadBroker() {
  let connections = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (socket) => {
    connections++;
    socket.terminate();
  });
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({
        url: `ws://127.0.0.1:${wss.address().port}/mqtt`,
        count: () => connections,
        close: () => new Promise((r) => wss.close(r)),
      }),
    ),
  );
}

const summary = (list) => {
  const sorted = [...list].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms (n=${sorted.length})`;
};

/** The connection's state in the page. */
const state = (page) =>
  page.evaluate(() => {
    const connection = document.querySelector('mqtt-connection');
    const sub = document.querySelector('mqtt-subscribe');
    return { status: connection.status, url: connection.activeUrl, sub: sub.status, value: sub.value, log: window.log };
  });

describe('resilience figures against mosquitto', () => {
  let brokers = [];
  let server;
  let base;
  before(async () => {
    brokers = await Promise.all([startMosquitto(), startMosquitto()]);
    ({ server, base } = await serveStatic(root, render));
  });
  after(async () => {
    server?.close();
    await Promise.all(brokers.map((b) => b.close()));
  });

  inEachBrowser((browserName, browser) => {
    it(`failover over ${KILLS} kills of the broker in use: each time connected through the other, subscribed and receiving within ${FAILOVER_MS / 1000} s`, async () => {
      const topic = `fo-${browserName}-${Math.random().toString(16).slice(2, 8)}/t`;
      const urls = brokers.map((b) => b.wsUrl);
      const page = await browser().newPage();
      await page.goto(`${base}/pages/resilience.html?${new URLSearchParams({ WS_URLS: urls.join(' '), PERIOD: '1000', MAX: '30000', TOPIC: topic })}`);
      await page.waitFor(() => document.querySelector('mqtt-subscribe').status === 'subscribed', undefined, 10000);
      const failovers = [];
      const resumed = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const { url } = await state(page);
        const active = urls.indexOf(url);
        assert.ok(active >= 0, `activeUrl ${url} is one of the two`);
        const survivor = brokers[1 - active];
        const killedAt = Date.now();
        await brokers[active].kill();
        await page.waitFor(
          ([next, since]) =>
            document.querySelector('mqtt-connection').status === 'connected' &&
            document.querySelector('mqtt-connection').activeUrl === next &&
            document.querySelector('mqtt-subscribe').status === 'subscribed' &&
            window.log.some((e) => e.status === 'connected' && e.at >= since),
          [survivor.wsUrl, killedAt],
          FAILOVER_MS,
        );
        const connectedAt = (await state(page)).log.find((e) => e.status === 'connected' && e.at >= killedAt).at;
        const message = `after kill ${kill + 1}`;
        await mosquittoPeers(survivor).pub(topic, message);
        await page.waitFor((m) => document.querySelector('mqtt-subscribe').value === m, message, FAILOVER_MS);
        failovers.push(connectedAt - killedAt);
        resumed.push(Date.now() - killedAt);
        await brokers[active].start();
      }
      console.log(`[${browserName}] failover, kill → connected through the survivor: ${summary(failovers)}`);
      console.log(`[${browserName}] failover, kill → a message through the survivor shown: ${summary(resumed)}`);
      assert.ok(Math.max(...resumed) < FAILOVER_MS, `every failover within ${FAILOVER_MS} ms: ${resumed.join(', ')}`);
      // Each kill cuts the open socket, which Firefox notes itself as a page error.
      assert.deepEqual(withoutFirefoxSocketNotes(page.errors), []);
      await page.close();
    });

    it(`online → connected: a retry ${PERIOD_MS / 1000} s away happens at once when the browser comes back online`, unlessWebKit(browserName, 'WebDriver classic has no network emulation to take the browser offline and back'), async () => {
      const broker = brokers[0];
      const topic = `on-${browserName}-${Math.random().toString(16).slice(2, 8)}/t`;
      const page = await browser().newPage();
      await page.goto(`${base}/pages/resilience.html?${new URLSearchParams({ WS_URLS: broker.wsUrl, PERIOD: String(PERIOD_MS), MAX: '30000', TOPIC: topic })}`);
      await page.waitFor(() => document.querySelector('mqtt-subscribe').status === 'subscribed', undefined, 10000);
      const delays = [];
      for (let round = 0; round < ONLINE_ROUNDS; round++) {
        const downAt = Date.now();
        await broker.kill();
        // The connection is lost; its next attempt is PERIOD_MS away.
        await page.waitFor((since) => window.log.some((e) => e.status === 'offline' && e.at >= since), downAt, 10000);
        await broker.start();
        await page.setOffline(true);
        await page.setOffline(false);
        await page.waitFor(
          (since) => window.log.some((e) => e.online && e.at >= since) && document.querySelector('mqtt-connection').status === 'connected',
          downAt,
          PERIOD_MS / 2,
        );
        const { log } = await state(page);
        const onlineAt = log.find((e) => e.online && e.at >= downAt).at;
        const connectedAt = log.find((e) => e.status === 'connected' && e.at >= onlineAt)?.at;
        assert.ok(connectedAt, `connected after the online event: ${JSON.stringify(log.slice(-5))}`);
        delays.push(connectedAt - onlineAt);
      }
      console.log(`[${browserName}] online event → connected (next retry was ${PERIOD_MS / 1000} s away): ${summary(delays)}`);
      assert.ok(Math.max(...delays) < 2000, `connected within 2 s of the online event each time: ${delays.join(', ')}`);
      // Each kill cuts the open socket, which Firefox notes itself as a page error.
      assert.deepEqual(withoutFirefoxSocketNotes(page.errors), []);
      await page.close();
    });

    it(`backoff: attempts against a dead URL with the defaults at 1/${SCALE} scale, beside MQTT.js by hand`, { timeout: BACKOFF.window + 60000 }, async () => {
      const [ours, theirs] = await Promise.all([deadBroker(), deadBroker()]);
      const [elements, byHand] = await Promise.all([browser().newPage(), browser().newPage()]);
      try {
        const query = new URLSearchParams({ WS_URLS: ours.url, PERIOD: String(BACKOFF.period), MAX: String(BACKOFF.max), TOPIC: 'dead/t' });
        // Both pages start together and are counted over the same window.
        await Promise.all([
          elements.goto(`${base}/pages/resilience.html?${query}`),
          byHand.goto(`${base}/test/e2e/pages/reconnect-mqttjs.html?${new URLSearchParams({ url: theirs.url, period: String(BACKOFF.period) })}`),
        ]);
        const startedAt = Date.now();
        await new Promise((r) => setTimeout(r, BACKOFF.window)); // the window being measured: nothing to await
        const counts = { elements: ours.count(), byHand: theirs.count(), ms: Date.now() - startedAt };
        console.log(
          `[${browserName}] attempts against a dead URL in ${counts.ms} ms at 1/${SCALE} scale (= the first ${(counts.ms * SCALE) / 1000} s with the defaults): ` +
            `elements ${counts.elements}, MQTT.js by hand ${counts.byHand}`,
        );
        // Expected about 7 (test/core/retry.test.ts computes the mean); every 100 ms would be 60.
        assert.ok(counts.elements >= 3 && counts.elements <= 15, `a handful of attempts, not one per period: ${counts.elements}`);
        assert.ok(counts.byHand >= 2 * counts.elements, `MQTT.js by hand retries every period (${counts.byHand}): the comparison holds`);
        const statuses = (await state(elements)).log.map((e) => e.status);
        assert.equal(statuses[0], 'connecting');
        assert.ok(!statuses.includes('offline'), `never offline: it never was connected (${statuses.join(', ')})`);
      } finally {
        await Promise.all([elements.close(), byHand.close()]);
        await Promise.all([ours.close(), theirs.close()]);
      }
    });
  });
});
