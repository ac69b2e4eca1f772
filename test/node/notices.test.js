// Licenses: the package's own (LICENSE, MIT as package.json says), and the notices of the code the
// CDN files inline (Lit is BSD-3-Clause, MQTT.js and uPlot MIT: their copyright notice must travel
// with every copy). Each CDN file begins with a comment naming this package and every inlined
// package with the installed version; THIRD-PARTY-NOTICES.md holds their full license texts and is
// what scripts/third-party-notices.js writes from the built files now. Needs `npm run build`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NOTICES_FILE, renderNotices } from '../../scripts/third-party-notices.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path) => readFileSync(`${root}${path}`, 'utf8');
const pkg = JSON.parse(read('package.json'));
const installed = (name) => JSON.parse(read(`node_modules/${name}/package.json`));

/** What each CDN file must say it inlines, at the very least: the packages its build cannot do without. */
const MUST_NAME = {
  'cdn/mqtt-elements.js': ['lit-html', 'lit-element', '@lit/reactive-element', '@lit/context', 'mqtt', 'mqtt-packet'],
  'cdn/mqtt-elements.iife.js': ['lit-html', 'lit-element', '@lit/reactive-element', '@lit/context', 'mqtt', 'mqtt-packet'],
  'cdn/mqtt-chart.js': ['uplot'],
};

/** The leading `/*! … *\/` comment of a built file. */
function leadingComment(file) {
  const text = read(file);
  assert.ok(text.startsWith('/*!'), `${file} begins with a /*! license comment (build/third-party-notices.js through vite.config.ts's postBanner)`);
  return text.slice(0, text.indexOf('*/') + 2);
}

describe('licenses', () => {
  it('LICENSE is the MIT License that package.json names, and the package ships it with the notices', () => {
    assert.equal(pkg.license, 'MIT');
    const license = read('LICENSE');
    assert.match(license, /^MIT License\n\nCopyright \(c\) \d{4} /);
    assert.match(license, /The above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software\./);
    for (const file of ['LICENSE', NOTICES_FILE, 'CHANGELOG.md']) {
      assert.ok(pkg.files.includes(file), `package.json "files" lists ${file}`);
      assert.ok(existsSync(`${root}${file}`), `${file} exists`);
    }
  });

  for (const [file, names] of Object.entries(MUST_NAME)) {
    it(`${file} names this package and each package it inlines, with version, license and copyright`, () => {
      const comment = leadingComment(file);
      assert.ok(comment.startsWith(`/*! ${pkg.name} ${pkg.version} | MIT License | full license texts: ${NOTICES_FILE}`), comment.split('\n')[0]);
      for (const name of names) {
        const { version, license } = installed(name);
        const line = comment.split('\n').find((l) => l.startsWith(` * includes ${name} ${version} (${license}) Copyright`));
        assert.ok(line, `${file} names ${name} ${version} (${license}) with its copyright line:\n${comment}`);
      }
    });
  }

  it('the main CDN file names no uPlot, and the chart names nothing the main file brings (lit, MQTT.js)', () => {
    assert.doesNotMatch(leadingComment('cdn/mqtt-elements.js'), /includes uplot /);
    assert.doesNotMatch(leadingComment('cdn/mqtt-chart.js'), /includes (lit|lit-html|mqtt|@lit\/\S+) /);
  });

  it(`${NOTICES_FILE} holds the full license text of every package a built file names, and is up to date`, () => {
    const committed = read(NOTICES_FILE);
    for (const file of Object.keys(MUST_NAME)) {
      for (const [, name, version] of leadingComment(file).matchAll(/^ \* includes (\S+) (\S+) /gm)) {
        assert.ok(committed.includes(`## ${name} ${version} (`), `${NOTICES_FILE} has a section for ${name} ${version}`);
      }
    }
    assert.ok(committed.includes('Redistribution and use in source and binary forms'), 'the BSD-3-Clause text, which binary copies must reproduce');
    assert.equal(committed, renderNotices(), `${NOTICES_FILE} is stale: run node scripts/third-party-notices.js after npm run build`);
  });
});
