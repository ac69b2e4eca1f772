// What a bundler app pays for the elements (docs/bundlers.md; issue 21's budget: ≤ 64,000 B gzip
// with Vite, esbuild or webpack 5, no bundler config). The package as published (`npm pack` of the
// built tree) is extracted into a fresh app's node_modules, its dependencies linked from ours (no
// network), and a minimal app is built by each bundler through its Node API with nothing but an
// entry, an output and production mode; the JavaScript a page of it runs at once (the entry and its
// static imports) is weighed with gzip -9 and summed, and so is every emitted .js. Beside each
// figure: the same page written with MQTT.js by hand (connect, subscribe, publish, one span), and
// the elements plus a client of the app's own from `mqtt-elements/mqtt` (MQTT.js once). Also
// proven: docs/bundlers.md's configs that give the elements the app's own `mqtt` (Vite's and
// esbuild's; webpack's with WEIGH_OWN_MQTT=webpack). Run after `npm run build`; about 30-60 s.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { packTarball } from '../../scripts/pack-tarball.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/**
 * The weight budget for the three elements (issue 21), enforced on what the page runs at once: the
 * main chunk and its static imports. Every emitted .js is printed beside it: Vite and webpack also
 * emit the lazy chunks (the store, `shared`, request/response, template rows), which a page that
 * never uses them never fetches; esbuild splits nothing without a config, so its one file is both.
 */
const BUDGET = 64000;
/**
 * esbuild without a config splits nothing, so its one file also carries the payload formats' code
 * (issue 24: `cbor` and `sparkplug` with cborg and @bufbuild/protobuf, about 14 KB gzip), which
 * Vite and webpack split off into chunks loaded when an element names such a format: its budget
 * counts them, and every other lazy part's (with their loaders): 79,239 B in all, once a fixed
 * client id's claims and MQTT 5's server references loaded on first use too; 80,6xx B once
 * Sparkplug's DataSet and Template values were decoded (the Sparkplug reader 5.4 → 6.2 KB gzip).
 * docs/bundlers.md says how to split them off (`splitting: true`).
 */
const ESBUILD_FORMATS = 17000;
/** The stand-in for MQTT.js's own transports (build/shims/mqtt-connect-only.cjs): only the lighter build has it. */
const LIGHTER_MARK = "MQTT.js's connect() is not in";

const BROKER = 'ws://127.0.0.1:9001/mqtt';
const APPS = {
  // The three elements, as the README's first page.
  elements: {
    html: `<mqtt-connection url="${BROKER}"><mqtt-subscribe topic="demo/temperature"></mqtt-subscribe><mqtt-publish topic="demo/light/set" payload="on">Light on</mqtt-publish></mqtt-connection>`,
    js: `import 'mqtt-elements';\n`,
  },
  // The same page by hand: what MQTT.js alone costs.
  'by hand': {
    html: '<span id="value"></span><button id="on">Light on</button>',
    js: `import mqtt from 'mqtt';
const client = mqtt.connect('${BROKER}');
client.on('connect', () => client.subscribe('demo/temperature'));
client.on('message', (topic, payload) => { document.getElementById('value').textContent = payload.toString(); });
document.getElementById('on').addEventListener('click', () => client.publish('demo/light/set', 'on'));
`,
  },
  // The elements and a client of the app's own, on the same MQTT.js.
  'elements + own client': {
    html: `<mqtt-connection url="${BROKER}"><mqtt-subscribe topic="demo/temperature"></mqtt-subscribe></mqtt-connection><button id="on">Light on</button>`,
    js: `import 'mqtt-elements';
import mqtt from 'mqtt-elements/mqtt';
const client = mqtt.connect('${BROKER}');
document.getElementById('on').addEventListener('click', () => client.publish('demo/light/set', 'on'));
`,
  },
};

