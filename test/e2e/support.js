// What the whole-page tests share: the browsers (Debian's Chromium through Playwright, Firefox
// ESR through Puppeteer's WebDriver BiDi, WebKitGTK's MiniBrowser through WebDriver classic:
// scripts/webkit-pages.js) behind one small page API, a static file server, and mosquitto's
// command-line peers.
import { after, before, describe } from 'node:test';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from '../../scripts/browsers.js';
import { killTree } from '../../scripts/kill-tree.js';
import { startStaticServer } from '../../scripts/static-server.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { launchWebKit } from '../../scripts/webkit-pages.js';

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

/** The part of Playwright's and Puppeteer's page APIs these tests use, made one. */
function adapt(page, kind) {
  const adapted = {
    goto: (url) => page.goto(url),
    click: (selector) => page.click(selector),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    /** The browser's network emulation: the page goes offline (an `offline` event) and back (`online`). */
    close: () => page.close(),
    setOffline: (offline) => (kind === 'playwright' ? page.context().setOffline(offline) : page.setOfflineMode(offline)),
    waitFor: (fn, arg, timeout = 10000) =>
      kind === 'playwright'
        ? page.waitForFunction(fn, arg, { timeout, polling: 50 })
        : page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    /** Uncaught errors of the page, to assert there were none. */
    errors: [],
    /**
     * The page's console errors: `console.error` calls and what the browser reports there itself
     * (a failed WebSocket, a refused resource), to assert there were none.
     */
    consoleErrors: [],
  };
  page.on('pageerror', (e) => adapted.errors.push(String(e?.message ?? e)));
  page.on('console', (message) => {
    if (message.type() === 'error') adapted.consoleErrors.push(message.text());
  });
  return adapted;
}

/**
 * Firefox reports, as page errors of its own, each WebSocket it could not open (a broker down)
 * and one a reload or a closed tab cut short: `errors` without those.
 */
export function withoutFirefoxSocketNotes(errors) {
  return errors.filter((e) => !/^Firefox can’t establish a connection to the server at |^The connection to ws:\/\/\S+ was interrupted while the page was loading\.$/.test(e));
}

const launchers = {
  chromium: async () => {
    // launchServer, unlike launch, tells the browser's pid: a hung close can then be ended.
    const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const browser = await chromium.connect(server.wsEndpoint());
    return {
      newPage: async () => adapt(await browser.newPage(), 'playwright'),
      close: () => closeWithin(server.close(), 15000, 'Chromium', () => killTree(server.process().pid)),
    };
  },
  firefox: async () => {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
    return {
      newPage: async () => adapt(await browser.newPage(), 'puppeteer'),
      close: () => closeWithin(browser.close(), 15000, 'Firefox', () => killTree(browser.process()?.pid)),
    };
  },
  webkit: () => launchWebKit(),
};

/** Starts `name` (chromium, firefox, webkit); `close()` is bounded, so a hung browser cannot hold the run. */
export function launchBrowser(name) {
  if (!launchers[name]) throw new Error(`unknown browser ${name} (use chromium, firefox, webkit)`);
  return launchers[name]();
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
