// What `npm run generate` (in `npm run build`) makes from custom-elements.json: docs/reference/,
// the editor data and the framework typings in types/. The checked-in copies must be what the
// generator gives for the current manifest (a JSDoc change without a build shows here, and in
// .ci/run's diff after the build), and they must cover the manifest: every tag, attribute,
// property, event (mqtt-response included), slot, CSS hook and error code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIRS, generatedFiles } from '../../scripts/generate-from-manifest.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path) => readFileSync(`${root}${path}`, 'utf8');
const pkg = JSON.parse(read('package.json'));
const manifest = JSON.parse(read(pkg.customElements));
const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
const files = generatedFiles();

/** MqttErrorCode's members, read here from src/errors.ts on their own (not through the generator). */
const errorCodes = [...read('src/errors.ts').match(/export type MqttErrorCode =([^;]*);/)[1].matchAll(/'([\w-]+)'/g)].map(([, code]) => code);

describe('generated from custom-elements.json', () => {
  it('the checked-in files are what `npm run generate` gives for the current manifest, and no others', () => {
    for (const [path, text] of files) assert.equal(existsSync(`${root}${path}`) && read(path), text, `${path} is stale: run \`npm run build\` (or \`npm run generate\`) and commit it`);
    const onDisk = GENERATED_DIRS.flatMap((dir) => readdirSync(`${root}${dir}`, { recursive: true }).filter((name) => name.includes('.')).map((name) => `${dir}/${name}`));
    assert.deepEqual(onDisk.filter((path) => !files.has(path)), [], 'files in the generated folders that the generator no longer makes');
  });

  it('docs/reference/: a page per element with every attribute, property, method, event, slot and CSS hook', () => {
    assert.ok(elements.length >= 4, `${elements.length} elements`);
    for (const d of elements) {
      const page = files.get(`docs/reference/${d.tagName}.md`);
      assert.ok(page, `${d.tagName} has a page`);
      const names = [
        ...(d.attributes ?? []).map((a) => a.name),
        ...(d.members ?? []).filter((m) => !m.static && m.privacy !== 'private' && !m.name.startsWith('#')).map((m) => m.name),
        ...(d.events ?? []).map((e) => e.name),
        ...(d.slots ?? []).filter((s) => s.name).map((s) => s.name),
        ...(d.cssParts ?? []).map((p) => `::part(${p.name})`),
        ...(d.cssProperties ?? []).map((p) => p.name),
      ];
      for (const name of names) assert.ok(page.includes(`\`${name}`), `${d.tagName}.md names ${name}`);
      for (const e of d.events ?? []) assert.ok(page.includes(e.description.split('`')[0].trim()), `${d.tagName}.md describes ${e.name}`);
      assert.ok(files.get('docs/reference/index.md').includes(`(${d.tagName}.md)`), `the index links ${d.tagName}.md`);
    }
    assert.match(files.get('docs/reference/mqtt-publish.md'), /\| `mqtt-response` \| `MqttResponseEvent` \|/);
  });

  it('docs/reference/index.md lists every MqttErrorCode of src/errors.ts', () => {
    assert.ok(errorCodes.length >= 10, `${errorCodes.length} codes`);
    const listed = [...files.get('docs/reference/index.md').matchAll(/^\| `([\w-]+)` \|$/gm)].map(([, code]) => code);
    assert.deepEqual(listed, errorCodes);
  });

  it('VS Code custom data: each tag with the attributes a page sets, their values and boolean ones without a value', () => {
    const data = JSON.parse(files.get('types/vscode.html-custom-data.json'));
    assert.deepEqual(data.tags.map((t) => t.name).sort(), elements.map((d) => d.tagName).sort());
    for (const d of elements) {
      const tag = data.tags.find((t) => t.name === d.tagName);
      const settable = (d.attributes ?? []).filter((a) => a.fieldName);
      assert.deepEqual(tag.attributes.map((a) => a.name), settable.map((a) => a.name), `${d.tagName}'s attributes`);
      for (const a of settable.filter((a) => a.type?.text === 'boolean')) assert.equal(tag.attributes.find((x) => x.name === a.name).valueSet, 'v', `${d.tagName} ${a.name}`);
    }
    const format = data.tags.find((t) => t.name === 'mqtt-subscribe').attributes.find((a) => a.name === 'format');
    assert.deepEqual(format.values.map((v) => v.name), ['text', 'json', 'bytes', 'cbor', 'sparkplug'], 'PayloadFormat, read from src/ (an open union: any registered name too, offered are the built-in ones)');
  });

  it('web-types: named by package.json `web-types`, shipped, with every tag, attribute, property and event', () => {
    assert.equal(pkg['web-types'], './types/web-types.json');
    assert.ok(pkg.files.includes('types'), 'package.json `files` ships types/');
    const data = JSON.parse(files.get(pkg['web-types'].slice(2)));
    assert.equal(data.name, pkg.name);
    assert.equal(data.version, pkg.version);
    for (const d of elements) {
      const element = data.contributions.html.elements.find((e) => e.name === d.tagName);
      assert.ok(element, d.tagName);
      assert.deepEqual(element.attributes.map((a) => a.name), (d.attributes ?? []).filter((a) => a.fieldName).map((a) => a.name));
      assert.deepEqual(element.events.map((e) => e.name), (d.events ?? []).map((e) => e.name));
      assert.deepEqual(element.js.events.map((e) => e.name), (d.events ?? []).map((e) => e.name));
    }
  });

  it('framework typings: one entry per framework in package.json `exports`, each declaring every tag', () => {
    const augments = { react: "declare module 'react'", preact: "declare module 'preact'", vue: "declare module 'vue'", svelte: "declare module 'svelte/elements'" };
    for (const [name, augmentation] of Object.entries(augments)) {
      assert.deepEqual(pkg.exports[`./types/${name}`], { types: `./types/${name}.d.ts`, default: `./types/${name}.js` });
      assert.equal(files.get(`types/${name}.js`).replace(/^\/\/.*\n/gm, ''), 'export {};\n', `types/${name}.js: an empty module`);
      const text = files.get(`types/${name}.d.ts`);
      assert.ok(text.includes(augmentation), `types/${name}.d.ts: ${augmentation}`);
      for (const d of elements) assert.ok(text.includes(`'${d.tagName}':`), `types/${name}.d.ts declares ${d.tagName}`);
    }
    const attributes = files.get('types/attributes.d.ts');
    for (const d of elements) for (const e of d.events ?? []) assert.ok(attributes.includes(`'on${e.name}'?:`), `${d.tagName}: on${e.name}`);
  });
});
