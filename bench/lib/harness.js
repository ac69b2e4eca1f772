// What every benchmark needs: the build, a private mosquitto, a static server for the pages and
// Debian's Chromium driven by Playwright. Plain ESM so Node runs it without a compile step.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../../scripts/escape-html.js';
import { startMosquitto } from '../../scripts/mosquitto.js';
import { CHROMIUM_UNTHROTTLING_ARGS } from '../../scripts/browsers.js';
import { launchPlaywrightChromium } from '../../scripts/launch-browser.js';
import { startStaticServer } from '../../scripts/static-server.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const pagesDir = fileURLToPath(new URL('../pages/', import.meta.url));

/** Where the benchmark's own builds of cdn/ go (gitignored): the real one and the ablations. */
export const cdnDir = join(root, 'bench/.cdn');
const ablationDir = (name) => join(root, `bench/.cdn-${name}`);
/** The ablation builds, each served at /cdn-<name>/ (see bench/vite.ablation.config.js). */
export const ABLATIONS = ['mqttjs-transport', 'no-batching'];

/**
 * The P1 receive page of a variant (`ceiling`, `mqttjs`, `elements`, `elements-<ablation>`) and
 * the query that goes with it: an ablation is the elements page loading its own build.
 */
export function receivePage(variant) {
  const ablation = ABLATIONS.find((a) => variant === `elements-${a}`);
  if (ablation) return { path: 'receive-elements.html', params: { cdn: `/cdn-${ablation}` } };
  return { path: `receive-${variant}.html`, params: {} };
}

function vite(config, outDir, env = {}) {
  execFileSync('npx', ['vite', 'build', '--config', config, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
}

/**
 * Builds the CDN bundle from the working tree into bench/.cdn with the project's own Vite
 * config, the artifact `npm run build:cdn` makes. A private copy: other work may be reading
 * cdn/ at the same time, and it must not vanish under them for a rebuild. Pages still ask for
 * /cdn/mqtt-elements.js, as a user's page would; the server answers from this copy. With
 * `ablations`, also the builds that P1 compares it with.
 */
export function buildCdn({ ablations = [], unminified = false } = {}) {
  // Unminified (for bench:profile): the same bundle, with functions keeping their names.
  vite(unminified ? 'bench/vite.profile.config.js' : 'vite.config.ts', cdnDir);
  for (const name of ablations) {
    vite('bench/vite.ablation.config.js', ablationDir(name), { BENCH_ABLATION: name, BENCH_UNMINIFIED: unminified ? '1' : '' });
  }
}

/** Where P5's bundled app goes (gitignored), served at /bundled/. */
export const bundledDir = join(root, 'bench/.bundled');

/**
 * P5's bundled app (bench/bundled-app/main.js: `import 'mqtt-elements'` as dist/ has it), built by
 * Vite with nothing but an entry and an output, as an app's bundler would: its lazy chunks beside
 * it. Needs dist/ (`npm run build:dist`).
 */
export async function buildBundledApp() {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run build:dist first');
  const { build } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    build: {
      outDir: bundledDir,
      emptyOutDir: true,
      rolldownOptions: { input: join(root, 'bench/bundled-app/main.js'), output: { entryFileNames: 'main.js' } },
    },
  });
}

/**
 * Also builds cdn/mqtt-chart.js into bench/.cdn, beside the main bundle it imports (the second
 * half of `npm run build:cdn`): the P7 dashboard loads both. Run after `buildCdn`, which empties
 * the folder.
 */
export function buildChartCdn() {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.config.ts', '--mode', 'chart', '--outDir', cdnDir, '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Serves the repository read-only on 127.0.0.1. Pages under /pages/ are bench/pages/*.html with
 * `{{name}}` replaced by the (escaped) query parameter of that name (`{{name|fallback}}`: or the
 * fallback), so the markup is static HTML as a user would write it, with the broker URL filled in.
 */
export function serve() {
  const mounts = { '/cdn/': cdnDir, '/bundled/': bundledDir };
  for (const name of ABLATIONS) mounts[`/cdn-${name}/`] = ablationDir(name);
  return startStaticServer({
    root,
    mounts,
    render: (pathname, url) => {
      if (!pathname.startsWith('/pages/')) return undefined;
      const name = normalize(pathname.slice('/pages/'.length)).replace(/^(\.\.[/\\])+/, '');
      const file = join(pagesDir, name);
      if (!existsSync(file)) return undefined; // 404: there is no /pages/ under the root
      return readFileSync(file, 'utf8').replace(/\{\{(\w+)(?:\|([^}]*))?\}\}/g, (_, key, fallback) => escapeHtml(url.searchParams.get(key) ?? fallback ?? ''));
    },
    headers: (pathname) => (pathname.startsWith('/pages/') ? { 'cache-control': 'no-store' } : {}),
  });
}

/** TOOLCHAIN.md's flags for Debian's Chromium (scripts/launch-browser.js); one renderer per page. */
export function launchChromium() {
  // A page kept waiting on the broker must not be throttled as if it were in the background.
  return launchPlaywrightChromium(CHROMIUM_UNTHROTTLING_ARGS);
}

export { startMosquitto };

/** Load average over the last minute, and the processes using the CPU besides us. */
export function machineLoad() {
  let busy = [];
  try {
    busy = execFileSync('ps', ['-eo', 'pid,pcpu,comm', '--sort=-pcpu', '--no-headers'])
      .toString()
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, cpu]) => Number(cpu) >= 20 && Number(pid) !== process.pid)
      .map(([pid, cpu, comm]) => `${comm}(${pid}) ${cpu}%`);
  } catch {
    // ps missing: the load average alone has to do
  }
  return { load1: loadavg()[0], busy };
}

/** Median, min and max of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

/** Every wait in the benchmark is bounded (scripts/time-limit.js). */
export { within } from '../../scripts/time-limit.js';
