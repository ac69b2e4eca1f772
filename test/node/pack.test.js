// The package as published: `npm pack` the built tree, check that every file package.json names
// is in the tarball, install the tarball into a fresh project (its dependencies from the npm cache
// or registry) and import it there with Node. Run after `npm run build`; about 10-30 s.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const TIMEOUT = 90_000;

/**
 * The environment for the npm commands run here. Under `npm test` the parent npm exports where it
 * runs (`npm_config_local_prefix`, pointing at this repository, and the script's own
 * `npm_package_*` / `npm_lifecycle_*`); those must not steer `npm install` in the temp project.
 * Settings such as `npm_config_cache` or `npm_config_registry` are kept.
 */
function npmEnv() {
  const env = { ...process.env };
  const where = /^npm_(config_(local_prefix|prefix|global_prefix|global)$|package_|lifecycle_|command$)/i;
  for (const key of Object.keys(env)) if (where.test(key)) delete env[key];
  return env;
}

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: TIMEOUT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every string in an `exports` value, through all conditions and subpaths. */
function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

/** `./dist/index.js` → `dist/index.js`, as tar lists it under `package/`. */
const inPackage = (path) => posix.normalize(path).replace(/^\.\//, '');

let work;
let tarball;
let entries;

before(() => {
  for (const file of ['dist/index.js', 'dist/react.js', 'cdn/mqtt-elements.js', 'cdn/mqtt-elements.iife.js', 'custom-elements.json']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
  }
  work = mkdtempSync(join(tmpdir(), 'mqtt-elements-pack-'));
  // --ignore-scripts: pack what is built now, without `prepack` building it all again.
  const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
  tarball = join(work, packed.filename);
  entries = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^package\//, '')),
  );
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds every file package.json names', () => {
    const named = new Map();
    for (const field of ['main', 'module', 'types', 'unpkg', 'jsdelivr', 'customElements']) {
      assert.ok(pkg[field], `package.json has "${field}"`);
      named.set(inPackage(pkg[field]), field);
    }
    for (const [subpath, value] of Object.entries(pkg.exports)) {
      for (const target of exportTargets(value)) named.set(inPackage(target), `exports["${subpath}"]`);
    }
    for (const [versions, map] of Object.entries(pkg.typesVersions ?? {})) {
      for (const [subpath, targets] of Object.entries(map)) {
        for (const target of targets) named.set(inPackage(target), `typesVersions["${versions}"]["${subpath}"]`);
      }
    }
    const missing = [...named].filter(([file]) => !entries.has(file)).map(([file, field]) => `${file} (${field})`);
    assert.deepEqual(missing, [], 'named in package.json but not in the tarball');
  });

  it('puts types first in every export with conditions, for ".", "./define" and "./react"', () => {
    for (const subpath of ['.', './define', './react']) {
      const value = pkg.exports[subpath];
      assert.equal(typeof value, 'object', `exports["${subpath}"] has conditions`);
      assert.equal(Object.keys(value)[0], 'types', `exports["${subpath}"] lists "types" first`);
    }
    assert.equal(pkg.exports['./custom-elements.json'], './custom-elements.json');
    assert.equal(pkg.exports['./package.json'], './package.json');
  });

  it('holds the built files, and no tests, configs or demo', () => {
    const built = [...entries].filter((file) => file.endsWith('.js') || file.endsWith('.d.ts'));
    for (const file of ['dist/index.d.ts', 'dist/define.js', 'dist/react.d.ts', 'README.md', 'SECURITY.md', 'package.json']) {
      assert.ok(entries.has(file), `${file} is in the tarball`);
    }
    assert.ok(built.length > 10, `${built.length} built files`);
    const stray = [...entries].filter((file) => /^(test|demo|scripts|bench|node_modules|\.ci)\/|^(tsconfig|vite\.config|web-test-runner)/.test(file));
    assert.deepEqual(stray, [], 'files that do not belong in the package');
  });

  it('ships the sources its source maps point to', () => {
    const missing = [];
    for (const file of [...entries].filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' }));
      for (const source of map.sources) {
        const resolved = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
        if (!entries.has(resolved)) missing.push(`${file} -> ${resolved}`);
      }
    }
    assert.deepEqual(missing, [], 'source maps naming files that are not in the tarball');
  });
});

describe('installed from the tarball into a fresh project', () => {
  let app;

  before(() => {
    app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // --prefix: never the repository, whatever the environment says.
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', app, tarball], app);
  });

  const node = (code) => execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8', timeout: 30_000 });

  it("imports 'mqtt-elements' and 'mqtt-elements/define' with Node", () => {
    const out = node(`
      const m = await import('mqtt-elements');
      await import('mqtt-elements/define');
      console.log(JSON.stringify(Object.keys(m).sort()));
    `);
    const names = JSON.parse(out);
    for (const name of ['MqttConnectionElement', 'MqttSubscribeElement', 'MqttPublishElement', 'MqttConnection', 'mqttContext']) {
      assert.ok(names.includes(name), `${name} is exported`);
    }
  });

  it('resolves every subpath export to a file there', () => {
    const out = node(`
      const subpaths = ${JSON.stringify(Object.keys(pkg.exports).map((s) => `mqtt-elements${s.slice(1)}`))};
      console.log(JSON.stringify(subpaths.map((s) => import.meta.resolve(s))));
    `);
    for (const url of JSON.parse(out)) {
      assert.ok(existsSync(fileURLToPath(url)), `${url} exists`);
      assert.ok(fileURLToPath(url).startsWith(join(app, 'node_modules', 'mqtt-elements')), `${url} is in the installed copy`);
    }
  });

  it('installs the runtime dependencies, and not the optional React peer', () => {
    const modules = join(app, 'node_modules');
    for (const name of Object.keys(pkg.dependencies)) {
      assert.ok(existsSync(join(modules, name, 'package.json')), `${name} is installed`);
    }
    assert.equal(existsSync(join(modules, 'react')), false, 'react is an optional peer: not installed for a non-React app');
  });
});
