// Behind a reverse proxy (README: Behind a reverse proxy): Debian's nginx terminates TLS,
// serves the page and forwards /mqtt to mosquitto's WebSocket listener, with the README's own
// `map` and `location` (taken from README.md, so the documented config is the tested one). An
// https page with url="/mqtt" connects, receives and publishes; two `shared` tabs make one
// CONNECT; an nginx restart is survived; with `proxy_read_timeout` equal to `keepalive`, one
// connection holds for three keepalive periods on every timer the keepalive runs on (a visible
// page, a hidden one with its worker, a hidden one under a CSP that forbids it); and a proxy whose
// timeout is shorter than the keepalive is named in the error. Run after `npm run build`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_INTENSIVE_THROTTLING_ARGS, CHROMIUM_UNTHROTTLING_ARGS } from '../../scripts/browsers.js';
import { launchPuppeteer } from '../../scripts/launch-browser.js';
import { escapeHtml } from '../../scripts/escape-html.js';
import { killTree } from '../../scripts/kill-tree.js';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { startNginx } from '../../scripts/nginx.js';
import { makeTestCerts } from '../../scripts/test-certs.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { BROWSERS, mosquittoPeers, withoutFirefoxSocketNotes } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(root, 'cdn/mqtt-elements.js');
if (!existsSync(BUNDLE)) throw new Error('cdn/mqtt-elements.js is missing: run npm run build first');

/** Short, to keep the test short: nginx's `proxy_read_timeout` on /mqtt is the same. */
const KEEPALIVE = 4;
/** /mqtt-idle: a proxy timeout under the keepalive's pings (7.5 s of 10 s). */
const IDLE_TIMEOUT = 2;
const IDLE_KEEPALIVE = 10;

/** The README's nginx example, fenced as `nginx`. */
function readmeNginx() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no ```nginx block any more: the proxy test runs it');
  return block[1];
}

/** Replaces `from` in `text`, which must hold it: a README edit that drops it fails here, by name. */
function swap(text, from, to) {
  if (!text.includes(from)) throw new Error(`README.md's nginx example has no "${from}" any more: update test/e2e/proxy.test.js`);
  return text.replace(from, to);
}

/**
 * The README's config with this test's port, certificate, web root, broker and keepalive, plus
 * /mqtt-idle: the README's `location /mqtt` again, with a timeout shorter than its keepalive.
 */
