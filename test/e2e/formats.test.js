// The payload formats from the CDN (README, "Payload formats"): `cbor` and `sparkplug` are files
// of their own beside the bundles (cdn/mqtt-format-cbor.js, cdn/mqtt-format-sparkplug.js), which
// the ES module and the classic IIFE script alike load from beside themselves on first use (a
// classic script's `import()` resolves against the script's URL), under the strict CSP of the
// README's Security section (no `unsafe-eval`: Sparkplug is read without protobufjs). The page
// publishes with <mqtt-publish format> and decodes what comes back; a page that names no format
// downloads neither file. Chromium, Firefox and WebKit, against mosquitto. After `npm run build`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inEachBrowser, pageAndBroker } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
for (const file of ['cdn/mqtt-elements.js', 'cdn/mqtt-elements.iife.js', 'cdn/mqtt-format-cbor.js', 'cdn/mqtt-format-sparkplug.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

const LOADERS = {
  esm: '<script type="module" src="/cdn/mqtt-elements.js"></script>',
  iife: '<script src="/cdn/mqtt-elements.iife.js"></script>',
};
const CSP = "default-src 'self'; script-src 'self'; connect-src ws: wss:; require-trusted-types-for 'script'; trusted-types lit-html";

function page(loader, withFormats, { url, clientId }) {
  const elements = withFormats
    ? `<mqtt-subscribe id="c" topic="${clientId}/c" format="cbor" path="n"></mqtt-subscribe>
  <mqtt-subscribe id="s" topic="${clientId}/s" format="sparkplug" path="metrics.level"></mqtt-subscribe>
  <mqtt-publish id="pc" topic="${clientId}/c" format="cbor" qos="1"></mqtt-publish>
  <mqtt-publish id="ps" topic="${clientId}/s" format="sparkplug" qos="1"></mqtt-publish>`
    : `<mqtt-subscribe id="c" topic="${clientId}/c" format="json"></mqtt-subscribe>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>formats, ${loader}</title>
${LOADERS[loader]}
</head><body>
<mqtt-connection url="${url}" client-id="${clientId}">
  ${elements}
</mqtt-connection>
</body></html>`;
}

/** The format files the page requested. */
const formatFiles = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname)
    .filter((path) => path.includes('mqtt-format-'))
    .sort();

describe('payload formats from the CDN bundles', () => {
  const site = pageAndBroker(root, (pathname, url, mosquitto) => {
    const match = /^\/formats\/(esm|iife)(-none)?\.html$/.exec(pathname);
    if (!match) return undefined;
    return page(match[1], !match[2], { url: mosquitto.wsUrl, clientId: url.searchParams.get('id') });
  });

  inEachBrowser((browserName, browser) => {
    for (const loader of Object.keys(LOADERS)) {
      it(`${loader}: cbor and sparkplug load from beside the bundle under a strict CSP, encode and decode`, async () => {
        const clientId = `fmt-${browserName.slice(0, 2)}-${loader}-${Math.random().toString(16).slice(2, 8)}`;
        const tab = await browser().newPage();
        try {
          await tab.goto(`${site.base}/formats/${loader}.html?id=${clientId}`);
          await tab.waitFor(() => [...document.querySelectorAll('mqtt-subscribe')].every((el) => el.getAttribute('status') === 'subscribed'));
          await tab.evaluate(async () => {
            await document.querySelector('#pc').publish({ n: 2n ** 60n + 1n });
            await document.querySelector('#ps').publish({ metrics: [{ name: 'level', type: 'Int16', value: -7 }] });
          });
          await tab.waitFor(() => document.querySelector('#c').textContent === '1152921504606846977' && document.querySelector('#s').textContent === '-7');
          assert.deepEqual(await tab.evaluate(formatFiles), ['/cdn/mqtt-format-cbor.js', '/cdn/mqtt-format-sparkplug.js']);
          assert.deepEqual(await tab.evaluate(() => [...document.querySelectorAll('mqtt-subscribe, mqtt-publish')].map((el) => el.error?.message ?? null)), [null, null, null, null]);
          assert.deepEqual(tab.errors, []);
          if (loader === 'iife') assert.equal(await tab.evaluate(() => typeof window.MqttElements?.registerFormat), 'function', 'window.MqttElements.registerFormat');
        } finally {
          await tab.close();
        }
      });

      it(`${loader}: a page that names no format downloads neither file`, async () => {
        const clientId = `fmt-none-${browserName.slice(0, 2)}-${loader}-${Math.random().toString(16).slice(2, 8)}`;
        const tab = await browser().newPage();
        try {
          await tab.goto(`${site.base}/formats/${loader}-none.html?id=${clientId}`);
          await tab.waitFor(() => document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed');
          assert.deepEqual(await tab.evaluate(formatFiles), []);
        } finally {
          await tab.close();
        }
      });
    }
  });
});
