// The elements inside framework apps, through a bundler: a React 19 app using the wrappers of
// `mqtt-elements/react` and a Vue 3 app using the tags, each built by Vite from test/e2e/apps/
// against the built dist/ (as an installed package resolves), run in Chromium and Firefox against
// a stock mosquitto. Each checks what the framework must get right: a rich property reaches the
// element as an object, the events reach the app's state, and a click publishes.
// Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { inEachBrowser, mosquittoPeers, serveStatic } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const appsDir = fileURLToPath(new URL('./apps/', import.meta.url));
const APPS = ['react', 'vue'];

for (const file of ['dist/index.js', 'dist/react.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

/** Builds test/e2e/apps/<name> with Vite into `outDir`/<name>, as an app's own build would. */
async function buildApp(name, outDir) {
  await build({
    root: join(appsDir, name),
    base: './',
    configFile: false,
    logLevel: 'warn',
    resolve: {
      alias: [
        // The package as installed: its built entry points, not its sources.
        { find: /^mqtt-elements$/, replacement: join(root, 'dist/index.js') },
        { find: /^mqtt-elements\/react$/, replacement: join(root, 'dist/react.js') },
        // Vue's full build compiles the app's template in the browser.
        { find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' },
      ],
    },
    define: {
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    build: {
      outDir: join(outDir, name),
      emptyOutDir: true,
      minify: true,
      // One chunk on purpose (framework, MQTT.js and the elements: over 500 KB minified); Vite's
      // 500 KB advice about splitting it is not what this test is about.
      chunkSizeWarningLimit: 1024,
    },
  });
}

describe('inside framework apps, bundled by Vite, against mosquitto', () => {
  let outDir;
  let mosquitto;
  let peers;
  let server;
  let base;
  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'mqtt-elements-apps-'));
    for (const name of APPS) await buildApp(name, outDir);
    mosquitto = await startMosquitto();
    peers = mosquittoPeers(mosquitto);
    ({ server, base } = await serveStatic(outDir));
  });
  after(async () => {
    server?.close();
    await mosquitto?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  inEachBrowser((browserName, browser) => {
    for (const app of APPS) {
      it(`${app}: a property object, events into the app's state, a click that publishes`, async () => {
        const run = `fw-${browserName}-${app}-${Math.random().toString(16).slice(2, 8)}`;
        const client = run.slice(0, 23);
        const page = await browser().newPage();
        await page.goto(`${base}/${app}/index.html?${new URLSearchParams({ url: mosquitto.wsUrl, run, client })}`);

        // mqtt-status reached the app, which rendered it.
        await page.waitFor(() => document.querySelector('#status')?.textContent === 'connected');
        await page.waitFor(() => document.querySelector('#sub')?.getAttribute('status') === 'subscribed');
        // `options` arrived as the object the app passed, and the client was made with it.
        const keepalive = await page.evaluate(() => {
          const conn = document.querySelector('#conn');
          return { element: conn.options?.keepalive, client: conn.client?.options.keepalive };
        });
        assert.deepEqual(keepalive, { element: 42, client: 42 });
        await peers.logHas(`as ${client} (p2, c1, k42)`);

        // A message from an outside peer, decoded by the element, through the event into state.
        await peers.pub(`${run}/value`, '{"v": 7}');
        await page.waitFor(() => document.querySelector('#value')?.textContent === '7');

        // A click inside <mqtt-publish> publishes; mqtt-published reaches the app.
        const { received, subscribed } = peers.firstMessage(`${run}/set`, `sub-${run}`.slice(0, 23));
        await subscribed;
        await page.click('#press');
        assert.equal(await received, 'pressed');
        await page.waitFor(() => document.querySelector('#published')?.textContent === '1');

        assert.deepEqual(page.errors, []);
      });
    }
  });
});
