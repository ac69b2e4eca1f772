// What the whole-page tests share: the browsers (scripts/launch-browser.js: Chromium, Firefox
// and WebKit behind one small page API), a static file server (scripts/static-server.js), and
// mosquitto's command-line peers.
import { after, before, describe } from 'node:test';
import { spawn } from 'node:child_process';
import { launchBrowser } from '../../scripts/launch-browser.js';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { startStaticServer } from '../../scripts/static-server.js';

/** Starts a browser (each Chromium page isolated in a context of its own); `close()` is bounded. */
export { launchBrowser };

/** BROWSERS=chromium (or firefox, webkit, or a list) runs those; the default is all three. */
export const BROWSERS = (process.env.BROWSERS ?? 'chromium,firefox,webkit').split(',').map((b) => b.trim());

/**
 * The options of node:test's `it` that skip a test in WebKit, naming what it waits for: a test
 * that needs what WebDriver classic cannot do there (hide a tab, emulate the network, crash …).
 */
export function unlessWebKit(browserName, why) {
  return browserName === 'webkit' ? { skip: `WebKit: ${why}` } : {};
}

/**
 * Serves `dir` read-only on 127.0.0.1 (scripts/static-server.js). `render(path, url)` may answer a
 * request itself (a page with values filled in) by returning the HTML; otherwise the file is sent
 * as it is. `options` are the server's others (`headers`, `mounts`, `tls`).
 */
export function serveStatic(dir, render = () => undefined, options = {}) {
  return startStaticServer({ root: dir, render, ...options });
}

/**
 * The page-plus-broker fixture of a `describe` block: before its tests, a private mosquitto
 * (`startMosquitto(options)`) and `root` served read-only, with `render(pathname, url, mosquitto)`
 * answering the pages it fills in (the broker's URL); after them, both stopped. The returned
 * object fills in as they start: `mosquitto`, `server`, `base`, and `peers` (the broker's
 * command-line peers, mosquittoPeers).
 */
export function pageAndBroker(root, render = () => undefined, options = {}) {
  const site = { mosquitto: undefined, server: undefined, base: undefined, peers: undefined };
  before(async () => {
    site.mosquitto = await startMosquitto(options);
    site.peers = mosquittoPeers(site.mosquitto);
    ({ server: site.server, base: site.base } = await serveStatic(root, (pathname, url) => render(pathname, url, site.mosquitto)));
  });
  after(async () => {
    site.server?.close();
    await site.mosquitto?.close();
  });
  return site;
}

/**
 * Firefox reports, as page errors of its own, each WebSocket it could not open (a broker down)
 * and one a reload or a closed tab cut short: `errors` without those.
 */
export function withoutFirefoxSocketNotes(errors) {
  return errors.filter((e) => !/^Firefox can’t establish a connection to the server at |^The connection to ws:\/\/\S+ was interrupted while the page was loading\.$/.test(e));
}

/**
 * A `describe` block per browser of {@link BROWSERS}, with that browser started before its tests
 * and closed after them (bounded). `body(name, browser)` declares the tests; `browser()` gives the
 * running browser inside them.
 */
export function inEachBrowser(body) {
  for (const name of BROWSERS) {
    describe(name, () => {
      let browser;
      before(async () => {
        browser = await launchBrowser(name);
      });
      after(() => browser?.close());
      body(name, () => browser);
    });
  }
}

/** mosquitto_pub and mosquitto_sub against `mosquitto`, and a wait on its log. */
export function mosquittoPeers(mosquitto) {
  const run = (bin, args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), ...args]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}`))));
    });
  const logHas = async (text, timeout = 5000) => {
    const deadline = Date.now() + timeout;
    while (!mosquitto.log().some((line) => line.includes(text))) {
      if (Date.now() > deadline) throw new Error(`mosquitto never logged "${text}"`);
      await new Promise((r) => setTimeout(r, 25)); // polling the broker's log: it has no event
    }
  };
  return {
    /** Publishes `message` to `topic` (QoS 0) from outside; resolves when mosquitto_pub exits. */
    pub: (topic, message) => run('/usr/bin/mosquitto_pub', ['-t', topic, '-m', message]),
    /**
     * Subscribes `clientId` to `topic` from outside and resolves with the first message's text
     * (within 10 s). `subscribed` resolves once mosquitto has its SUBSCRIBE.
     */
    firstMessage(topic, clientId) {
      const received = run('/usr/bin/mosquitto_sub', ['-i', clientId, '-t', topic, '-C', '1', '-W', '10']);
      return { received: received.then((out) => out.trim()), subscribed: logHas(`Received SUBSCRIBE from ${clientId}`) };
    },
    logHas,
  };
}
