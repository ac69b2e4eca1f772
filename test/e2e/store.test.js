// store="indexeddb" (SPEC): QoS 1 messages published while the broker is down survive a reload
// of the page, a crash (the page's process killed) and a closed tab, and arrive once the broker
// is back and a page with that client id connects; with the default memory store a reload loses
// them (the test shows the difference). The output gives the time from that page's connect() to
// the last stored message delivered. Real pages (the CDN bundle), a real mosquitto, a peer
// (mosquitto_sub) that receives them. Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../../scripts/escape-html.js';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { launchers } from './one-context.js';
import { BROWSERS, serveStatic, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = fileURLToPath(new URL('./pages/store.html', import.meta.url));
const render = (pathname, url) =>
  pathname === '/pages/store.html'
    ? readFileSync(PAGE, 'utf8')
        .replace('{{MANUAL}}', url.searchParams.has('MANUAL') ? 'manual' : '')
        .replace(/\{\{(\w+)\}\}/g, (_, key) => escapeHtml(url.searchParams.get(key) ?? ''))
    : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const COUNT = 20;

/** mosquitto_sub as a peer: collects every message on `topic` until stopped. */
function peer(mosquitto, topic, clientId) {
  const child = spawn('/usr/bin/mosquitto_sub', ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-i', clientId, '-q', '1', '-t', topic]);
  const got = [];
  let rest = '';
  child.stdout.on('data', (d) => {
    const lines = (rest + d).split('\n');
    rest = lines.pop();
    got.push(...lines);
    if (lines.length) peerState.lastAt = Date.now();
  });
  const peerState = { got, lastAt: 0, stop: () => child.kill() };
  return peerState;
}

describe('store="indexeddb": QoS 1 messages in flight survive a reload, a crash and a closed tab', () => {
  let mosquitto;
  let server;
  let base;
  before(async () => {
    mosquitto = await startMosquitto();
    ({ server, base } = await serveStatic(root, render));
  });
  after(async () => {
    server?.close();
    await mosquitto?.close();
  });

  for (const browserName of BROWSERS) {
    describe(browserName, () => {
      let browser;
      before(async () => {
        browser = await launchers[browserName]();
      });
      after(() => browser?.close());

      const cases = [
        { store: 'indexeddb', end: 'reload' },
        { store: 'indexeddb', end: 'crash' },
        { store: 'indexeddb', end: 'closed tab' },
        { store: 'memory', end: 'reload' },
      ];
      for (const { store, end } of cases) {
        it(`${store}: ${COUNT} publishes while the broker is down, a ${end}, the broker back`, async (t) => {
          const run = `st-${browserName.slice(0, 2)}-${store.slice(0, 3)}-${end.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
          const topic = `${run}/n`;
          const query = new URLSearchParams({ WS_URL: mosquitto.wsUrl, CLIENT_ID: run, TOPIC: topic, STORE: store });
          let tab = await browser.newTab();
          await tab.goto(`${base}/pages/store.html?${query}`);
          await tab.evaluate(() => customElements.whenDefined('mqtt-publish'));
          await mosquitto.stop();
          try {
            // Published while the broker is down: queued, not acknowledged.
            await tab.evaluate(async (n) => {
              const pub = document.querySelector('mqtt-publish');
              for (let i = 1; i <= n; i++) pub.publish(String(i)).catch(() => {});
              await new Promise((r) => setTimeout(r, 300)); // the writes to IndexedDB settle
            }, COUNT);
            // The page goes, the broker still down; then a page with the same client id, `manual`,
            // so that it connects only once the peer below listens (a message sent before it
            // subscribed would be lost to it anyway).
            if (end === 'crash') {
              await tab.crash();
              await closeWithin(tab.close(), 5000, 'the crashed tab').catch(() => {});
              tab = await browser.newTab();
            } else if (end === 'closed tab') {
              await tab.close();
              tab = await browser.newTab();
            }
            await tab.goto(`${base}/pages/store.html?${query}&MANUAL`);
            await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
          } finally {
            await mosquitto.start();
          }
          const receiver = peer(mosquitto, topic, `${run}-peer`);
          try {
            const ready = Date.now() + 5000;
            while (!mosquitto.log().some((l) => l.includes(`Received SUBSCRIBE from ${run}-peer`)) && Date.now() < ready) await sleep(25);
            const connectAt = Date.now();
            await tab.evaluate(() => document.querySelector('mqtt-connection').connect());
            // The page connects and sends what it kept.
            const deadline = Date.now() + 8000;
            while (receiver.got.length < COUNT && Date.now() < deadline) await sleep(100);
            if (store === 'memory') await sleep(1500); // nothing more is coming: give it the time anyway
            const distinct = new Set(receiver.got);
            const took = receiver.lastAt ? ` (connect() → the last delivered: ${receiver.lastAt - connectAt} ms)` : '';
            const figure = `${browserName}, ${store}, ${end}: ${receiver.got.length} received, ${distinct.size} distinct${took}`;
            t.diagnostic(figure);
            console.log(figure);
            if (store === 'indexeddb') {
              const expected = Array.from({ length: COUNT }, (_, i) => String(i + 1));
              assert.deepEqual([...distinct].sort((a, b) => a - b), expected, 'every message arrived');
            } else {
              assert.equal(distinct.size, 0, 'without a store, a reload loses them');
            }
            assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
          } finally {
            receiver.stop();
            await tab.close();
          }
        });
      }
    });
  }
});
