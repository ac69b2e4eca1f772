// Pages with a strict Content Security Policy (README: Security, and Background tabs). The
// three ways of loading the package — the CDN ES module, the classic IIFE script, dist/ through an
// import map — connect under Trusted Types and with workers forbidden, and keep their keepalive:
// mosquitto counts the PINGREQs of a 2 s keepalive over 5 s (one a second: the ping goes out a
// second early, for proxies) and sees no second CONNECT.
// Run after `npm run build` (npm test does both).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inEachBrowser, pageAndBroker } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const IMPORT_MAP = JSON.stringify({
  imports: {
    lit: '/node_modules/lit/index.js',
    'lit/': '/node_modules/lit/',
    'lit-html': '/node_modules/lit-html/lit-html.js',
    'lit-html/': '/node_modules/lit-html/',
    'lit-element/': '/node_modules/lit-element/',
    '@lit/reactive-element': '/node_modules/@lit/reactive-element/reactive-element.js',
    '@lit/reactive-element/': '/node_modules/@lit/reactive-element/',
    '@lit/context': '/node_modules/@lit/context/index.js',
    mqtt: '/node_modules/mqtt/dist/mqtt.esm.js',
  },
});
// An inline import map is a script: `script-src 'self'` admits it only by its hash.
const IMPORT_MAP_HASH = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;

const LOADERS = {
  'cdn-esm': '<script type="module" src="/cdn/mqtt-elements.js"></script>',
  'cdn-iife': '<script src="/cdn/mqtt-elements.iife.js"></script>',
  'dist-importmap': `<script type="importmap">${IMPORT_MAP}</script><script type="module" src="/dist/index.js"></script>`,
};

/** The policy the README's Security section names, and the field issue's; `lit-html` is the one Trusted Types policy the bundles create. */
const STRICT = "default-src 'self'; script-src 'self' SCRIPT; connect-src ws: wss:; require-trusted-types-for 'script'; trusted-types lit-html";
const POLICIES = {
  'trusted-types': STRICT,
  'no-workers': `${STRICT}; worker-src 'none'`,
};

function page(loader, policy, vars) {
  const csp = POLICIES[policy].replace('SCRIPT', loader === 'dist-importmap' ? IMPORT_MAP_HASH : '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${loader} under ${policy}</title>
${LOADERS[loader]}
</head><body>
<mqtt-connection url="${vars.url}" client-id="${vars.clientId}" keepalive="2">
  <mqtt-subscribe topic="${vars.clientId}/t">–</mqtt-subscribe>
</mqtt-connection>
</body></html>`;
}

describe('pages under a strict CSP keep their connection and keepalive', () => {
  const site = pageAndBroker(root, (pathname, url, mosquitto) => {
    const match = /^\/csp\/([\w-]+)\/([\w-]+)\.html$/.exec(pathname);
    if (!match || !LOADERS[match[2]] || !POLICIES[match[1]]) return undefined;
    return page(match[2], match[1], { url: mosquitto.wsUrl, clientId: url.searchParams.get('id') });
  });

  const count = (text) => site.mosquitto.log().filter((line) => line.includes(text)).length;

  inEachBrowser((browserName, browser) => {
    for (const policy of Object.keys(POLICIES)) {
      for (const loader of Object.keys(LOADERS)) {
        // One page at a time: a tab opened after it would hide it, and hidden tabs' own timers are
        // throttled (which is what the worker of src/transport/keepalive-timer.ts is for, where a
        // CSP allows one; these policies do not).
        it(`${loader} under ${policy}: connects, subscribes, and pings every second for 5 s`, async () => {
          const clientId = `csp-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 10)}`;
          const tab = await browser().newPage();
          await tab.goto(`${site.base}/csp/${policy}/${loader}.html?id=${clientId}`);
          await tab.waitFor(() => document.querySelector('mqtt-subscribe')?.getAttribute('status') === 'subscribed');
          const pingsBefore = count(`Received PINGREQ from ${clientId}`);
          const started = Date.now();
          // Waiting on the clock is the point here: nothing but keepalive happens meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 5000));
          const pings = count(`Received PINGREQ from ${clientId}`) - pingsBefore;
          assert.ok(pings >= 3, `${pings} PINGREQs in ${Date.now() - started} ms with keepalive 2 (expected about 5: one a second)`);
          assert.equal(count(` as ${clientId} (`), 1, 'one CONNECT: the connection never dropped');
          assert.equal(await tab.evaluate(() => document.querySelector('mqtt-connection').status), 'connected');
          assert.deepEqual(tab.errors, []);
        });
      }
    }
  });
});
