// Controls that follow the device (`state-topic`, `availability-topic`) in tabs sharing one
// connection (`shared`), as a control panel open in two tabs runs: real pages loading the CDN
// bundle in one browser context, a real mosquitto, and the device played from outside with
// mosquitto_pub/_sub (its retained state and availability). A command from one tab is sent once
// and confirmed in that tab, the other tab's control follows the reported state, and both disable
// their control when the device goes offline and enable it when it is back. Run after `npm run
// build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../../scripts/escape-html.js';
import { launchers } from './one-context.js';
import { BROWSERS, pageAndBroker, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function render(pathname, url) {
  if (pathname !== '/pages/shared-controls.html') return undefined;
  const [ws, id, run] = ['WS_URL', 'CLIENT_ID', 'RUN'].map((key) => escapeHtml(url.searchParams.get(key) ?? ''));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shared control panel</title>
<script type="module" src="/cdn/mqtt-elements.js"></script>
</head><body>
<mqtt-connection url="${ws}" client-id="${id}" shared reconnect-period="200">
  <mqtt-publish topic="${run}/set" state-topic="${run}/state" availability-topic="${run}/availability"
    payload-on="ON" payload-off="OFF" qos="1" confirm-timeout="5000"><label><input type="checkbox"> relay</label></mqtt-publish>
</mqtt-connection>
</body></html>`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Each tab's control as the user sees it. */
const controlState = () => {
  const publish = document.querySelector('mqtt-publish');
  const input = publish.querySelector('input');
  return {
    connection: document.querySelector('mqtt-connection').status,
    status: publish.status,
    available: publish.available,
    unavailable: publish.hasAttribute('unavailable'),
    checked: input.checked,
    disabled: input.disabled,
  };
};

/** Polls `tabs` until `ok(state)` holds in every one (the pages have no event for the test). */
async function untilAll(tabs, ok, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const states = await Promise.all(tabs.map((tab) => tab.evaluate(controlState)));
    if (states.every(ok)) return states;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms: ${JSON.stringify(states)}`);
    await sleep(50);
  }
}

describe('controls that follow the device, in tabs sharing one connection, against mosquitto', () => {
  const site = pageAndBroker(root, render);
  const count = (text) => site.mosquitto.log().filter((line) => line.includes(text)).length;
  /** The device's retained report on `topic` (its state, its availability), from outside. */
  const report = (topic, message) =>
    new Promise((resolve, reject) => {
      const child = spawn('/usr/bin/mosquitto_pub', ['-h', '127.0.0.1', '-p', String(site.mosquitto.tcpPort), '-t', topic, ...(message ? ['-m', message] : ['-n']), '-r', '-q', '1']);
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}`))));
    });

  for (const browserName of BROWSERS) {
    describe(browserName, () => {
      let browser;
      before(async () => {
        browser = await launchers[browserName]();
      });
      after(() => browser?.close());

      it('a command from one tab goes once and is confirmed there; the other tab follows the reported state; offline disables both', async () => {
        const run = `shc-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
        const clientId = `panel-${run}`;
        await report(`${run}/availability`, 'online');
        await report(`${run}/state`, 'OFF');
        const tabs = [];
        for (let i = 0; i < 2; i++) {
          const tab = await browser.newTab();
          await tab.goto(`${site.base}/pages/shared-controls.html?${new URLSearchParams({ WS_URL: site.mosquitto.wsUrl, CLIENT_ID: clientId, RUN: run })}`);
          tabs.push(tab);
        }
        await untilAll(tabs, (s) => s.connection === 'connected' && s.available && !s.checked && !s.disabled, 'both tabs show the device online and off');
        assert.equal(count(` as ${clientId} (`), 1, 'one CONNECT for the two tabs');

        // The device hears the command once, from the shared connection.
        const { received, subscribed } = site.peers.firstMessage(`${run}/set`, `${run}-device`);
        await subscribed;
        await tabs[1].click('input');
        assert.equal(await received, 'ON');
        await untilAll([tabs[1]], (s) => s.status === 'pending' && !s.checked, 'the clicking tab waits for the device, showing its last report');
        // The other tab does not show a command the device has not confirmed.
        await untilAll([tabs[0]], (s) => !s.checked, 'the other tab still shows off');
        await report(`${run}/state`, 'ON');
        await untilAll([tabs[1]], (s) => s.status === 'confirmed' && s.checked, 'confirmed in the clicking tab');
        await untilAll([tabs[0]], (s) => s.checked, 'the other tab follows the reported state');
        assert.equal(count(`Received PUBLISH from ${clientId}`), 1, 'the command went out once');

        await report(`${run}/availability`, 'offline');
        await untilAll(tabs, (s) => !s.available && s.unavailable && s.disabled, 'both tabs disable the control while the device is offline');
        const refused = await tabs[0].evaluate(() =>
          document
            .querySelector('mqtt-publish')
            .publish('OFF')
            .then(
              () => 'sent',
              (e) => e.code,
            ),
        );
        assert.equal(refused, 'publish-failed', 'a command while offline is refused');
        await report(`${run}/availability`, 'online');
        await untilAll(tabs, (s) => s.available && !s.unavailable && !s.disabled && s.checked, 'both tabs enable it again, still on');
        assert.equal(count(`Received PUBLISH from ${clientId}`), 1, 'nothing was sent while the device was offline');

        for (const tab of tabs) assert.deepEqual(withoutFirefoxSocketNotes(tab.errors), []);
        for (const tab of tabs) await tab.close();
        await report(`${run}/state`, '');
        await report(`${run}/availability`, '');
      });
    });
  }
});
