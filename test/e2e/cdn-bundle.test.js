// The CDN bundles with their lighter MQTT.js (vite.config.ts's mqttStandIns, build/shims/) keep
// what the stand-ins could cost: MQTT 5 topic aliases assigned by MQTT.js's LRU, a reconnect
// after the broker restarts (subscriptions restored, aliases started afresh), keepalive; and the
// page's console stays silent: no Lit development-mode warning, no MQTT.js debug output even with
// `localStorage.debug` set. The ES module and the classic script, in Chromium and Firefox, against
// mosquitto. Run after `npm run build` (npm test does both).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inEachBrowser, pageAndBroker, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLES = {
  esm: '<script type="module" src="/cdn/mqtt-elements.js"></script>',
  iife: '<script src="/cdn/mqtt-elements.iife.js"></script>',
};
for (const file of ['cdn/mqtt-elements.js', 'cdn/mqtt-elements.iife.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

// Before the bundle: every console call is recorded, and the `debug` package, were it in the
// bundle, would print everything.
const RECORDER = `<script>
localStorage.debug = '*';
window.consoleCalls = [];
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    window.consoleCalls.push(method + ': ' + args.map(String).join(' '));
    original(...args);
  };
}
</script>`;

function page(bundle, { url, clientId }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CDN ${bundle}</title>
${RECORDER}
${BUNDLES[bundle]}
</head><body>
<mqtt-connection manual url="${url}" client-id="${clientId}" protocol-version="5" keepalive="1" reconnect-period="300">
  <mqtt-subscribe topic="${clientId}/in">–</mqtt-subscribe>
</mqtt-connection>
</body></html>`;
}

/** Polls the broker's log (it has no event) until `done()`, for at most 10 s. */
async function waitUntil(done, what) {
  const deadline = Date.now() + 10000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Outgoing PUBLISH topics and aliases, as MQTT.js wrote them, from index `from` on. */
const sentSince = (from) => window.sent.slice(from);

describe('CDN bundles: the stand-ins keep topic aliases, reconnects and keepalive, and print nothing', () => {
  const site = pageAndBroker(root, (pathname, url, mosquitto) => {
    const match = /^\/cdn-bundle\/(esm|iife)\.html$/.exec(pathname);
    return match ? page(match[1], { url: mosquitto.wsUrl, clientId: url.searchParams.get('id') }) : undefined;
  });

  const count = (text) => site.mosquitto.log().filter((line) => line.includes(text)).length;

  /** mosquitto_sub -v for `count` messages on `filter`: resolves with "topic payload" lines. */
  function collect(filter, clientId, count) {
    const child = spawn('/usr/bin/mosquitto_sub', ['-h', '127.0.0.1', '-p', String(site.mosquitto.tcpPort), '-i', clientId, '-t', filter, '-v', '-q', '1', '-C', String(count), '-W', '15']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const lines = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`mosquitto_sub exited ${code}: ${out}`))));
    });
    return { lines, subscribed: site.peers.logHas(`Received SUBSCRIBE from ${clientId}`) };
  }

  /** Publishes each topic in turn at QoS 1 (payload: its index), each after the previous one's PUBACK. */
  const publishAll = (tab, prefix, topics) =>
    tab.evaluate(
      async ({ prefix, topics }) => {
        const client = document.querySelector('mqtt-connection').client;
        for (const [i, topic] of topics.entries()) {
          await new Promise((resolve, reject) =>
            client.publish(`${prefix}/${topic}`, String(i), { qos: 1 }, (err) => (err ? reject(err) : resolve())),
          );
        }
      },
      { prefix, topics },
    );

  inEachBrowser((browserName, browser) => {
    for (const bundle of Object.keys(BUNDLES)) {
      it(`${bundle}: topic aliases through the LRU, a reconnect, keepalive, a silent console`, async () => {
        const clientId = `cdn-${browserName.slice(0, 2)}-${bundle}-${Math.random().toString(16).slice(2, 8)}`;
        const tab = await browser().newPage();
        await tab.goto(`${site.base}/cdn-bundle/${bundle}.html?id=${clientId}`);
        await tab.waitFor(() => customElements.get('mqtt-connection'));
        await tab.evaluate(() => {
          const connection = document.querySelector('mqtt-connection');
          connection.options = { autoAssignTopicAlias: true };
          window.statuses = [];
          connection.addEventListener('mqtt-status', (e) => window.statuses.push(e.detail.status ?? connection.status));
          connection.connect();
        });
        await tab.waitFor(() => document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed');
        await tab.evaluate(() => {
          window.sent = [];
          document.querySelector('mqtt-connection').client.on('packetsend', (packet) => {
            if (packet.cmd === 'publish') window.sent.push([packet.topic.split('/').pop() || '', packet.properties?.topicAlias]);
          });
        });

        // mosquitto allows 10 aliases. a0…a9 take aliases 1…10; a0 again goes by its alias alone,
        // which also makes it the most recently used; a10 then takes the least recently used
        // alias, a1's (2); a0 keeps 1; a1, back, takes a2's (3).
        const topics = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a0', 'a10', 'a0', 'a1'];
        const before = collect(`${clientId}/alias/#`, `${clientId}-s1`.slice(0, 23), topics.length);
        await before.subscribed;
        await publishAll(tab, `${clientId}/alias`, topics);
        const expectedAliases = [...topics.slice(0, 10).map((t, i) => [t, i + 1]), ['', 1], ['a10', 2], ['', 1], ['a1', 3]];
        assert.deepEqual(await tab.evaluate(sentSince, 0), expectedAliases, 'topic and alias of each PUBLISH');
        // The broker resolved every alias to the topic it was published to.
        assert.deepEqual(await before.lines, topics.map((t, i) => `${clientId}/alias/${t} ${i}`));

        // Keepalive: a PINGREQ a second or so with keepalive 1.
        const pingsBefore = count(`Received PINGREQ from ${clientId}`);
        await new Promise((resolve) => setTimeout(resolve, 3000)); // nothing but keepalive meanwhile
        const pings = count(`Received PINGREQ from ${clientId}`) - pingsBefore;
        assert.ok(pings >= 2, `${pings} PINGREQs in 3 s with keepalive 1`);

        // A reconnect: the broker restarts (no persistence: it forgets the subscription), and the
        // page subscribes again.
        const subscribes = count(`Received SUBSCRIBE from ${clientId}`);
        await site.mosquitto.restart();
        await tab.waitFor(() => window.statuses.some((s) => s !== 'connected'));
        await waitUntil(() => count(`Received SUBSCRIBE from ${clientId}`) > subscribes, 'SUBSCRIBE after the restart');
        await site.peers.pub(`${clientId}/in`, 'after the restart');
        await tab.waitFor(() => document.querySelector('mqtt-subscribe').textContent.includes('after the restart'));

        // The new session's aliases start afresh: a0 is sent with its topic again.
        const sentBefore = (await tab.evaluate(() => window.sent.length)) ?? 0;
        const afterRestart = collect(`${clientId}/alias/#`, `${clientId}-s2`.slice(0, 23), 2);
        await afterRestart.subscribed;
        await publishAll(tab, `${clientId}/alias`, ['a0', 'a0']);
        assert.deepEqual(await tab.evaluate(sentSince, sentBefore), [['a0', 1], ['', 1]]);
        assert.deepEqual(await afterRestart.lines, [`${clientId}/alias/a0 0`, `${clientId}/alias/a0 1`]);

        assert.deepEqual(await tab.evaluate(() => window.consoleCalls), [], 'console calls');
        // The restart cuts the open socket: Firefox notes that itself, as a page error of its own.
        assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
      });
    }
  });
});
