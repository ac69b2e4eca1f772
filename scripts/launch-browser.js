// The one browser launcher of the whole-page tests (test/e2e/), the benchmarks (bench/) and the
// screenshots script: Debian's Chromium through Playwright, Firefox ESR through Puppeteer's
// WebDriver BiDi (Playwright's Firefox needs a patched build), WebKitGTK's MiniBrowser through
// WebDriver classic (scripts/webkit-pages.js over scripts/webkit.js), behind one small page API.
// Every close is bounded: a hung browser is killed, so it cannot hold a run.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from './browsers.js';
import { descendants, killTree } from './kill-tree.js';
import { closeWithin } from './time-limit.js';
import { launchWebKit } from './webkit-pages.js';

/** The browsers `launchBrowser` starts. */
export const BROWSER_NAMES = ['chromium', 'firefox', 'webkit'];

/**
 * The part of Playwright's and Puppeteer's page APIs the tests and benchmarks use, made one.
 * `crash(page)` kills the page's process the browser's way; `raw` is the library's own page.
 */
function adapt(page, kind, crash) {
  const adapted = {
    raw: page,
    goto: (url) => page.goto(url),
    click: (selector) => page.click(selector),
    focus: (selector) => page.focus(selector),
    press: (key) => page.keyboard.press(key),
    /** The viewport as a PNG at `path`; resolves with the PNG's bytes. */
    screenshot: (path) => page.screenshot({ path, type: 'png' }),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    close: () => page.close(),
    /** The browser's network emulation: the page goes offline (an `offline` event) and back (`online`). */
    setOffline: (offline) => (kind === 'playwright' ? page.context().setOffline(offline) : page.setOfflineMode(offline)),
    /** Sets the viewport (`{ width, height }`). */
    setViewport: (viewport) => (kind === 'playwright' ? page.setViewportSize(viewport) : page.setViewport(viewport)),
    waitFor: (fn, arg, timeout = 10000) =>
      kind === 'playwright'
        ? page.waitForFunction(fn, arg, { timeout, polling: 50 })
        : page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    /** Kills the page's process, with no unload and no goodbye (resolves once it is dead). */
    crash: () => crash(page),
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

/** Chromium crashes one page's renderer through the DevTools protocol. */
async function crashChromiumPage(page) {
  const crashed = new Promise((resolve) => page.once('crash', resolve));
  const cdp = await page.context().newCDPSession(page);
  cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
  await crashed;
}

/**
 * Firefox has no crash command: its web content processes are SIGKILLed (every tab's, as a
 * content-process crash takes all the tabs it holds; the browser opens new ones).
 */
function crashFirefoxContent(browserPid) {
  for (const pid of descendants(browserPid)) {
    let args = '';
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    if (args.includes('\0-contentproc\0') && args.includes('\0-isForBrowser\0')) process.kill(pid, 'SIGKILL');
  }
}

async function launchChromium({ oneContext, trust, args = [], contextOptions = {} }) {
  const flags = [...CHROMIUM_ARGS, ...args];
  if (trust) {
    flags.push(`--ignore-certificate-errors-spki-list=${trust.spki}`, `--host-resolver-rules=${trust.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`);
  }
  // launchServer, unlike launch, tells the browser's pid: a hung close can then be ended.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: flags });
  const pid = server.process().pid;
  const browser = await chromium.connect(server.wsEndpoint());
  // Playwright's browser.newPage() gives each page a context of its own (isolated storage,
  // channels and locks); tabs of one user share one.
  const shared = oneContext ? await browser.newContext(contextOptions) : undefined;
  const newPage = async () => adapt(await (shared ? shared.newPage() : browser.newPage(contextOptions)), 'playwright', crashChromiumPage);
  return {
    newPage,
    newTab: newPage,
    /** A set of tabs isolated from the others (its own storage, locks, channels). */
    newContext: async () => {
      const context = await browser.newContext(contextOptions);
      return { newTab: async () => adapt(await context.newPage(), 'playwright', crashChromiumPage), close: () => context.close() };
    },
    /** The browser's main process: its tree is what the tabs cost. */
    pid: () => pid,
    close: () => closeWithin(server.close(), 15000, trust ? 'trusting Chromium' : 'Chromium', () => killTree(pid)),
  };
}

async function launchFirefox({ trust, prefs = {} }) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Firefox has no per-key trust: it accepts every certificate and maps the names itself.
    ...(trust ? { acceptInsecureCerts: true } : {}),
    extraPrefsFirefox: { ...prefs, ...(trust ? { 'network.dns.localDomains': trust.hosts.join(',') } : {}) },
  });
  const pid = browser.process()?.pid;
  const crash = async () => crashFirefoxContent(pid);
  // Puppeteer's browser.newPage() opens in the default context: every page is a tab of one user.
  const newPage = async () => adapt(await browser.newPage(), 'puppeteer', crash);
  return {
    newPage,
    newTab: newPage,
    newContext: async () => {
      const context = await browser.createBrowserContext();
      return { newTab: async () => adapt(await context.newPage(), 'puppeteer', crash), close: () => context.close() };
    },
    pid: () => pid,
    close: () => closeWithin(browser.close(), 15000, trust ? 'trusting Firefox' : 'Firefox', () => pid && killTree(pid)),
  };
}

/**
 * Starts `name` (chromium, firefox, webkit) and resolves with `newPage()` (`newTab()` too),
 * `newContext()` (chromium, firefox: an isolated set of tabs), `pid()` and a bounded `close()`.
 *
 * - `oneContext`: every page in one browser context, as a user's tabs (a BroadcastChannel or a Web
 *   Lock reaches from one to the others). Firefox's and WebKit's pages always share one.
 * - `trust`: `{ spki, hosts }`, trust the server key whose SPKI hash is `spki` and resolve each
 *   of `hosts` to 127.0.0.1 (chromium, firefox; Firefox accepts every certificate instead).
 * - `args`: more Chromium flags; `prefs`: more Firefox preferences; `contextOptions`: Playwright's.
 */
export function launchBrowser(name, options = {}) {
  if (name === 'chromium') return launchChromium(options);
  if (name === 'firefox') return launchFirefox(options);
  if (name === 'webkit') {
    if (options.trust) throw new Error('WebKit cannot be told to trust one certificate (use chromium, firefox)');
    return launchWebKit();
  }
  throw new Error(`unknown browser ${name} (use ${BROWSER_NAMES.join(', ')})`);
}

/**
 * Playwright's own Chromium Browser, for the benchmarks and the screenshots, which use its API
 * directly: the same binary and flags as above, with `args` added.
 */
export function launchPlaywrightChromium(args = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * Puppeteer's own Browser for `name` (chromium, firefox), for the tests that need what only it
 * does in both (tabs of one window that hide each other): `args` and `ignoreDefaultArgs` for
 * Chromium, `prefs` and `acceptInsecureCerts` for Firefox.
 */
export function launchPuppeteer(name, { args = [], ignoreDefaultArgs, prefs = {}, acceptInsecureCerts = false } = {}) {
  if (name === 'chromium') return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args], ignoreDefaultArgs });
  if (name === 'firefox') return puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, acceptInsecureCerts, extraPrefsFirefox: prefs });
  throw new Error(`unknown browser ${name} (use chromium, firefox)`);
}
