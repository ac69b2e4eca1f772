// Browsers whose tabs all open in one browser context, as a user's tabs do: a BroadcastChannel or
// a Web Lock reaches from one tab to the others. (support.js's Playwright launcher gives each page
// a context of its own, which would isolate them.) Used by tabs.test.js and shared.test.js.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from '../../scripts/browsers.js';
import { descendants, killTree } from '../../scripts/kill-tree.js';
import { closeWithin } from '../../scripts/time-limit.js';
import { launchWebKit } from '../../scripts/webkit-pages.js';

/** The bit of Playwright's and Puppeteer's page APIs used here. */
function adapt(page, crash) {
  const tab = {
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    close: () => page.close(),
    /** Kills the page's process, with no unload and no goodbye (resolves once it is dead). */
    crash: () => crash(page),
    errors: [],
  };
  page.on('pageerror', (e) => tab.errors.push(String(e?.message ?? e)));
  return tab;
}

/**
 * A browser whose tabs all open in one browser context, so that a BroadcastChannel reaches from
 * one to the other as between two tabs of a user's browser. (support.js's Playwright launcher
 * gives each page a context of its own, which would isolate them.) `close()` is bounded.
 */
export const launchers = {
  chromium: async () => {
    const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const browser = await chromium.connect(server.wsEndpoint());
    const context = await browser.newContext();
    return {
      newTab: async () =>
        adapt(await context.newPage(), async (page) => {
          const crashed = new Promise((resolve) => page.once('crash', resolve));
          const cdp = await context.newCDPSession(page);
          cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
          await crashed;
        }),
      /** The browser's main process: its tree is what the tabs cost. */
      pid: () => server.process().pid,
      close: () => closeWithin(server.close(), 15000, 'Chromium', () => killTree(server.process().pid)),
    };
  },
  firefox: async () => {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
    const context = browser.defaultBrowserContext();
    return {
      // Firefox has no crash command: its web content processes are SIGKILLed (every tab's, as
      // a content-process crash takes all the tabs it holds; the browser opens new ones).
      newTab: async () =>
        adapt(await context.newPage(), async () => {
          for (const pid of descendants(browser.process().pid)) {
            let args = '';
            try {
              args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            } catch {
              continue; // ended while we looked
            }
            if (args.includes('\0-contentproc\0') && args.includes('\0-isForBrowser\0')) process.kill(pid, 'SIGKILL');
          }
        }),
      pid: () => browser.process()?.pid,
      close: () => closeWithin(browser.close(), 15000, 'Firefox', () => killTree(browser.process()?.pid)),
    };
  },
  // WebDriver classic's tabs of one session share storage, BroadcastChannel and Web Locks; its
  // crash SIGKILLs the web content processes, as Firefox's above.
  webkit: () => launchWebKit(),
};

