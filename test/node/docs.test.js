// The docs name only what exists. ARCHITECTURE.md's file map names every file in src/ (and no file
// that is gone); README.md, CONTRIBUTING.md and ARCHITECTURE.md name files, functions and anchors
// that are there. The rules, for inline code (`…`) and links outside fenced blocks:
//   - a path under a top-level folder of the repository (`src/core/topic.ts`, `test/e2e/`), or a
//     file name with an extension (`ws-stream.ts`), is a file of the repository;
//   - a call (`name()`, `Class.method()`, `name(args)`) and an identifier in camelCase, PascalCase
//     or CONSTANT_CASE (`refreshBeforeReconnect`, `SubscriptionController`, `MqttConnection.pageUrl`,
//     `RECONNECTING_SETTINGS`):
//     each dotted part (without `#`) is a word somewhere in the repository's code, tests or
//     configs (the docs themselves excluded), or in the type declarations of the packages the code
//     uses (MQTT.js's `IClientOptions`, the DOM's `bufferedAmount`);
//   - a link to a file of the repository points at one, and its `#anchor` at a heading there.
// The error codes of src/errors.ts, the events of custom-elements.json and each element's
// attributes (in its section's table) are named in the README, and no comment in src/, test/,
// scripts/ or bench/ cites a specification that is not in the repository.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path) => readFileSync(join(root, path), 'utf8');
const DOCS = ['README.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md'];

/**
 * Files other helpers of this round write, which the README links and which arrive with their
 * merge (docs/reference/ from custom-elements.json, docs/editors.md, docs/bundlers.md). Empty this
 * once they are on main: from then on they are checked like any other path.
 */
const ARRIVING = new Set([]);

