// Keepalive in a background tab (README: Background tabs; MQTT.js #1257). Chromium wakes a
// hidden tab's chained timers once a minute (intensive wake-up throttling, here after 10 s hidden
// instead of 5 minutes), and may freeze a hidden tab altogether. Pages with a 2 s keepalive are
// hidden behind another tab for 30 s: MQTT.js by hand on the page's own timers, and the elements
// under a CSP that allows their worker and under one that forbids workers. Each must go on
// sending PINGREQs and never reconnect, while the page's own 1 s interval proves the throttling
// was real. Then a page frozen and resumed through CDP: the broker drops every client (workers
// freeze too), and the elements must say so and be back within a few seconds of the resume.
// Firefox: its background tabs are hidden too and throttled to 1 s timers from the start.
// Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_INTENSIVE_THROTTLING_ARGS, CHROMIUM_UNTHROTTLING_ARGS } from '../../scripts/browsers.js';
import { launchPuppeteer } from '../../scripts/launch-browser.js';
import { killTree } from '../../scripts/kill-tree.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { BROWSERS, pageAndBroker } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KEEPALIVE = 2;
/** Chromium's grace period (CHROMIUM_INTENSIVE_THROTTLING_ARGS) and how long the pages stay hidden after it. */
const GRACE_MS = 10000;
const THROTTLED_MS = 20000;
const FREEZE_MS = 8000;

const STRICT = "default-src 'self'; script-src 'self'; connect-src ws: wss:; require-trusted-types-for 'script'; trusted-types lit-html";
const POLICIES = {
  none: '',
  /** Our keepalive worker is a blob: one; a page that admits it. */
  worker: "default-src 'self'; script-src 'self'; connect-src ws: wss:; worker-src blob:",
  strict: `${STRICT}; worker-src 'none'`,
};

function page(kind, policy, params) {
  const csp = POLICIES[policy] ? `<meta http-equiv="Content-Security-Policy" content="${POLICIES[policy]}">` : '';
  const body =
    kind === 'mqttjs'
      ? '<script type="module" src="/test/e2e/pages/background-mqttjs.js"></script>'
      : `<script type="module" src="/cdn/mqtt-elements.js"></script>
<mqtt-connection url="${params.get('url')}" client-id="${params.get('id')}" keepalive="${KEEPALIVE}">
  <mqtt-subscribe topic="${params.get('id')}/t">–</mqtt-subscribe>
</mqtt-connection>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${csp}
<title>${kind} under ${policy} in the background</title>
<script src="/test/e2e/pages/background-probe.js"></script>
</head><body>${body}</body></html>`;
}

/**
 * Puppeteer for both browsers: its new tabs open in the same window and hide the one before
 * (Playwright keeps every page `visible`, so it cannot show a background tab).
 */
function launch(name) {
  return launchPuppeteer(name, {
    args: [...CHROMIUM_INTENSIVE_THROTTLING_ARGS],
    ignoreDefaultArgs: CHROMIUM_UNTHROTTLING_ARGS,
    // Firefox waits 30 s after a page loads before it throttles it in the background.
    prefs: { 'dom.timeout.throttling_delay': 0 },
  });
}