/** Builds `dir`/src/main.js into `dir`/out-`name`; Vite from `dir`/index.html, as a Vite app is. */
const BUNDLERS = {
  async vite(dir, out, extra = {}) {
    await viteBuild({ root: dir, configFile: false, logLevel: 'silent', mode: 'production', build: { outDir: out }, ...extra });
  },
  async esbuild(dir, out, extra = {}) {
    await esbuild.build({ entryPoints: [join(dir, 'src/main.js')], outdir: out, bundle: true, minify: true, format: 'esm', logLevel: 'silent', ...extra });
  },
  async webpack(dir, out, extra = {}) {
    const compiler = webpack({ mode: 'production', context: dir, entry: './src/main.js', output: { path: out }, ...extra });
    const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
    await new Promise((resolve) => compiler.close(resolve));
    // Its performance hints (an asset over 244 KiB before gzip) are advice, not a failed build.
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    const problems = [...errors, ...warnings.filter((w) => !/exceed(s)? the recommended (size )?limit|performance recommendations/.test(w.message))];
    if (problems.length > 0) throw new Error(`webpack: ${problems.map((e) => e.message).join('\n')}`);
  },
};

/** Every .js file under `dir`. */
function jsFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((file) => String(file).endsWith('.js')).map((file) => join(dir, String(file)));
}

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * The .js files a page of the app runs at once: the entry (Vite: the module scripts and
 * modulepreloads of the built index.html; esbuild and webpack: main.js) and every file they import
 * statically, transitively. A dynamic `import()` (a lazy chunk: webpack loads its own through its
 * runtime, never by an `import` statement) is left out: a page that never uses the feature never
 * fetches it.
 */
function loadedAtOnce(out) {
  const html = join(out, 'index.html');
  const entries = existsSync(html)
    ? [...readFileSync(html, 'utf8').matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/?([^"]+\.js)"/g)].map((m) => join(out, m[1]))
    : [join(out, 'main.js')];
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    assert.ok(existsSync(file), `${file} (run by the page) was emitted`);
    seen.add(file);
    // Static imports and re-exports only: `import x from"./a.js"`, `import"./a.js"`, `export*from"./a.js"`.
    for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(join(file, '..', m[1]));
    }
  };
  entries.forEach(visit);
  assert.ok(seen.size > 0, `${out}: the page runs some JavaScript`);
  return [...seen];
}

/**
 * gzip -9 of the JavaScript the page runs at once, of every emitted .js (lazy chunks included),
 * and the code itself (to tell which MQTT.js is in).
 */
function weigh(out) {
  const files = jsFiles(out);
  assert.ok(files.length > 0, `${out} holds JavaScript`);
  const atOnce = loadedAtOnce(out);
  const code = files.map((file) => readFileSync(file, 'utf8'));
  return {
    bytes: atOnce.reduce((sum, file) => sum + gzipped(file), 0),
    emitted: files.reduce((sum, file) => sum + gzipped(file), 0),
    code: code.join('\n'),
  };
}

let work;
const appDirs = {};
const figures = {};

