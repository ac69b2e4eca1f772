// store="indexeddb" (README: Messages that survive a reload): QoS 1 messages published while the
// broker is down survive a reload of the page, a crash (the page's process killed) and a closed
// tab, and arrive once the broker is back and a page with that client id connects; with the default
// memory store a reload loses them (the test shows the difference). The output gives the time from
// that page's connect() to the last stored message delivered. Kept per login: what one user queued
// goes out only when that user logs in again, not on another user's login; and a message published
// offline after a reload never takes the id of one the earlier page left. Real pages (the CDN
// bundle), a real mosquitto, a peer (mosquitto_sub) that receives them. Run after `npm run build`
// (npm test does both).
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
        .replace('{{USERNAME_ATTR}}', url.searchParams.has('USERNAME') ? `username="${escapeHtml(url.searchParams.get('USERNAME'))}"` : '')
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
        const skip =
          browserName === 'webkit' && end === 'crash'
            ? { skip: 'WebKit: a SIGKILLed web content process ends the WebDriver session (MiniBrowser does not reload the page under automation)' }
            : {};
        it(`${store}: ${COUNT} publishes while the broker is down, a ${end}, the broker back`, skip, async (t) => {
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

/** In the page: every row the package keeps in IndexedDB (every login's, both directions, whatever the schema). */
const storedRows = (tab) =>
  tab.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mqtt-elements');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          if (names.length === 0) return (db.close(), resolve([]));
          const tx = db.transaction(names);
          const rows = [];
          for (const name of names) {
            const all = tx.objectStore(name).getAll();
            all.onsuccess = () => rows.push(...all.result);
          }
          tx.oncomplete = () => (db.close(), resolve(rows.map((row) => ({ topic: row.packet.topic, messageId: row.packet.messageId }))));
          tx.onerror = () => (db.close(), reject(tx.error));
        };
      }),
  );
const storedCount = async (tab) => (await storedRows(tab)).length;

/** A peer that has subscribed (mosquitto logged its SUBSCRIBE). */
async function listening(mosquitto, topic, clientId) {
  const receiver = peer(mosquitto, topic, clientId);
  await until(() => mosquitto.log().some((l) => l.includes(`Received SUBSCRIBE from ${clientId}`)), Boolean, 5000, 'the peer subscribed');
  return receiver;
}

/** Polls `read` until `ok(value)`, within `ms`; resolves with the last value. */
async function until(read, ok, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await sleep(50);
  }
}

describe('store="indexeddb" per login, and ids kept free: real pages, a real mosquitto', () => {
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

      it("alice's message queued offline does not go out on bob's login on the same device; on alice's next login it does", async () => {
        const run = `st-${browserName.slice(0, 2)}-login-${Math.random().toString(16).slice(2, 8)}`;
        const topic = `${run}/n`;
        const page = (user, manual) =>
          `${base}/pages/store.html?${new URLSearchParams({ WS_URL: mosquitto.wsUrl, CLIENT_ID: run, TOPIC: topic, STORE: 'indexeddb', USERNAME: user })}${manual ? '&MANUAL' : ''}`;
        const tab = await browser.newTab();
        let receiver;
        try {
          await tab.goto(page('alice'));
          await tab.evaluate(() => customElements.whenDefined('mqtt-publish'));
          const before = await storedCount(tab);
          await mosquitto.stop();
          try {
            await tab.evaluate(() => {
              document.querySelector('mqtt-publish').publish('from alice').catch(() => {});
            });
            await until(() => storedCount(tab), (n) => n === before + 1, 5000, "alice's message in IndexedDB");
            // Another user logs in on the same device: same broker, same client id.
            await tab.goto(page('bob', true));
            await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
          } finally {
            await mosquitto.start();
          }
          receiver = await listening(mosquitto, topic, `${run}-peer`);
          const status = () => tab.evaluate(() => document.querySelector('mqtt-connection').status);
          await tab.evaluate(() => document.querySelector('mqtt-connection').connect());
          await until(status, (s) => s === 'connected', 8000, "bob's connection");
          // Bob's own message goes after whatever his CONNACK sent from the outbox: once it is
          // here, alice's would have been too.
          await tab.evaluate(() => document.querySelector('mqtt-publish').publish('from bob'));
          await until(() => receiver.got, (got) => got.includes('from bob'), 5000, "bob's message at the peer");
          assert.deepEqual(receiver.got, ['from bob'], "bob's login sent nothing of alice's");
          assert.equal(await storedCount(tab), before + 1, "alice's message is still kept");
          await tab.goto(page('alice', true));
          await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
          await tab.evaluate(() => document.querySelector('mqtt-connection').connect());
          await until(() => receiver.got, (got) => got.includes('from alice'), 8000, "alice's message at the peer");
          assert.deepEqual(receiver.got, ['from bob', 'from alice']);
          assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        } finally {
          receiver?.stop();
          await tab.close();
        }
      });

      it('a message published offline after a reload never takes the id of the one the earlier page left: both arrive', async () => {
        const run = `st-${browserName.slice(0, 2)}-ids-${Math.random().toString(16).slice(2, 8)}`;
        const topic = `${run}/n`;
        const page = (manual) =>
          `${base}/pages/store.html?${new URLSearchParams({ WS_URL: mosquitto.wsUrl, CLIENT_ID: run, TOPIC: topic, STORE: 'indexeddb' })}${manual ? '&MANUAL' : ''}`;
        const tab = await browser.newTab();
        let receiver;
        try {
          await tab.goto(page(true));
          await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
          const before = await storedCount(tab);
          await mosquitto.stop();
          try {
            await tab.evaluate(() => {
              document.querySelector('mqtt-connection').connect();
              document.querySelector('mqtt-publish').publish('left by the earlier page').catch(() => {});
            });
            await until(() => storedCount(tab), (n) => n === before + 1, 5000, 'the first message in IndexedDB');
            await tab.goto(page(true));
            await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
            // Message ids start at a random number: make it the stored message's id (found in
            // IndexedDB), as happens by chance once in 65535 reloads.
            const { messageId } = (await storedRows(tab)).find((row) => row.topic === topic);
            await tab.evaluate(
              (id) =>
                new Promise((resolve) => {
                  const random = Math.random;
                  Math.random = () => (id + 0.5) / 65535;
                  const connection = document.querySelector('mqtt-connection');
                  connection.connect();
                  // Until the client (and its message id provider) exists; a poll, as no event says so.
                  const restore = () => {
                    if (!connection.client) return setTimeout(restore, 10);
                    Math.random = random;
                    resolve();
                  };
                  restore();
                }),
              messageId,
            );
            await tab.evaluate(() => {
              document.querySelector('mqtt-publish').publish('made offline after the reload').catch(() => {});
            });
            await until(() => storedCount(tab), (n) => n === before + 2, 5000, 'both messages in IndexedDB');
            // A third page sends what the second one kept, once the peer listens.
            await tab.goto(page(true));
            await tab.evaluate(() => customElements.whenDefined('mqtt-connection'));
          } finally {
            await mosquitto.start();
          }
          receiver = await listening(mosquitto, topic, `${run}-peer`);
          await tab.evaluate(() => document.querySelector('mqtt-connection').connect());
          await until(() => receiver.got, (got) => got.length >= 2, 10000, 'both messages at the peer');
          assert.deepEqual([...receiver.got].sort(), ['left by the earlier page', 'made offline after the reload']);
          assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        } finally {
          receiver?.stop();
          await tab.close();
        }
      });
    });
  }
});
