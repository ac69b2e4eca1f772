// Tabs of one origin sharing one broker connection (README: Across tabs, `shared`): real pages
// loading the CDN bundle in one browser context, a real mosquitto counting CONNECTs and
// SUBSCRIBEs. Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { escapeHtml } from '../../scripts/escape-html.js';
import { browserPss } from '../../scripts/process-memory.js';
import { launchers } from './one-context.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { BROWSERS, pageAndBroker, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = fileURLToPath(new URL('./pages/shared.html', import.meta.url));

function render(pathname, url) {
  if (pathname !== '/pages/shared.html') return undefined;
  const id = url.searchParams.get('CLIENT_ID');
  const vars = { ...Object.fromEntries(url.searchParams), CLIENT_ID_ATTR: id ? `client-id="${escapeHtml(id)}"` : '' };
  return readFileSync(PAGE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => (key === 'CLIENT_ID_ATTR' ? vars[key] : escapeHtml(vars[key] ?? '')));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `tabs` until `ok(state)` holds in every one (the pages have no event for the test). */
async function untilAll(tabs, ok, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const states = await Promise.all(
      tabs.map((tab) =>
        tab.evaluate(() => ({
          status: document.querySelector('mqtt-connection').status,
          subscribe: document.querySelector('mqtt-subscribe').status,
          value: document.querySelector('mqtt-subscribe').value,
          publish: document.querySelector('mqtt-publish').status,
        })),
      ),
    );
    if (states.every(ok)) return states;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms: ${JSON.stringify(states)}`);
    await sleep(50);
  }
}

describe('tabs sharing one connection, against mosquitto', () => {
  const site = pageAndBroker(root, render);
  const count = (text) => site.mosquitto.log().filter((line) => line.includes(text)).length;

  for (const browserName of BROWSERS) {
    describe(browserName, () => {
      let browser;
      before(async () => {
        browser = await launchers[browserName]();
      });
      after(() => browser?.close());

      it('3 tabs: 1 CONNECT, 1 SUBSCRIBE; a message reaches all; a click in any tab is published; closing the first leaves the others', async () => {
        const run = `sh-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const clientId = `dash-${run}`;
        const topic = `${run}/T`;
        const tabs = [];
        for (const tab of ['a', 'b', 'c']) {
          const page = await browser.newTab();
          await page.goto(`${site.base}/pages/shared.html?${new URLSearchParams({ TAB: tab, WS_URL: site.mosquitto.wsUrl, CLIENT_ID: clientId, TOPIC: topic })}`);
          tabs.push(page);
        }
        await untilAll(tabs, (s) => s.status === 'connected' && s.subscribe === 'subscribed', 'every tab connected and subscribed');
        assert.equal(count(` as ${clientId} (`), 1, 'one CONNECT for three tabs');
        assert.equal(count(`Received SUBSCRIBE from ${clientId}`), 1, 'one SUBSCRIBE for the filter the three tabs hold');

        await site.peers.pub(topic, 'to all');
        await untilAll(tabs, (s) => s.value === 'to all', 'the message reached every tab');

        const { received, subscribed } = site.peers.firstMessage(`${topic}/set`, `${run}-sub`);
        await subscribed;
        await tabs[2].click('button');
        assert.equal(await received, 'from c', 'the click in the third tab went out through the shared connection');
        await untilAll([tabs[2]], (s) => s.publish === 'sent', 'its publish acknowledged in that tab');

        await tabs[0].close(); // the tab that opened the connection
        const rest = tabs.slice(1);
        // The next tab takes the lock and connects; until then the others still show the old state.
        const deadline = Date.now() + 15000;
        while (count(`Received SUBSCRIBE from ${clientId}`) < 2 && Date.now() < deadline) await sleep(50);
        assert.equal(count(`Received SUBSCRIBE from ${clientId}`), 2, 'the new holder subscribed again, once');
        await untilAll(rest, (s) => s.status === 'connected' && s.subscribe === 'subscribed', 'the others connected again', 15000);
        assert.ok(count(` as ${clientId} (`) <= 2, `at most one reconnect (${count(` as ${clientId} (`)} CONNECTs)`);
        await site.peers.pub(topic, 'after the first tab left');
        await untilAll(rest, (s) => s.value === 'after the first tab left', 'the others still receive');
        for (const tab of tabs) assert.deepEqual(tab.errors, []);
        for (const tab of rest) await tab.close();
      });

      it('20 tabs: 1 CONNECT and 1 SUBSCRIBE, a message reaches all; the memory per extra tab', async (t) => {
        const run = `sh20-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const clientId = `dash-${run}`;
        const topic = `${run}/T`;
        const open = async (tab) => {
          const page = await browser.newTab();
          await page.goto(`${site.base}/pages/shared.html?${new URLSearchParams({ TAB: String(tab), WS_URL: site.mosquitto.wsUrl, CLIENT_ID: clientId, TOPIC: topic })}`);
          return page;
        };
        const tabs = [await open(1)];
        await untilAll(tabs, (s) => s.status === 'connected' && s.subscribe === 'subscribed', 'the first tab connected');
        const oneTab = browserPss(browser.pid());
        for (let tab = 2; tab <= 20; tab++) tabs.push(await open(tab));
        await untilAll(tabs, (s) => s.status === 'connected' && s.subscribe === 'subscribed', 'all 20 tabs connected through the first', 30000);
        const twentyTabs = browserPss(browser.pid());
        assert.equal(count(` as ${clientId} (`), 1, 'one CONNECT for twenty tabs');
        assert.equal(count(`Received SUBSCRIBE from ${clientId}`), 1, 'one SUBSCRIBE for the filter they all hold');
        await site.peers.pub(topic, 'to twenty');
        await untilAll(tabs, (s) => s.value === 'to twenty', 'the message reached every tab', 15000);
        const perTab = Math.round((twentyTabs - oneTab) / 19 / 1024);
        const figure = `${browserName}: 20 shared tabs, the browser's processes hold ${Math.round(oneTab / 1024)} MB with 1 tab, ${Math.round(twentyTabs / 1024)} MB with 20: ${perTab} MB per extra tab (PSS)`;
        console.log(figure);
        t.diagnostic(figure);
        assert.ok(twentyTabs > oneTab, 'the measurement sees the tabs');
        for (const tab of tabs) assert.deepEqual(tab.errors, []);
        for (const tab of tabs) await tab.close();
      });

      /** A new tab on /pages/shared.html with these values. */
      const openTab = async (values) => {
        const page = await browser.newTab();
        await page.goto(`${site.base}/pages/shared.html?${new URLSearchParams({ WS_URL: site.mosquitto.wsUrl, ...values })}`);
        return page;
      };
      const messagesOf = (tab) => tab.evaluate(() => window.messages);
      const ready = (s) => s.status === 'connected' && s.subscribe === 'subscribed';

      it('a tab that opens delivers nothing again to the tabs already open, and receivedAt stays as received', async () => {
        const run = `shj-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const values = { CLIENT_ID: `dash-${run}`, TOPIC: `${run}/T` };
        const tabs = [await openTab({ TAB: 'a', ...values }), await openTab({ TAB: 'b', ...values })];
        await untilAll(tabs, ready, 'both tabs connected and subscribed');
        await site.peers.pub(values.TOPIC, 'first');
        await untilAll(tabs, (s) => s.value === 'first', 'the message reached both tabs');
        const leaderAt = (await messagesOf(tabs[0]))[0].receivedAt;

        tabs.push(await openTab({ TAB: 'c', ...values }));
        await untilAll([tabs[2]], (s) => ready(s) && s.value === 'first', 'the new tab shows the latest message');
        // A later message marks the end: whatever the new tab caused came before it.
        await site.peers.pub(values.TOPIC, 'second');
        await untilAll(tabs, (s) => s.value === 'second', 'the next message reached every tab');
        const seen = await Promise.all(tabs.map(messagesOf));
        for (const [i, messages] of seen.entries()) {
          assert.deepEqual(messages.map((m) => m.value), ['first', 'second'], `tab ${'abc'[i]}: each message once`);
          assert.equal(messages[0].receivedAt, leaderAt, `tab ${'abc'[i]}: receivedAt is when the connection received it`);
        }
        assert.equal(seen[2][0].retained, true, 'shown to the new tab as a message from before it subscribed');
        for (const tab of tabs) assert.deepEqual(tab.errors, []);
        for (const tab of tabs) await tab.close();
      });

      // Chromium crashes one tab's renderer; Firefox's crash ends every tab's content process, the
      // leader's too, so there only the closed tab is the case.
      const ends = browserName === 'chromium' ? ['closed', 'crashed'] : ['closed'];
      for (const end of ends) {
        it(`a follower tab ${end}: its subscription is released at the broker within a few seconds`, async () => {
          const run = `shx-${browserName.slice(0, 2)}-${end.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
          const clientId = `dash-${run}`;
          const leader = await openTab({ TAB: 'a', CLIENT_ID: clientId, TOPIC: `${run}/T` });
          await untilAll([leader], ready, 'the first tab connected');
          const only = `${run}/only-b`;
          const follower = await openTab({ TAB: 'b', CLIENT_ID: clientId, TOPIC: only });
          await untilAll([follower], ready, 'the second tab subscribed through the first');
          const unsubscribed = () => site.mosquitto.log().some((line) => line.endsWith(`${clientId} ${only}`));
          assert.equal(unsubscribed(), false);
          if (end === 'crashed') {
            await follower.crash();
            await closeWithin(follower.close(), 5000, 'the crashed tab').catch(() => {});
          } else {
            await follower.close();
          }
          const deadline = Date.now() + 5000;
          while (!unsubscribed() && Date.now() < deadline) await sleep(50); // the broker's log has no event
          assert.ok(unsubscribed(), `mosquitto logged no UNSUBSCRIBE of ${only} within 5 s of the tab's end`);
          await untilAll([leader], ready, 'the first tab is as it was');
          assert.deepEqual(leader.errors, []);
          await leader.close();
        });
      }

      it('the leading tab\'s connection removed offline with a QoS 1 publish in flight: the other tab takes over once the broker is back, and its own publish is delivered', async () => {
        const run = `shr-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const values = { CLIENT_ID: `dash-${run}`, TOPIC: `${run}/T` };
        const tabs = [await openTab({ TAB: 'a', ...values }), await openTab({ TAB: 'b', ...values })];
        await untilAll(tabs, ready, 'both tabs connected');
        const publish = (tab, topic, payload) =>
          tab.evaluate(
            ([t, p]) => {
              window.published = 'pending';
              document
                .querySelector('mqtt-connection')
                .publish(t, p, { qos: 1, retain: true })
                .then(
                  () => (window.published = 'resolved'),
                  (e) => (window.published = e.code),
                );
            },
            [topic, payload],
          );
        await site.mosquitto.stop();
        try {
          await untilAll(tabs, (s) => s.status !== 'connected', 'both tabs saw the broker go');
          await publish(tabs[0], `${run}/from-a`, 'from a');
          await publish(tabs[1], `${run}/from-b`, 'from b');
          await tabs[0].evaluate(() => document.querySelector('mqtt-connection').remove());
          const leaderGone = Date.now() + 2000;
          let a;
          while ((a = await tabs[0].evaluate(() => window.published)) === 'pending' && Date.now() < leaderGone) await sleep(50);
          assert.equal(a, 'publish-failed', 'the removed connection answered its queued publish');
        } finally {
          await site.mosquitto.start();
        }
        await untilAll([tabs[1]], ready, 'the other tab leads and is connected again', 15000);
        const delivered = Date.now() + 10000;
        while ((await tabs[1].evaluate(() => window.published)) === 'pending' && Date.now() < delivered) await sleep(50);
        assert.equal(await tabs[1].evaluate(() => window.published), 'resolved', 'its publish was acknowledged');
        const { received } = site.peers.firstMessage(`${run}/from-b`, `${run}-peer`);
        assert.equal(await received, 'from b', 'and is at the broker');
        for (const tab of tabs) assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        for (const tab of tabs) await tab.close();
      });

      // The holder hands every message on to the other tabs (BroadcastChannel): a burst of
      // thousands of distinct topics must reach each tab whole, once, in order, and leave the
      // pages answering.
      it('a burst of 10,000 distinct topics under one filter reaches both tabs, each message once and in order', async () => {
        const run = `shb-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const values = { CLIENT_ID: `dash-${run}`, TOPIC: `${run}/#` };
        const tabs = [await openTab({ TAB: 'a', ...values })];
        await untilAll(tabs, ready, 'the first tab connected');
        tabs.push(await openTab({ TAB: 'b', ...values }));
        await untilAll(tabs, ready, 'both tabs subscribed');
        // Counted now: the burst's own lines push it out of the broker log the test keeps.
        assert.equal(count(`Received SUBSCRIBE from ${values.CLIENT_ID}`), 1, 'one SUBSCRIBE for the filter both tabs hold');
        const COUNT = 10000;
        const device = mqtt.connect(`mqtt://127.0.0.1:${site.mosquitto.tcpPort}`, { clientId: `${run}-device`, reconnectPeriod: 0 });
        try {
          await new Promise((resolve, reject) => {
            device.once('connect', resolve);
            device.once('error', reject);
          });
          // QoS 1, so that mosquitto neither drops nor reorders any of them on a busy socket.
          await Promise.all(Array.from({ length: COUNT }, (_, i) => device.publishAsync(`${run}/d/${i}`, String(i), { qos: 1 })));
        } finally {
          await device.endAsync();
        }
        const deadline = Date.now() + 30000;
        const counts = () => Promise.all(tabs.map((tab) => tab.evaluate(() => window.messages.length)));
        let seen;
        while ((seen = await counts()).some((n) => n < COUNT) && Date.now() < deadline) await sleep(200);
        assert.deepEqual(seen, [COUNT, COUNT], 'every message reached both tabs within 30 s');
        for (const [i, tab] of tabs.entries()) {
          const topics = await tab.evaluate(() => window.messages.map((m) => m.topic));
          const expected = Array.from({ length: COUNT }, (_, n) => `${run}/d/${n}`);
          assert.ok(
            topics.every((topic, n) => topic === expected[n]),
            `tab ${'ab'[i]}: each topic once and in the order published (first difference at ${topics.findIndex((t, n) => t !== expected[n])})`,
          );
        }
        await untilAll(tabs, (s) => s.value === String(COUNT - 1), 'both tabs show the last message');
        // Still answering: a message after the burst arrives as any other.
        await site.peers.pub(`${run}/after`, 'after');
        await untilAll(tabs, (s) => s.value === 'after', 'a message after the burst reaches both tabs');
        for (const tab of tabs) assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        for (const tab of tabs) await tab.close();
      });

      it('2 tabs without a client-id: 1 CONNECT between them', async () => {
        const run = `sh2-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const before = count('New client connected');
        const tabs = [];
        for (const tab of ['a', 'b']) {
          const page = await browser.newTab();
          await page.goto(`${site.base}/pages/shared.html?${new URLSearchParams({ TAB: tab, WS_URL: site.mosquitto.wsUrl, TOPIC: `${run}/T` })}`);
          tabs.push(page);
        }
        await untilAll(tabs, (s) => s.status === 'connected' && s.subscribe === 'subscribed', 'both tabs connected');
        await sleep(500); // a second CONNECT, if there were one, would be logged by now
        assert.equal(count('New client connected') - before, 1);
        for (const tab of tabs) await tab.close();
      });
    });
  }
});