before(() => {
  for (const file of ['dist/index.js', 'dist/mqtt.js', 'dist/vendor/mqtt.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
  }
  work = mkdtempSync(join(tmpdir(), 'mqtt-elements-app-'));
  const tarball = packTarball(root, work);
  for (const [name, app] of Object.entries(APPS)) {
    const dir = join(work, name.replace(/\W+/g, '-'));
    const modules = join(dir, 'node_modules');
    mkdirSync(join(modules, 'mqtt-elements'), { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', join(modules, 'mqtt-elements'), '--strip-components=1']);
    // As `npm install mqtt-elements` would put them, without the network: ours, by link.
    for (const dependency of Object.keys(pkg.dependencies)) {
      mkdirSync(join(modules, dependency, '..'), { recursive: true });
      symlinkSync(join(root, 'node_modules', dependency), join(modules, dependency), 'dir');
    }
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(dir, 'index.html'), `<!doctype html>\n<html><body>${app.html}<script type="module" src="/src/main.js"></script></body></html>\n`);
    writeFileSync(join(dir, 'src/main.js'), app.js);
    appDirs[name] = dir;
  }
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  // Printed here, after the last build: the own-mqtt figures join each bundler's row.
  const rows = Object.entries(figures).map(([bundler, row]) => `  ${bundler.padEnd(8)} ${Object.entries(row).map(([app, bytes]) => `${app} ${bytes.toLocaleString('en')} B`).join(' | ')}`);
  if (rows.length > 0) console.log(`gzip -9 of the .js a page runs at once (budget ${BUDGET.toLocaleString('en')} B for the elements), and of every emitted .js:\n${rows.join('\n')}`);
});

for (const bundler of Object.keys(BUNDLERS)) {
  describe(`a minimal app built by ${bundler}`, () => {
    const built = {};
    before(async () => {
      figures[bundler] = {};
      for (const [name, dir] of Object.entries(appDirs)) {
        const out = join(dir, `out-${bundler}`);
        await BUNDLERS[bundler](dir, out);
        built[name] = weigh(out);
        figures[bundler][name] = built[name].bytes;
        figures[bundler][`${name}, every emitted .js`] = built[name].emitted;
      }
    });

    const budget = bundler === 'esbuild' ? BUDGET + ESBUILD_FORMATS : BUDGET;
    it(`weighs at most ${budget} B gzip with the three elements, on the lighter MQTT.js`, () => {
      const { bytes, emitted, code } = built.elements;
      assert.ok(code.includes(LIGHTER_MARK), "the package's build of MQTT.js is in the app");
      assert.ok(bytes <= budget, `${bytes} B gzip run at once > ${budget} B (every emitted .js: ${emitted} B; by hand: ${built['by hand'].bytes} B)`);
      assert.ok(bytes <= emitted, 'what runs at once was emitted');
    });

    it('loads MQTT.js once for the elements and a client from mqtt-elements/mqtt', () => {
      const both = built['elements + own client'];
      assert.ok(both.code.includes(LIGHTER_MARK));
      // MQTT.js's own browser bundle would add about 100 KB; a second client's few calls, little.
      assert.ok(both.bytes < built.elements.bytes + 2000, `${both.bytes} B against ${built.elements.bytes} B for the elements alone`);
    });
  });
}

/** docs/bundlers.md's configs that give the elements the app's own `mqtt`, as written there. */
const VENDOR_IMPORT = /^\.{1,2}\/vendor\/mqtt\.js$/;
const OWN_MQTT = {
  vite: { resolve: { alias: [{ find: VENDOR_IMPORT, replacement: 'mqtt' }] } },
  esbuild: {
    plugins: [
      {
        name: 'own-mqtt',
        setup(build) {
          build.onResolve({ filter: VENDOR_IMPORT }, (args) => build.resolve('mqtt', { kind: args.kind, resolveDir: args.resolveDir }));
        },
      },
    ],
  },
  // WEIGH_OWN_MQTT=webpack: its terser takes half a minute more, so not on every run.
  ...(process.env.WEIGH_OWN_MQTT === 'webpack' ? { webpack: { plugins: [new webpack.NormalModuleReplacementPlugin(VENDOR_IMPORT, 'mqtt')] } } : {}),
};

describe("docs/bundlers.md: the elements on the app's own mqtt", () => {
  for (const [bundler, extra] of Object.entries(OWN_MQTT)) {
    it(`${bundler} builds the elements with MQTT.js's own browser bundle instead of the package's`, async () => {
      const out = join(appDirs.elements, `out-${bundler}-own-mqtt`);
      await BUNDLERS[bundler](appDirs.elements, out, extra);
      const { bytes, code } = weigh(out);
      figures[bundler]['elements on own mqtt'] = bytes;
      assert.equal(code.includes(LIGHTER_MARK), false, "the package's build of MQTT.js is not in the app");
      assert.ok(bytes > figures[bundler].elements + 20000, `${bytes} B: MQTT.js's own browser bundle is in (lighter build: ${figures[bundler].elements} B)`);
    });
  }
});
