// The elements inside an Angular 21 app and a Svelte 5 app, each built by its own usual tooling
// against the built dist/, run in Chromium and Firefox against a stock mosquitto:
// - Angular: a standalone component with CUSTOM_ELEMENTS_SCHEMA, zoneless, compiled ahead of time
//   by Angular's application builder (`@angular/build:application`, what `ng build` runs), driven
//   here through Angular's Architect API from the app's own angular.json. The Angular CLI itself
//   (`ng`) is not a dev dependency: it would add about 200 packages to start the same builder.
// - Svelte: Vite with `@sveltejs/vite-plugin-svelte`.
// Both apps import `mqtt-elements` by name and get it as an installed package would: through
// package.json's `exports`, i.e. dist/ (the apps live inside this package, so the name resolves
// to the package itself).
// Each proves what the framework must get right, through to the broker: `options` set as a
// property reaches the client (keepalive 42 in mosquitto's CONNECT log), a message reaches the
// app's state and template, a click publishes, a topic switch moves the subscription
// (UNSUBSCRIBE, SUBSCRIBE), and removing the elements closes the connection (DISCONNECT), with no
// page or console errors. Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Architect } from '@angular-devkit/architect';
// Both packages are CommonJS without `exports`: their subpaths need the file name.
import { WorkspaceNodeModulesArchitectHost } from '@angular-devkit/architect/node/index.js';
import { logging, schema, workspaces } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node/index.js';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { inEachBrowser, mosquittoPeers, serveStatic } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const appsDir = fileURLToPath(new URL('./apps/', import.meta.url));

if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run build first');

/**
 * Builds test/e2e/apps/angular with Angular's application builder, as `ng build` would: the
 * workspace's angular.json, its `app:build` target, with only the output directory moved.
 * The page is then at `outDir`/angular/browser/index.html.
 */
async function buildAngular(outDir) {
  const workspaceRoot = join(appsDir, 'angular');
  const registry = new schema.CoreSchemaRegistry();
  registry.addPostTransform(schema.transforms.addUndefinedDefaults);
  const { workspace } = await workspaces.readWorkspace(
    workspaceRoot,
    workspaces.createWorkspaceHost(new NodeJsSyncHost()),
  );
  const architect = new Architect(new WorkspaceNodeModulesArchitectHost(workspace, workspaceRoot), registry);
  const logger = new logging.Logger('angular');
  const problems = [];
  logger.subscribe((entry) => {
    if (entry.level === 'warn' || entry.level === 'error' || entry.level === 'fatal') problems.push(entry.message);
  });
  const run = await architect.scheduleTarget(
    { project: 'app', target: 'build' },
    { outputPath: join(outDir, 'angular'), progress: false },
    { logger },
  );
  try {
    const result = await run.result;
    if (!result.success) throw new Error(`the Angular build failed:\n${problems.join('\n')}`);
  } finally {
    await run.stop();
  }
  // A warning (a template binding Angular doubts, a budget) fails too: the app is the README's.
  assert.deepEqual(problems, [], 'Angular build warnings');
}

/** Builds test/e2e/apps/svelte with Vite and the Svelte plugin into `outDir`/svelte. */
async function buildSvelte(outDir) {
  await build({
    root: join(appsDir, 'svelte'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: join(outDir, 'svelte'),
      emptyOutDir: true,
      minify: true,
      // One chunk on purpose (Svelte, MQTT.js and the elements); Vite's 500 KB advice about
      // splitting it is not what this test is about.
      chunkSizeWarningLimit: 1024,
    },
  });
}

const APPS = [
  { name: 'angular', page: 'angular/browser/index.html' },
  { name: 'svelte', page: 'svelte/index.html' },
];

describe('inside Angular and Svelte apps, built by their own tooling, against mosquitto', () => {
  let outDir;
  let mosquitto;
  let peers;
  let server;
  let base;
  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'mqtt-elements-apps-'));
    // Side by side: the Angular builder spends much of its time in its worker threads.
    await Promise.all([buildAngular(outDir), buildSvelte(outDir)]);
    // What each app weighs, as test/node/bundled-app.test.js weighs the minimal apps (BENCHMARKS.md).
    for (const [name, dir] of [['Angular', 'angular/browser'], ['Svelte', 'svelte']]) {
      const files = readdirSync(join(outDir, dir), { recursive: true }).filter((file) => String(file).endsWith('.js'));
      const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(outDir, dir, String(file))), { level: 9 }).length, 0);
      console.log(`${name} app: ${bytes.toLocaleString('en')} B gzip -9 of its ${files.length} .js file(s)`);
    }
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
      it(`${app.name}: options as a property, a message into state, a click, a topic switch, unmounting`, async () => {
        const run = `fw-${browserName}-${app.name}-${Math.random().toString(16).slice(2, 8)}`;
        const client = run.slice(0, 23);
        const page = await browser().newPage();
        await page.goto(`${base}/${app.page}?${new URLSearchParams({ url: mosquitto.wsUrl, run, client })}`);

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
        await peers.logHas(`${client} 0 ${run}/a`);

        // A message from an outside peer, decoded by the element, through the event into state.
        await peers.pub(`${run}/a`, '{"v": 7}');
        await page.waitFor(() => document.querySelector('#value')?.textContent === '7');

        // A click inside <mqtt-publish> publishes; mqtt-published reaches the app.
        const { received, subscribed } = peers.firstMessage(`${run}/set`, `sub-${run}`.slice(0, 23));
        await subscribed;
        await page.click('#press');
        assert.equal(await received, 'pressed');
        await page.waitFor(() => document.querySelector('#published')?.textContent === '1');

        // The app switches the topic: the subscription moves at the broker, from a to b. mosquitto
        // logs "<client> <filter>" for an UNSUBSCRIBE, "<client> <qos> <filter>" for a SUBSCRIBE.
        await page.click('#switch');
        await peers.logHas(`${client} ${run}/a`);
        await peers.logHas(`${client} 0 ${run}/b`);
        await page.waitFor(() => document.querySelector('#sub')?.getAttribute('status') === 'subscribed');
        // Only b arrives now: a's message, published first, would have counted before b's.
        await peers.pub(`${run}/a`, '{"v": 1}');
        await peers.pub(`${run}/b`, '{"v": 8}');
        await page.waitFor(() => document.querySelector('#value')?.textContent === '8');
        assert.equal(await page.evaluate(() => document.querySelector('#count')?.textContent), '2');

        // The app removes the elements: the connection closes, the broker sees a DISCONNECT.
        await page.click('#unmount');
        await peers.logHas(`Received DISCONNECT from ${client}`);
        assert.equal(await page.evaluate(() => document.querySelector('mqtt-connection')), null);

        assert.deepEqual(page.errors, [], 'page errors');
        assert.deepEqual(page.consoleErrors, [], 'console errors');
      });
    }
  });
});
