// The packed tarball, as npm would publish it, checked by publint (package.json against the files
// it names: exports, types, module format) and by Are the Types Wrong (every subpath's types
// resolve, and match its JavaScript, under each TypeScript module resolution). Both must be
// clean: no error, warning or suggestion. Run after `npm run build`; a few seconds, no network.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packTarball } from '../../scripts/pack-tarball.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let work;
let tarball;

before(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run build first');
  work = mkdtempSync(join(tmpdir(), 'mqtt-elements-lint-'));
  tarball = packTarball(root, work);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('is clean for publint, strict, down to suggestions', async () => {
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) },
      level: 'suggestion',
      strict: true,
    });
    assert.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`), []);
  });

  it('is clean for Are the Types Wrong, every entry point', () => {
    // --profile esm-only: the package is ESM only (`"type": "module"`, no CommonJS build), so a
    // `require()` from CommonJS under node16 resolving to ESM ("CJSResolvesToESM") is by design;
    // the profile leaves out that resolution and node10 (no `exports` at all), and the ones that
    // matter for this package, node16 from ESM and bundler, must be clean. Exit code 1 on any
    // problem. --no-definitely-typed: the package has its own types, and no registry is asked.
    const args = [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'];
    let json;
    try {
      json = execFileSync(join(root, 'node_modules/.bin/attw'), args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      assert.fail(`attw found problems (its JSON "problems" lists node16-cjs ones too, which this profile ignores):\n${error.stdout}${error.stderr}`);
    }
    // It checked the subpaths package.json exports, `mqtt-elements/mqtt` among them.
    const checked = Object.keys(JSON.parse(json).analysis.entrypoints);
    for (const subpath of ['.', './define', './react', './mqtt', './chart']) assert.ok(checked.includes(subpath), `attw checked ${subpath}`);
  });
});