/** The repository's files (tracked, and new ones not ignored), relative to the root. */
const repoFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(join(root, f)));
const topFolders = new Set(repoFiles.filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
const basenames = new Set(repoFiles.map((f) => f.split('/').pop()));

/** Everything a name may be defined or used in: code, tests, configs; and the declarations of the packages in use. */
function corpus() {
  const code = repoFiles.filter((f) => /\.(ts|tsx|js|cjs|mjs|vue|svelte|html|json|sh|conf|yml|yaml)$/.test(f) || f === '.ci/run');
  // Not this file: it names identifiers as examples of the rules.
  const texts = code.filter((f) => f !== 'test/node/docs.test.js').map((f) => read(f));
  const declarations = [];
  const walk = (dir, depth) => {
    if (depth > 4 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.name.endsWith('.d.ts') && statSync(path).size < 4_000_000) declarations.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['typescript/lib', 'mqtt/build', '@types/react', 'react', 'lit', 'lit-element', '@lit/reactive-element', '@lit/context', 'uplot/dist', '@angular/core', 'vue', 'svelte']) {
    walk(join(root, 'node_modules', dir), 0);
  }
  return new Set([...texts, ...declarations].join('\n').match(/[A-Za-z_$][\w$]*/g));
}
const words = corpus();

/** A doc's text outside fenced code blocks. */
const prose = (text) => text.replace(/^( *)```[\s\S]*?^\1```/gm, '');
/** Inline code spans of a doc's prose. */
const spans = (text) => [...prose(text).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);

/** What a span names, by the rules above: `{paths, identifiers}`. */
export function namedIn(span) {
  const paths = [];
  const identifiers = [];
  const token = span.trim();
  const first = token.split('/')[0];
  if (/^[\w.-]+\/[^\s]*$/.test(token) && topFolders.has(first)) paths.push(token);
  else if (/^[\w-]+(\.[\w-]+)*\.(ts|tsx|js|cjs|mjs|json|md|html|css|svelte|vue)$/.test(token) && !token.startsWith('mqtt-elements')) paths.push(token);
  const call = /^([A-Za-z_$][\w$]*(?:\.#?[A-Za-z_$][\w$]*)*)(?:<[^>]*>)?\(/.exec(token);
  const camel =
    /^[A-Za-z_$][\w$]*(?:\.#?[A-Za-z_$][\w$]*)*$/.test(token) && (/[a-z][A-Z]|^[A-Z][a-z]+[A-Z]/.test(token) || /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(token));
  if (call) identifiers.push(...call[1].split('.'));
  else if (camel) identifiers.push(...token.split('.'));
  return { paths, identifiers: identifiers.map((i) => i.replace(/^#/, '')) };
}

/** A path named in a doc exists: a file or folder of the repository, or (a bare name) some file's name. */
function pathExists(path) {
  if (ARRIVING.has(path)) return true;
  if (/[*<{]/.test(path)) {
    // A pattern (`test/e2e/*.test.js`, `plant/<room>/climate`): its fixed folder exists.
    const fixed = path.slice(0, path.search(/[*<{]/));
    return !topFolders.has(fixed.split('/')[0]) || existsSync(join(root, fixed.slice(0, fixed.lastIndexOf('/') + 1)));
  }
  if (!path.includes('/')) return basenames.has(path);
  return existsSync(join(root, path.replace(/:\d+$/, '')));
}

/** GitHub's anchors of a Markdown file's headings. */
function anchors(text) {
  const seen = new Map();
  const result = new Set();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

describe('docs name only what exists', () => {
  it("ARCHITECTURE.md's file map names every file in src/, and only files that exist", () => {
    const mapped = new Set();
    let folder = 'src/';
    for (const line of read('ARCHITECTURE.md').split('\n')) {
      const heading = /^#{2,4} .*`(src\/[^`]*\/)`/.exec(line);
      if (heading) folder = heading[1];
      else if (/^#{2,4} /.test(line)) folder = 'src/';
      const row = /^\| `([^`]+)` \|/.exec(line);
      // A row with a path of its own (`scripts/generate-model.js`) is that path; a bare name is the section's folder's.
      if (row && line.trim() !== '| file | job |') mapped.add(row[1].includes('/') ? row[1] : `${folder}${row[1]}`);
    }
    const sources = repoFiles.filter((f) => f.startsWith('src/'));
    assert.deepEqual(sources.filter((f) => !mapped.has(f)), [], 'files in src/ that ARCHITECTURE.md\'s file map leaves out');
    assert.deepEqual([...mapped].filter((f) => f.startsWith('src/') && !sources.includes(f)), [], 'files in the map that are not in src/');
  });

  for (const doc of DOCS) {
    it(`${doc}: every file path in inline code exists`, () => {
      const missing = spans(read(doc)).flatMap((s) => namedIn(s).paths).filter((p) => !pathExists(p));
      assert.deepEqual([...new Set(missing)], [], `paths ${doc} names that are not in the repository`);
    });

    it(`${doc}: every function and identifier in inline code is in the code`, () => {
      const missing = spans(read(doc)).flatMap((s) => namedIn(s).identifiers).filter((i) => !words.has(i));
      assert.deepEqual([...new Set(missing)], [], `names ${doc} gives that no code, test or declaration has`);
    });

    it(`${doc}: every link to a file of the repository, and its anchor, exists`, () => {
      const text = read(doc);
      const broken = [];
      for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)|<img src="([^"]+)"/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const file = path || doc;
        if (path && !pathExists(path)) broken.push(target);
        else if (anchor && file.endsWith('.md') && existsSync(join(root, file)) && !anchors(read(file)).has(anchor)) broken.push(target);
      }
      assert.deepEqual(broken, [], `links in ${doc} to files or headings that are not there`);
    });
  }

  it('the README names every error code of src/errors.ts, and no other', () => {
    const union = /export type MqttErrorCode =([^;]+);/.exec(read('src/errors.ts'))[1];
    const codes = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    assert.ok(codes.length > 10, `${codes.length} codes read from src/errors.ts`);
    const readme = read('README.md');
    const errors = readme.slice(readme.indexOf('\n## Errors\n'), readme.indexOf('\n## ', readme.indexOf('\n## Errors\n') + 1));
    const listed = [...errors.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), [...codes].sort(), "the README's Errors table against MqttErrorCode");
  });

  it("each element's section of the README has a row for every attribute of custom-elements.json, and no other", () => {
    const manifest = JSON.parse(read('custom-elements.json'));
    const readme = read('README.md');
    const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
    assert.ok(elements.length >= 4, `${elements.length} elements in the manifest`);
    for (const element of elements) {
      const start = readme.indexOf(`\n## \`<${element.tagName}>\``);
      assert.ok(start >= 0, `the README has a section for <${element.tagName}>`);
      const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
      // A row's first cell: attributes in backticks, properties in backticks inside parentheses.
      const attributes = new Set();
      const properties = new Set();
      for (const [, cell] of section.matchAll(/^\| ([^|]*`[^|]*) \|/gm)) {
        for (const [, name] of cell.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)) attributes.add(name);
        for (const [, inside] of cell.matchAll(/\(([^)]*)\)/g)) for (const [, name] of inside.matchAll(/`([^`]+)`/g)) properties.add(name);
      }
      const declared = new Set((element.attributes ?? []).map((a) => a.name));
      const members = new Set((element.members ?? []).map((m) => m.name));
      assert.deepEqual([...declared].filter((a) => !attributes.has(a)), [], `attributes of <${element.tagName}> its README table leaves out`);
      assert.deepEqual([...attributes].filter((a) => !declared.has(a)), [], `attributes the README gives <${element.tagName}> that it does not have`);
      assert.deepEqual([...properties].filter((p) => !members.has(p)), [], `properties the README gives <${element.tagName}> that it does not have`);
    }
  });

  it("the README names every event of custom-elements.json", () => {
    const manifest = JSON.parse(read('custom-elements.json'));
    const events = new Set(manifest.modules.flatMap((m) => m.declarations ?? []).flatMap((d) => d.events ?? []).map((e) => e.name));
    assert.ok(events.size >= 6, `${events.size} events in the manifest`);
    const readme = prose(read('README.md'));
    assert.deepEqual([...events].filter((e) => !readme.includes(`\`${e}\``)), [], 'events the README does not name');
  });

  it('no comment in src/ or the docs cites a file that is not in the repository (SPEC.md)', () => {
    const citing = [...repoFiles.filter((f) => f.startsWith('src/')), ...DOCS].filter((f) => /\bSPEC\b/.test(read(f)));
    assert.deepEqual(citing, [], 'files citing SPEC, which is not in the repository: cite the README or docs/reference instead');
  });

  it('no comment or test name in test/, scripts/ or bench/ cites it either', () => {
    // Comments and test names only: test/node/manifest.test.js names its table of the README's
    // attributes SPEC in code. Not this file, which names SPEC to look for it.
    const cites = /(?:\/\/|\/\*|^\s*\*|<!--).*\bSPEC\b|\b(?:it|describe)\(\s*['"`][^'"`\n]*\bSPEC\b/m;
    const citing = repoFiles
      .filter((f) => /^(test|scripts|bench)\/.*\.(ts|tsx|js|cjs|mjs|html|vue|svelte|sh)$/.test(f) && f !== 'test/node/docs.test.js')
      .filter((f) => cites.test(read(f)));
    assert.deepEqual(citing, [], 'files citing SPEC, which is not in the repository: cite the README\'s section instead');
  });
});
