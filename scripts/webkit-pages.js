// WebKit for the whole-page tests (test/e2e/): MiniBrowser through WebDriver classic (webdriverio's
// `remote()` against the WebKitWebDriver scripts/webkit.js starts), behind the same small page API
// as the Playwright and Puppeteer adapters (goto, evaluate, waitFor, click, close, errors).
//
// WebDriver classic drives one window at a time: every page is a window handle, and each call
// switches to its window first, one call at a time per browser (a queue), so that two pages used
// side by side (two tabs of one dashboard) do not interleave. All windows of a session share one
// browsing context group: storage, BroadcastChannel and Web Locks reach from tab to tab.
//
// What WebDriver classic has no command for is refused with a message naming it: network
// emulation (setOffline), hiding or freezing a tab. A page's uncaught errors and console errors
// are recorded by a listener installed right after each navigation: one thrown while the page
// loaded is not seen (there is no event stream without BiDi), but what follows is.
import { remote } from 'webdriverio';
import { closeWithin } from './time-limit.js';
import { startWebKit } from './webkit.js';

/** WebDriver's codes of the keys the tests press (WebDriver spec, "keyboard actions"). */
const KEYS = { ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015', Enter: '\uE007', Tab: '\uE004' };

/** Installs the page's error recorder (idempotent); runs in the page. */
const RECORDER = `
  if (!window.__e2eErrors) {
    const errors = (window.__e2eErrors = { page: [], console: [] });
    addEventListener('error', (e) => errors.page.push(String(e.error?.message ?? e.message)));
    addEventListener('unhandledrejection', (e) => errors.page.push(String(e.reason?.message ?? e.reason)));
    const original = console.error.bind(console);
    console.error = (...args) => {
      errors.console.push(args.map(String).join(' '));
      original(...args);
    };
  }`;

/**
 * `fn(arg)` in the page, awaited there; resolves with its result (JSON: undefined stays
 * undefined) or rejects with the page's error. With `poll`, calls it every 50 ms until truthy.
 */
function script(fn, poll) {
  return `
    const arg = arguments[0], timeout = arguments[1], done = arguments[arguments.length - 1];
    const fn = (${fn});
    // As Playwright does, only JSON-like values come back: an element, a window or a cycle is
    // turned into what JSON makes of it (WebDriver would fail the whole call on a cycle). As a
    // string: WebKitWebDriver's own serialisation does not keep the order of an object's keys.
    const json = (v) => { try { return JSON.stringify(v) ?? 'null'; } catch { return JSON.stringify(String(v)); } };
    const reply = (v) => done({ ok: true, undefined: v === undefined, json: v === undefined ? 'null' : json(v) });
    const fail = (e) => done({ ok: false, message: String(e?.name ?? 'Error') + ': ' + String(e?.message ?? e) + ' (' + String(e?.stack ?? '') + ')' });
    ${
      poll
        ? `const deadline = Date.now() + timeout;
    const tick = () => Promise.resolve().then(() => fn(arg)).then((v) => {
      if (v) return reply(v);
      if (Date.now() > deadline) return fail(new Error('waitFor: not true within ' + timeout + ' ms: ' + fn));
      setTimeout(tick, 50);
    }, fail);
    tick();`
        : 'Promise.resolve().then(() => fn(arg)).then(reply, fail);'
    }`;
}

/**
 * Starts Xvfb, WebKitWebDriver and a MiniBrowser session. `env` reaches the browser (LANG).
 * Resolves with `newPage()` (`newTab()` too), `crash()` (refused: see there), `pid()` and a
 * bounded `close()` that ends the session and kills driver and display.
 * @param {{ env?: Record<string, string> }} [options]
 */
export async function launchWebKit({ env } = {}) {
  const webkit = await startWebKit({ env });
  let driver;
  try {
    driver = await remote({ hostname: '127.0.0.1', port: webkit.port, capabilities: webkit.capabilities, logLevel: 'error' });
    // Long waits run in the page (waitFor), bounded by their own timeout below this one.
    await driver.setTimeout({ script: 180000, pageLoad: 60000 });
  } catch (error) {
    await webkit.stop();
    throw error;
  }
  // The session's first window stays open, blank, for the session's life: pages are new windows
  // made from it (a page may close its own; MiniBrowser ends with its last window). Windows, not
  // tabs: a new tab of MiniBrowser stays hidden (no animation frames) even once switched to.
  const home = await driver.getWindowHandle();
  let queue = Promise.resolve();
  /** Runs `task` alone, on `handle`'s window. */
  const on = (handle, task) => {
    const run = queue.then(async () => {
      if ((await driver.getWindowHandle().catch(() => undefined)) !== handle) await driver.switchToWindow(handle);
      return task();
    });
    queue = run.catch(() => {});
    return run;
  };
  const evaluate = async (handle, fn, arg, poll, timeout = 10000) => {
    const result = await on(handle, () => driver.executeAsyncScript(script(fn, poll), [arg ?? null, timeout]));
    if (!result.ok) throw new Error(result.message);
    return result.undefined ? undefined : JSON.parse(result.json);
  };

  const newPage = async () => {
    const { handle } = await on(home, () => driver.createWindow('window'));
    const page = {
      errors: [],
      consoleErrors: [],
      async goto(url) {
        await on(handle, () => driver.navigateTo(url));
        await on(handle, () => driver.execute(RECORDER));
      },
      evaluate: async (fn, arg) => {
        const value = await evaluate(handle, fn, arg, false);
        await collect();
        return value;
      },
      waitFor: async (fn, arg, timeout = 10000) => {
        const value = await evaluate(handle, fn, arg, true, timeout);
        await collect();
        return value;
      },
      click: (selector) => on(handle, async () => (await driver.$(selector)).click()),
      focus: (selector) => on(handle, () => driver.execute((sel) => globalThis.document.querySelector(sel).focus(), selector)),
      /** A key by its name (`ArrowRight` …), to the focused element. */
      press: (key) => {
        if (!KEYS[key]) throw new Error(`press: no WebDriver code for ${key} here (add it to KEYS)`);
        return on(handle, () => driver.keys(KEYS[key]));
      },
      /**
       * The viewport's size, through the window's: WebDriver classic sizes windows only, so the
       * window is sized, the viewport measured, and the window corrected by MiniBrowser's frame.
       * Resolves with the viewport it got: MiniBrowser's window is no narrower than its toolbar
       * (447 px here), so a phone's 390 px is out of reach.
       */
      setViewport: ({ width, height }) =>
        on(handle, async () => {
          // Read after two frames: the window manager resizes after setWindowSize has answered.
          const viewport = () =>
            driver.executeAsyncScript(
              'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done({ width: innerWidth, height: innerHeight })));',
              [],
            );
          await driver.setWindowSize(width, height);
          const inner = await viewport();
          if (inner.width === width && inner.height === height) return inner;
          await driver.setWindowSize(2 * width - inner.width, 2 * height - inner.height);
          return viewport();
        }),
      /** The viewport as a PNG at `path`. */
      screenshot: (path) => on(handle, () => driver.saveScreenshot(path)),
      async close() {
        await on(handle, async () => {
          await driver.closeWindow();
          // webdriverio switches to another window after closeWindow without awaiting it; a
          // command of ours after it lets that land before anything else (deleteSession above
          // all, which would leave it rejecting unhandled: "invalid session id").
          await driver.switchToWindow(home);
        }).catch(() => {});
      },
      setOffline() {
        throw new Error('WebKit: WebDriver classic has no network emulation (setOffline)');
      },
      crash: () => crash(),
    };
    // What the recorder saw since the last look, moved into `errors` and `consoleErrors`.
    const collect = async () => {
      const seen = await on(handle, () =>
        driver.execute(() => {
          const e = globalThis.__e2eErrors;
          if (!e) return { page: [], console: [] };
          return { page: e.page.splice(0), console: e.console.splice(0) };
        }),
      ).catch(() => ({ page: [], console: [] }));
      page.errors.push(...seen.page);
      page.consoleErrors.push(...seen.console);
    };
    return page;
  };

  // Tried: SIGKILL of the WebKitWebProcess below the driver, as Firefox's crash in
  // one-context.js. MiniBrowser under automation does not recover: the session ends ("invalid
  // session id") and every later command fails. So a crash is refused with the reason.
  const crash = async () => {
    throw new Error('WebKit: a crashed web content process ends the WebDriver session; no crash test runs in WebKit');
  };

  return {
    newPage,
    newTab: newPage,
    crash,
    /** The driver's process: MiniBrowser and its web processes run below it. */
    pid: () => webkit.pid,
    close: () =>
      closeWithin(
        queue.then(() => driver.deleteSession()),
        15000,
        'WebKit',
        () => {},
      ).finally(() => webkit.stop()),
  };
}
