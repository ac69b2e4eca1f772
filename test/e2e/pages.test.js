// Whole pages, no bundler: static HTML written from SPEC.md alone loads the built package (the
// CDN ES module, the classic IIFE script, dist/ through an import map) in Chromium and Firefox,
// connects to a stock mosquitto, and exchanges messages with mosquitto_pub/mosquitto_sub peers.
// Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import puppeteer from 'puppeteer-core';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from '../../scripts/browsers.js';
import { closeWithin, killDescendants } from '../../scripts/kill-tree.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pagesDir = fileURLToPath(new URL('./pages/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' };
const PAGES = ['cdn-esm', 'cdn-iife', 'dist-importmap'];
const wanted = (process.env.BROWSERS ?? 'chromium,firefox').split(',').map((b) => b.trim());

for (const file of ['cdn/mqtt-elements.js', 'cdn/mqtt-elements.iife.js', 'dist/index.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

/** Serves the repository read-only; pages get the broker URL and a per-load id filled in. */
function serve(vars) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/pages/')) {
      const name = normalize(url.pathname.slice('/pages/'.length)).replace(/^(\.\.[/\\])+/, '');
      const body = readFileSync(join(pagesDir, 'body.html'), 'utf8');
      const html = readFileSync(join(pagesDir, name), 'utf8')
        .replace('{{BODY}}', body)
        .replace(/\{\{(\w+)\}\}/g, (_, key) => url.searchParams.get(key) ?? vars[key] ?? '');
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const path = normalize(join(root, url.pathname));
    if (!path.startsWith(root) || !existsSync(path)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The part of Playwright's and Puppeteer's page APIs these tests use, made one. */
function adapt(page, kind) {
  return {
    goto: (url) => page.goto(url),
    click: (selector) => page.click(selector),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout = 10000) =>
      kind === 'playwright'
        ? page.waitForFunction(fn, arg, { timeout, polling: 50 })
        : page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    errors: [],
  };
}

/** SIGKILLs a browser and everything it started. */
const killBrowser = (pid) => {
  if (!pid) return;
  killDescendants(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

const launchers = {
  chromium: async () => {
    // launchServer, unlike launch, tells the browser's pid: a hung close can then be ended.
    const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const browser = await chromium.connect(server.wsEndpoint());
    return {
      newPage: async () => adaptWithErrors(await browser.newPage(), 'playwright'),
      close: () => closeWithin(server.close(), 15000, 'Chromium', () => killBrowser(server.process().pid)),
    };
  },
  firefox: async () => {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
    return {
      newPage: async () => adaptWithErrors(await browser.newPage(), 'puppeteer'),
      close: () => closeWithin(browser.close(), 15000, 'Firefox', () => killBrowser(browser.process()?.pid)),
    };
  },
};

function adaptWithErrors(page, kind) {
  const adapted = adapt(page, kind);
  page.on('pageerror', (e) => adapted.errors.push(String(e?.message ?? e)));
  return adapted;
}

describe('whole pages against mosquitto', () => {
  let mosquitto;
  let server;
  let base;
  before(async () => {
    mosquitto = await startMosquitto();
    server = await serve({ WS_URL: mosquitto.wsUrl });
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    server?.close();
    await mosquitto?.close();
  });

  const run = (bin, args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), ...args]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}`))));
    });
  const pub = (topic, message) => run('/usr/bin/mosquitto_pub', ['-t', topic, '-m', message]);
  const logHas = async (text, timeout = 5000) => {
    const deadline = Date.now() + timeout;
    while (!mosquitto.log().some((line) => line.includes(text))) {
      if (Date.now() > deadline) throw new Error(`mosquitto never logged "${text}"`);
      await new Promise((r) => setTimeout(r, 25)); // polling the broker's log: it has no event
    }
  };

  for (const browserName of wanted) {
    describe(browserName, () => {
      let browser;
      before(async () => {
        if (!launchers[browserName]) throw new Error(`unknown browser ${browserName}`);
        browser = await launchers[browserName]();
      });
      // Bounded: a browser that does not answer its close command must not hold the run open.
      after(() => browser?.close());

      for (const pageName of PAGES) {
        it(`${pageName}: connects, shows values, binds, publishes`, async () => {
          const runId = `e2e-${browserName}-${pageName}-${Math.random().toString(16).slice(2, 8)}`;
          const clientId = runId.slice(0, 23);
          const page = await browser.newPage();
          await page.goto(`${base}/pages/${pageName}.html?RUN=${runId}&CLIENT_ID=${clientId}`);
          await page.waitFor(() => document.querySelector('mqtt-connection')?.getAttribute('status') === 'connected');
          await page.waitFor(() =>
            [...document.querySelectorAll('mqtt-subscribe')].every((s) => s.getAttribute('status') === 'subscribed'),
          );
          // The broker saw exactly one SUBSCRIBE per filter from this page's client.
          await logHas(`Received SUBSCRIBE from ${clientId}`);

          // A value from an outside peer, through a wildcard and a JSON path.
          await pub(`${runId}/home/kitchen/temperature`, '{"celsius": 21.5}');
          await page.waitFor(() => document.querySelector('#temp').textContent === '21.5');

          // A binding: the device reports the lamp on.
          await pub(`${runId}/home/light/state`, 'true');
          await page.waitFor(() => document.querySelector('#lamp').checked === true);

          // A publish: unticking the box sends `false`, seen by mosquitto_sub.
          const subId = `sub-${runId}`.slice(0, 23);
          const received = run('/usr/bin/mosquitto_sub', ['-i', subId, '-t', `${runId}/home/light/set`, '-C', '1', '-W', '10']);
          await logHas(`Received SUBSCRIBE from ${subId}`);
          await page.click('#lamp');
          assert.equal((await received).trim(), 'false');

          // Untrusted payload: shown as text, never parsed as HTML.
          await pub(`${runId}/home/kitchen/temperature`, '{"celsius": "<img src=x onerror=window.pwned=1>"}');
          await page.waitFor(() => document.querySelector('#temp').textContent.startsWith('<img'));
          assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
          assert.equal(await page.evaluate(() => window.pwned), undefined);

          if (pageName === 'cdn-iife') {
            const names = await page.evaluate(() => Object.keys(window.MqttElements ?? {}));
            for (const name of ['MqttConnectionElement', 'MqttSubscribeElement', 'MqttPublishElement']) {
              assert.ok(names.includes(name), `window.MqttElements.${name}`);
            }
          }
          assert.deepEqual(page.errors, []);
        });
      }
    });
  }
});