function nginxConfig(readme, { port, certs, webroot, wsPort }) {
  let http = readme;
  http = swap(http, 'listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`);
  http = swap(http, '/etc/ssl/certs/app.example.pem', certs.certFile);
  http = swap(http, '/etc/ssl/private/app.example.key', certs.keyFile);
  http = swap(http, 'root /var/www/app;', `root ${webroot};`);
  http = swap(http, 'proxy_pass http://127.0.0.1:8083;', `proxy_pass http://127.0.0.1:${wsPort};`);
  const location = /\n( *)location \/mqtt \{[\s\S]*?\n\1\}\n/.exec(http);
  if (!location) throw new Error("README.md's nginx example has no `location /mqtt { … }` any more");
  const idle = swap(swap(location[0], 'location /mqtt {', 'location /mqtt-idle {'), 'proxy_read_timeout 60s;', `proxy_read_timeout ${IDLE_TIMEOUT}s;`);
  http = http.replace(location[0], location[0] + idle);
  return swap(http, 'proxy_read_timeout 60s;', `proxy_read_timeout ${KEEPALIVE}s;`);
}

const STRICT = "default-src 'self'; script-src 'self'; connect-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html";
const POLICIES = {
  none: '',
  /** Our keepalive worker is a blob: one; a page that admits it. */
  worker: "default-src 'self'; script-src 'self'; connect-src 'self'; worker-src blob:",
  /** No worker: the keepalive stays on the page's own timers, hidden or not. */
  strict: `${STRICT}; worker-src 'none'`,
};

/** What a page records: every status of its connection (with the error it carries) and every error. */
const PROBE = `window.seen = { statuses: [], errors: [] };
document.addEventListener('mqtt-status', (e) => {
  if (e.target.localName === 'mqtt-connection') seen.statuses.push({ status: e.detail.status, message: e.detail.error?.message });
});
document.addEventListener('mqtt-error', (e) => {
  if (e.target.localName === 'mqtt-connection') seen.errors.push({ code: e.detail.error.code, message: e.detail.error.message });
});
`;

function page({ id, url = '/mqtt', keepalive = KEEPALIVE, policy = 'none', shared = false }) {
  const csp = POLICIES[policy] ? `<meta http-equiv="Content-Security-Policy" content="${POLICIES[policy]}">` : '';
  const attr = (s) => escapeHtml(String(s));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${csp}
<title>${attr(id)} behind nginx</title>
<script src="/probe.js"></script>
<script type="module" src="/cdn/mqtt-elements.js"></script>
</head><body>
<mqtt-connection url="${attr(url)}" client-id="${attr(id)}" keepalive="${keepalive}" reconnect-period="200"${shared ? ' shared' : ''}>
  <mqtt-subscribe topic="${attr(id)}/t"></mqtt-subscribe>
  <mqtt-publish topic="${attr(id)}/set" qos="1" payload="from the page"><button>send</button></mqtt-publish>
</mqtt-connection>
</body></html>`;
}

/** Puppeteer for both: its tabs share one window, so a new one hides the one before, as a user's do. */
function launch(name, spki) {
  return launchPuppeteer(name, {
    args: [...CHROMIUM_INTENSIVE_THROTTLING_ARGS, `--ignore-certificate-errors-spki-list=${spki}`],
    ignoreDefaultArgs: CHROMIUM_UNTHROTTLING_ARGS,
    acceptInsecureCerts: true,
    // Firefox waits 30 s after a page loads before it throttles it in the background.
    prefs: { 'dom.timeout.throttling_delay': 0 },
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('behind nginx: an https page with url="/mqtt"', () => {
  let certs;
  let mosquitto;
  let peers;
  let nginx;
  let webroot;
  let base;
  before(async () => {
    certs = makeTestCerts();
    mosquitto = await startMosquitto();
    peers = mosquittoPeers(mosquitto);
    // nginx's worker runs as `nobody` under root: the web root must be readable by anyone.
    webroot = mkdtempSync(join(tmpdir(), 'mqtt-elements-proxy-www-'));
    chmodSync(webroot, 0o755);
    mkdirSync(join(webroot, 'cdn'));
    copyFileSync(BUNDLE, join(webroot, 'cdn/mqtt-elements.js'));
    writeFileSync(join(webroot, 'probe.js'), PROBE);
    writeFileSync(join(webroot, 'favicon.ico'), ''); // else each page's request for one is an error in nginx's log
    const wsPort = Number(new URL(mosquitto.wsUrl).port);
    const readme = readmeNginx();
    nginx = await startNginx((port) => nginxConfig(readme, { port, certs, webroot, wsPort }));
    base = `https://127.0.0.1:${nginx.port}`;
  });
  after(async () => {
    await nginx?.close();
    await mosquitto?.close();
    if (webroot) rmSync(webroot, { recursive: true, force: true });
    certs?.remove();
  });

  /** mosquitto's log lines with `text`, logged at `since` (ms) or later. */
  const count = (text, since = 0) =>
    mosquitto.log().filter((line) => line.includes(text) && Date.parse(line.slice(0, line.indexOf(' '))) >= since).length;
  const connects = (id) => count(` as ${id} (`);
  const nginxTimeouts = () => nginx.log().filter((line) => line.includes('upstream timed out')).length;

  for (const name of BROWSERS) {
    if (name === 'webkit') {
      // The cases hide tabs behind others and read Puppeteer's pages, which WebDriver classic has
      // no way to do (its launch used to fall through to a second Firefox run under this name).
      describe(name, () => it('behind nginx', { skip: 'WebKit: no way to hide a tab through WebDriver classic (no CDP); the test drives Puppeteer pages' }, () => {}));
      continue;
    }
    describe(name, () => {
      let browser;
      before(async () => {
        browser = await launch(name, certs.spki);
      });
      after(() => closeWithin(browser?.close(), 15000, name, () => killTree(browser?.process()?.pid)));

      /** Writes the page of `options` and opens it in a new tab (in front); the page's errors are kept. */
      async function open(options) {
        writeFileSync(join(webroot, `${options.id}.html`), page(options));
        const tab = await browser.newPage();
        const errors = [];
        tab.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
        await tab.goto(`${base}/${options.id}.html`);
        return { tab, errors, id: options.id };
      }
      /** Polls the page until `fn` holds (the pages have no event for the test). */
      const until = (tab, fn, arg, timeout = 10000) => tab.waitForFunction(fn, { timeout, polling: 50 }, arg);
      const connected = (tab) =>
        until(tab, () => document.querySelector('mqtt-connection').status === 'connected' && document.querySelector('mqtt-subscribe').status === 'subscribed');
      const runId = (what) => `px-${name.slice(0, 2)}-${what}-${Math.random().toString(16).slice(2, 8)}`;
      /** Page errors but the browser's own notes on sockets, and Firefox's one refusal of the worker under `strict`. */
      const pageErrors = (p) => withoutFirefoxSocketNotes(p.errors).filter((e) => !/require-trusted-types-for|worker-src/.test(e));

      it('connects to wss:// on its own origin, receives and publishes', async () => {
        const p = await open({ id: runId('basic') });
        await connected(p.tab);
        const where = await p.tab.evaluate(() => ({ page: location.origin, broker: document.querySelector('mqtt-connection').activeUrl }));
        assert.equal(where.broker, `${where.page.replace('https:', 'wss:')}/mqtt`, 'url="/mqtt" is the page origin over TLS');
        await peers.pub(`${p.id}/t`, 'through nginx');
        await until(p.tab, () => document.querySelector('mqtt-subscribe').value === 'through nginx');
        const { received, subscribed } = peers.firstMessage(`${p.id}/set`, `${p.id}-sub`);
        await subscribed;
        await p.tab.click('button');
        assert.equal(await received, 'from the page');
        assert.equal(connects(p.id), 1);
        assert.deepEqual(pageErrors(p), []);
        await p.tab.close();
      });

      it('two `shared` tabs: one CONNECT through nginx, a message reaches both', async () => {
        const id = runId('shared');
        const tabs = [await open({ id, shared: true }), await open({ id, shared: true })];
        for (const p of tabs) await connected(p.tab);
        assert.equal(connects(id), 1, 'one CONNECT for both tabs');
        assert.equal(count(`Received SUBSCRIBE from ${id}`), 1, 'one SUBSCRIBE for both tabs');
        await peers.pub(`${id}/t`, 'to both');
        for (const p of tabs) await until(p.tab, () => document.querySelector('mqtt-subscribe').value === 'to both');
        for (const p of tabs) assert.deepEqual(pageErrors(p), []);
        for (const p of tabs) await p.tab.close();
      });

      it('an nginx restart: offline, then connected and subscribed again', async () => {
        const p = await open({ id: runId('restart') });
        await connected(p.tab);
        await nginx.restart();
        await until(p.tab, () => window.seen.statuses.some((s) => s.status === 'offline'));
        await connected(p.tab);
        assert.equal(connects(p.id), 2, 'one reconnect');
        await peers.pub(`${p.id}/t`, 'after the restart');
        await until(p.tab, () => document.querySelector('mqtt-subscribe').value === 'after the restart');
        assert.deepEqual(pageErrors(p), []);
        await p.tab.close();
      });

      it(`proxy_read_timeout equal to keepalive (${KEEPALIVE} s): one CONNECT for three keepalive periods, visible, hidden with the worker, hidden without`, async () => {
        // Opened one after the other in one window: the first two end up hidden behind the last.
        const pages = [
          await open({ id: runId('hold-strict'), policy: 'strict' }),
          await open({ id: runId('hold-worker'), policy: 'worker' }),
          await open({ id: runId('hold-visible') }),
        ];
        await pages[2].tab.bringToFront();
        for (const p of pages) await connected(p.tab);
        const timeoutsBefore = nginxTimeouts();
        const since = Date.now();
        // Waiting on the clock is the point: nothing but keepalive happens meanwhile.
        await pause(3 * KEEPALIVE * 1000 + 1000);
        const results = [];
        for (const p of pages) {
          const state = await p.tab.evaluate(() => ({
            visibility: document.visibilityState,
            status: document.querySelector('mqtt-connection').status,
            statuses: window.seen.statuses.map((s) => s.status),
          }));
          results.push({ id: p.id, ...state, connects: connects(p.id), pings: count(`Received PINGREQ from ${p.id}`, since), errors: pageErrors(p) });
        }
        console.log(`${name}: ${JSON.stringify(results)}; nginx timeouts ${nginxTimeouts() - timeoutsBefore}`);
        assert.deepEqual(results.map((r) => r.visibility), ['hidden', 'hidden', 'visible'], 'the conditions: two background tabs and one in front');
        for (const r of results) {
          assert.equal(r.connects, 1, `${r.id}: one CONNECT (statuses ${r.statuses.join(' → ')})`);
          assert.equal(r.status, 'connected', r.id);
          assert.ok(!r.statuses.includes('offline'), `${r.id}: never offline: ${r.statuses.join(' → ')}`);
          assert.ok(r.pings >= 3, `${r.id}: ${r.pings} PINGREQs in three keepalive periods`);
          assert.deepEqual(r.errors, [], r.id);
        }
        assert.equal(nginxTimeouts() - timeoutsBefore, 0, 'nginx timed out no connection');
        for (const p of pages) await p.tab.close();
      });

      it(`proxy_read_timeout (${IDLE_TIMEOUT} s) under the keepalive's pings (${IDLE_KEEPALIVE} s): the error names the proxy's idle timeout`, async () => {
        const p = await open({ id: runId('idle'), url: '/mqtt-idle', keepalive: IDLE_KEEPALIVE });
        await until(p.tab, () => window.seen.errors.length > 0, undefined, 20000);
        const state = await p.tab.evaluate(() => window.seen);
        const [error] = state.errors;
        assert.equal(error.code, 'connection-failed');
        assert.match(error.message, new RegExp(`closed every ${IDLE_TIMEOUT} s without traffic from the broker .*likely an idle timeout in a proxy`));
        assert.match(error.message, new RegExp(`Set keepalive \\(now ${IDLE_KEEPALIVE}\\) to ${IDLE_TIMEOUT} or less`));
        // It comes with the third `offline`, the status carrying it, and nothing failed before.
        const offline = state.statuses.filter((s) => s.status === 'offline');
        assert.deepEqual(offline.slice(0, 3).map((s) => s.message === error.message), [false, false, true], JSON.stringify(state.statuses));
        assert.ok(nginxTimeouts() >= 3, 'nginx timed them out');
        assert.deepEqual(pageErrors(p), []);
        await p.tab.close();
      });
    });
  }
});
