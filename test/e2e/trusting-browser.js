// A second browser for the TLS cases of the whole-page tests, started with what support.js's
// browsers deliberately lack: trust in one test certificate, and a made-up host name that
// resolves to 127.0.0.1 (to reproduce mixed content, which browsers waive for loopback names).
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from '../../scripts/browsers.js';
import { killTree } from '../../scripts/kill-tree.js';
import { closeWithin } from '../../scripts/time-limit.js';

/** The page API of support.js's pages (goto, evaluate, waitFor, errors), plus close. */
function adapt(page, kind) {
  const adapted = {
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout = 10000) =>
      kind === 'playwright'
        ? page.waitForFunction(fn, arg, { timeout, polling: 50 })
        : page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    close: () => page.close(),
    errors: [],
  };
  page.on('pageerror', (e) => adapted.errors.push(String(e?.message ?? e)));
  return adapted;
}

/**
 * Starts `name` (chromium, firefox) trusting the server key whose SPKI hash is `spki` and
 * resolving each of `hosts` to 127.0.0.1. Chromium: --ignore-certificate-errors-spki-list and
 * --host-resolver-rules. Firefox has no per-key trust: it accepts every certificate
 * (acceptInsecureCerts) and maps the names with network.dns.localDomains.
 */
export async function launchTrustingBrowser(name, { spki, hosts }) {
  if (name === 'chromium') {
    const args = [
      ...CHROMIUM_ARGS,
      `--ignore-certificate-errors-spki-list=${spki}`,
      `--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
    ];
    // launchServer, unlike launch, tells the browser's pid: a hung close can then be ended.
    const server = await chromium.launchServer({ executablePath: CHROMIUM, args });
    const browser = await chromium.connect(server.wsEndpoint());
    return {
      newPage: async () => adapt(await browser.newPage(), 'playwright'),
      close: () => closeWithin(server.close(), 15000, 'trusting Chromium', () => killTree(server.process().pid)),
    };
  }
  if (name === 'firefox') {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: { 'network.dns.localDomains': hosts.join(',') },
    });
    return {
      newPage: async () => adapt(await browser.newPage(), 'puppeteer'),
      close: () => closeWithin(browser.close(), 15000, 'trusting Firefox', () => killTree(browser.process()?.pid)),
    };
  }
  throw new Error(`unknown browser ${name} (use chromium, firefox)`);
}
