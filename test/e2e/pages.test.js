// Whole pages, no bundler: static HTML written from the README alone loads the built package (the
// CDN ES module, the classic IIFE script, dist/ through an import map) in Chromium and Firefox,
// connects to a stock mosquitto, and exchanges messages with mosquitto_pub/mosquitto_sub peers.
// Run after `npm run build` (npm test does both).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inEachBrowser, pageAndBroker } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pagesDir = fileURLToPath(new URL('./pages/', import.meta.url));
const PAGES = ['cdn-esm', 'cdn-iife', 'dist-importmap'];

for (const file of ['cdn/mqtt-elements.js', 'cdn/mqtt-elements.iife.js', 'dist/index.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

/** /pages/<name>.html: the page with the shared body and the broker URL and per-load ids filled in. */
function renderPage(pathname, url, vars) {
  if (!pathname.startsWith('/pages/')) return undefined;
  const name = normalize(pathname.slice('/pages/'.length)).replace(/^(\.\.[/\\])+/, '');
  const body = readFileSync(join(pagesDir, 'body.html'), 'utf8');
  return readFileSync(join(pagesDir, name), 'utf8')
    .replace('{{BODY}}', body)
    .replace(/\{\{(\w+)\}\}/g, (_, key) => url.searchParams.get(key) ?? vars[key] ?? '');
}

describe('whole pages against mosquitto', () => {
  // The repository read-only: the pages load cdn/, dist/ and node_modules/ from it.
  const site = pageAndBroker(root, (pathname, url, mosquitto) => renderPage(pathname, url, { WS_URL: mosquitto.wsUrl }));

  inEachBrowser((browserName, browser) => {
    for (const pageName of PAGES) {
      it(`${pageName}: connects, shows values, binds, publishes`, async () => {
        const runId = `e2e-${browserName}-${pageName}-${Math.random().toString(16).slice(2, 8)}`;
        const clientId = runId.slice(0, 23);
        const page = await browser().newPage();
        await page.goto(`${site.base}/pages/${pageName}.html?RUN=${runId}&CLIENT_ID=${clientId}`);
        await page.waitFor(() => document.querySelector('mqtt-connection')?.getAttribute('status') === 'connected');
        await page.waitFor(() =>
          [...document.querySelectorAll('mqtt-subscribe')].every((s) => s.getAttribute('status') === 'subscribed'),
        );
        // The broker saw exactly one SUBSCRIBE per filter from this page's client.
        await site.peers.logHas(`Received SUBSCRIBE from ${clientId}`);

        // A value from an outside peer, through a wildcard and a JSON path.
        await site.peers.pub(`${runId}/home/kitchen/temperature`, '{"celsius": 21.5}');
        await page.waitFor(() => document.querySelector('#temp').textContent === '21.5');

        // A binding: the device reports the lamp on.
        await site.peers.pub(`${runId}/home/light/state`, 'true');
        await page.waitFor(() => document.querySelector('#lamp').checked === true);

        // A publish: unticking the box sends `false`, seen by mosquitto_sub.
        const { received, subscribed } = site.peers.firstMessage(`${runId}/home/light/set`, `sub-${runId}`.slice(0, 23));
        await subscribed;
        await page.click('#lamp');
        assert.equal(await received, 'false');

        // Untrusted payload: shown as text, never parsed as HTML.
        await site.peers.pub(`${runId}/home/kitchen/temperature`, '{"celsius": "<img src=x onerror=window.pwned=1>"}');
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
});
