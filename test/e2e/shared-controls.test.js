// Controls that follow the device (`state-topic`, `availability-topic`) in tabs sharing one
// connection (`shared`), as a control panel open in two tabs runs: real pages loading the CDN
// bundle in one browser context, a real mosquitto, and the device played from outside with
// mosquitto_pub/_sub (its retained state and availability). A command from one tab is sent once
// and confirmed in that tab, the other tab's control follows the reported state, and both disable
// their control when the device goes offline and enable it when it is back. And the tab holding the
// connection ends (closed; crashed, in Chromium) while the other tab's command waits for the
// device: that tab takes the connection over with its command still pending, the device's report
// confirms it, and a later command the device never confirms is reverted (`not-confirmed`); those
// pages run under the README's strict CSP with Trusted Types. Run
// after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../../scripts/escape-html.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { launchers } from './one-context.js';
import { BROWSERS, pageAndBroker, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function render(pathname, url) {
  if (pathname !== '/pages/shared-controls.html') return undefined;
  const [ws, id, run] = ['WS_URL', 'CLIENT_ID', 'RUN'].map((key) => escapeHtml(url.searchParams.get(key) ?? ''));
  const confirm = Number(url.searchParams.get('CONFIRM') ?? 5000);
  // The README's strict policy (Security), with Trusted Types, as a control panel in the field runs.
  const csp = url.searchParams.has('STRICT')
    ? `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; connect-src ws: wss:; require-trusted-types-for 'script'; trusted-types lit-html">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shared control panel</title>${csp}
<script type="module" src="/cdn/mqtt-elements.js"></script>
</head><body>
<mqtt-connection url="${ws}" client-id="${id}" shared reconnect-period="200">
  <mqtt-publish topic="${run}/set" state-topic="${run}/state" availability-topic="${run}/availability"
    payload-on="ON" payload-off="OFF" qos="1" confirm-timeout="${confirm}"><label><input type="checkbox"> relay</label></mqtt-publish>
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

      // Chromium crashes one tab's renderer; Firefox's and WebKit's crash ends every tab's content
      // process, the other tab's too, so there only the closed tab is the case.
      const ends = browserName === 'chromium' ? ['closed', 'crashed'] : ['closed'];
      for (const end of ends) {
        it(`the tab holding the connection is ${end} while the other tab's command waits for the device: that tab takes over still pending, is confirmed by the report, and reverts a command never confirmed`, async () => {
          const run = `shk-${browserName.slice(0, 2)}-${end.slice(0, 2)}-${Math.random().toString(16).slice(2, 8)}`;
          const clientId = `panel-${run}`;
          // Long enough for the takeover (a lock released, a CONNECT), short enough to wait out below.
          const CONFIRM = 6000;
          await report(`${run}/availability`, 'online');
          await report(`${run}/state`, 'OFF');
          const tabs = [];
          for (let i = 0; i < 2; i++) {
            const tab = await browser.newTab();
            const query = new URLSearchParams({ WS_URL: site.mosquitto.wsUrl, CLIENT_ID: clientId, RUN: run, CONFIRM: String(CONFIRM), STRICT: '' });
            await tab.goto(`${site.base}/pages/shared-controls.html?${query}`);
            tabs.push(tab);
            // The first tab holds the connection: the second opens once it is connected.
            await untilAll([tab], (s) => s.connection === 'connected' && s.available && !s.checked, `tab ${i} shows the device online and off`);
          }
          const [holder, other] = tabs;
          await other.evaluate(() => {
            window.errors = [];
            document.querySelector('mqtt-publish').addEventListener('mqtt-error', (e) => window.errors.push(e.detail.error.code));
          });

          const first = site.peers.firstMessage(`${run}/set`, `${run}-device`);
          await first.subscribed;
          await other.click('input');
          assert.equal(await first.received, 'ON', 'the device heard the command through the holding tab');
          await untilAll([other], (s) => s.status === 'pending' && !s.checked, 'the clicking tab waits for the device');
          if (end === 'crashed') {
            await holder.crash();
            await closeWithin(holder.close(), 5000, 'the crashed tab').catch(() => {});
          } else {
            await holder.close();
          }
          // The takeover: one CONNECT more (the broker's log has no event to await), whose
          // SUBSCRIBE brings the retained OFF again: a report of another value while pending
          // changes nothing.
          const takenOver = Date.now() + 5000;
          while (count(` as ${clientId} (`) < 2 && Date.now() < takenOver) await sleep(50);
          assert.equal(count(` as ${clientId} (`), 2, 'one CONNECT more within 5 s: the takeover');
          await untilAll([other], (s) => s.connection === 'connected' && s.status === 'pending' && !s.checked, 'the other tab holds the connection now, its command still pending');
          await report(`${run}/state`, 'ON');
          await untilAll([other], (s) => s.status === 'confirmed' && s.checked, 'the device\'s report confirms the command across the takeover');

          // A command the device hears but never confirms: reverted to the reported ON at the timeout.
          const second = site.peers.firstMessage(`${run}/set`, `${run}-device-2`);
          await second.subscribed;
          const clicked = Date.now();
          await other.click('input');
          assert.equal(await second.received, 'OFF');
          await untilAll([other], (s) => s.status === 'pending' && s.checked, 'pending, still showing the reported ON');
          await untilAll([other], (s) => s.status === 'error' && s.checked, 'reverted at the timeout', CONFIRM + 5000);
          assert.ok(Date.now() - clicked >= CONFIRM - 500, `reverted after ${Date.now() - clicked} ms, not before the ${CONFIRM} ms timeout`);
          assert.deepEqual(await other.evaluate(() => window.errors), ['not-confirmed']);
          assert.deepEqual(withoutFirefoxSocketNotes(other.errors), []);
          await other.close();
          await report(`${run}/state`, '');
          await report(`${run}/availability`, '');
        });
      }
    });
  }
});