describe('background tabs keep their keepalive', () => {
  const site = pageAndBroker(root, (pathname, url) => {
    const match = /^\/background\/([\w-]+)\/(mqttjs|elements)\.html$/.exec(pathname);
    if (!match || POLICIES[match[1]] === undefined) return undefined;
    return page(match[2], match[1], url.searchParams);
  });

  const count = (text) => site.mosquitto.log().filter((line) => line.includes(text)).length;
  const connects = (id) => count(` as ${id} (`);
  /** When mosquitto logged each PINGREQ of `id` since `since` (ms). */
  const pingTimes = (id, since) =>
    site.mosquitto
      .log()
      .filter((line) => line.includes(`Received PINGREQ from ${id}`))
      .map((line) => Date.parse(line.slice(0, line.indexOf(' '))))
      .filter((t) => t >= since);
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  for (const name of BROWSERS) {
    if (name === 'webkit') {
      // Hiding a tab, Chromium's throttling flags and freezing a page all go through CDP or
      // Chromium's switches; WebDriver classic has no command to hide, background or freeze one.
      describe(name, () => it('background tabs: throttled timers, a frozen page resumed', { skip: 'WebKit: no way to hide, background or freeze a tab through WebDriver classic (no CDP)' }, () => {}));
      continue;
    }
    describe(name, () => {
      let browser;
      before(async () => {
        browser = await launch(name);
      });
      after(() => closeWithin(browser?.close(), 15000, name, () => killTree(browser?.process()?.pid)));

      /** Opens a page and waits until it is connected (and subscribed, for the elements). */
      async function open(kind, policy, timer) {
        const id = `bg-${name.slice(0, 2)}-${kind}-${policy}-${Math.random().toString(16).slice(2, 8)}`;
        const tab = await browser.newPage();
        const errors = [];
        tab.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
        const query = new URLSearchParams({ url: site.mosquitto.wsUrl, id, keepalive: String(KEEPALIVE), ...(timer && { timer }) });
        await tab.goto(`${site.base}/background/${policy}/${kind}.html?${query}`);
        await tab.waitForFunction(
          (elements) =>
            elements
              ? document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed'
              : window.probe?.status.some((s) => s.startsWith('connect@')),
          { timeout: 10000, polling: 50 },
          kind === 'elements',
        );
        return { tab, id, kind, policy, errors, label: `${kind} (${timer ?? policy})` };
      }

      it(`hidden for ${(GRACE_MS + THROTTLED_MS) / 1000} s: MQTT.js by hand pings late (#1257); the elements under both CSPs keep their keepalive`, async () => {
        const pages = [
          await open('mqttjs', 'none', 'native'),
          await open('elements', 'worker'),
          await open('elements', 'strict'),
        ];
        // A tab in front of them: every page above is now a background tab.
        const front = await browser.newPage();
        await front.bringToFront();
        await pause(GRACE_MS);
        const since = Date.now();
        await pause(THROTTLED_MS);
        const results = [];
        for (const p of pages) {
          const state = await p.tab.evaluate(() => ({
            visibility: document.visibilityState,
            longestGap: window.probe.longestGap(),
            status: window.probe.status,
            connection: document.querySelector('mqtt-connection')?.status,
          }));
          const times = pingTimes(p.id, since);
          const gaps = times.slice(1).map((t, i) => t - times[i]);
          const result = { ...p, ...state, pings: times.length, longestPingGap: Math.max(...gaps), workers: p.tab.workers?.().length };
          results.push(result);
          console.log(
            `${name} ${p.label}: ${result.pings} PINGREQs in ${THROTTLED_MS / 1000} s hidden (after ${GRACE_MS / 1000} s), ` +
              `longest gap between them ${result.longestPingGap} ms (deadline ${1.5 * KEEPALIVE * 1000}), ` +
              `${connects(p.id)} CONNECT; the page's own 1 s interval: longest gap ${state.longestGap} ms; ` +
              `workers ${name === 'chromium' ? result.workers : 'n/a'}; statuses ${state.status.join(' ')}`,
          );
        }
        for (const r of results) {
          assert.equal(r.visibility, 'hidden', `${r.label}: the page is a background tab`);
          if (name === 'chromium') {
            // The conditions are real: the page's own chained timer was held back for many seconds.
            assert.ok(r.longestGap >= 9000, `${r.label}: its own interval was not throttled (longest gap ${r.longestGap} ms)`);
          }
        }
        const [byHand, ...elements] = results;
        // MQTT.js #1257: every setTimeout(0) of its bundled nextTick waits for the hidden tab's
        // once-a-second wake-up (Chromium) or 1 s minimum (Firefox), so its PINGREQs come later
        // than the broker's 1.5 × keepalive, or it gives up on its own PINGRESP and reconnects.
        assert.ok(
          byHand.longestPingGap > 1.5 * KEEPALIVE * 1000 || connects(byHand.id) > 1,
          `MQTT.js by hand kept its keepalive in the background (longest gap ${byHand.longestPingGap} ms): the conditions do not reproduce #1257`,
        );
        for (const r of elements) {
          assert.ok(
            r.longestPingGap <= 1.5 * KEEPALIVE * 1000 && r.pings >= THROTTLED_MS / 1000 / KEEPALIVE - 2,
            `${r.label}: ${r.pings} PINGREQs, longest gap ${r.longestPingGap} ms, keepalive ${KEEPALIVE} s`,
          );
          assert.equal(connects(r.id), 1, `${r.label}: one CONNECT, the session was never dropped`);
          assert.equal(r.connection, 'connected', r.label);
          if (name === 'chromium') {
            // Where the CSP admits it, the keepalive moved into our worker when the page was hidden.
            assert.equal(r.workers, r.policy === 'worker' ? 1 : 0, `${r.label}: keepalive worker`);
          }
          // Under Trusted Types, Firefox reports the one refusal of our worker as a page error.
          const others = r.errors.filter((e) => !(r.policy === 'strict' && /require-trusted-types-for/.test(e)));
          assert.deepEqual(others, [], r.label);
          assert.ok(r.errors.length <= 1, `${r.label}: ${r.errors.join(' | ')}`);
        }
        await Promise.all([...pages.map((p) => p.tab.close()), front.close()]);
      });

      if (name !== 'chromium') return;

      it(`frozen for ${FREEZE_MS / 1000} s and resumed: MQTT.js by hand loses its session; the elements, if dropped, say so and are back within 1.5 s`, async () => {
        const pages = [
          await open('mqttjs', 'none'), // MQTT.js's defaults: worker-timers, frozen with the page
          await open('elements', 'worker'),
          await open('elements', 'strict'),
        ];
        const sessions = await Promise.all(pages.map((p) => p.tab.createCDPSession()));
        await Promise.all(sessions.map((s) => s.send('Page.setWebLifecycleState', { state: 'frozen' })));
        await pause(FREEZE_MS);
        await Promise.all(sessions.map((s) => s.send('Page.setWebLifecycleState', { state: 'active' })));
        // mosquitto says "closed its connection" or "has exceeded timeout" for a client it dropped.
        const dropped = (id) => count(`Client ${id} closed its connection`) + count(`Client ${id} has exceeded timeout`);
        for (const p of pages) {
          // Back: connected (and subscribed) once more than before if the broker dropped it, still
          // connected if it did not. Polled from here, since the drop is known only to the broker.
          const deadline = Date.now() + 10000;
          let state;
          for (;;) {
            state = await p.tab.evaluate(() => ({
              ...window.probe,
              subscribed: document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed',
            }));
            const lost = dropped(p.id) > 0 ? 1 : 0;
            const back =
              p.kind === 'elements'
                ? state.subscribed &&
                  state.status.at(-1)?.startsWith('connected@') &&
                  state.status.filter((st) => st.startsWith('connected@')).length === 1 + lost
                : state.status.filter((st) => st.startsWith('connect@')).length === 1 + lost;
            if (back) break;
            assert.ok(Date.now() < deadline, `${p.label}: not back within 10 s of the resume: ${state.status.join(' ')}`);
            await pause(50);
          }
          const { status, lifecycle } = state;
          const resumedAt = Number(lifecycle.find((l) => l.startsWith('resume@')).split('@')[1]);
          const backIn = Number(status.at(-1).split('@')[1]) - resumedAt;
          const after = status.filter((st) => Number(st.split('@')[1]) >= resumedAt);
          const lost = dropped(p.id) > 0;
          console.log(
            `${name} ${p.label} frozen ${FREEZE_MS} ms: dropped by the broker ${dropped(p.id)}, ` +
              `${connects(p.id)} CONNECTs, after the resume: ${after.join(' ')}` +
              (lost ? ` (connected again in ${backIn} ms)` : ' (kept its session)'),
          );
          if (p.kind === 'mqttjs') {
            // The reproduction: a frozen tab loses its session, MQTT.js's worker timers or not.
            assert.ok(lost, `${p.label}: mosquitto dropped it for its keepalive while frozen`);
          } else if (lost) {
            // Honest: the lost connection shows before the new one.
            assert.match(after[0], /^offline@/, `${p.label}: statuses after the resume ${after.join(' ')}`);
            // At once on `resume` (0.2-0.4 s here; MQTT.js by hand waits its period, 1.6-2.3 s): a
            // hidden tab's timers still round up to the next whole second.
            assert.ok(backIn <= 1500, `${p.label}: connected again ${backIn} ms after the resume`);
          }
          // A page whose worker the freeze did not stop in time (seen once in CI, under load) keeps
          // its session: one CONNECT, as good as it gets.
          assert.equal(connects(p.id), lost ? 2 : 1, `${p.label}: one reconnect if dropped, none if not`);
          assert.deepEqual(p.errors, [], p.label);
        }
        await Promise.all(pages.map((p) => p.tab.close()));
      });
    });
  }
});
