// The elements as custom-elements.json describes them, in the shape the generators need
// (generate-reference.js, generate-editor-data.js, generate-framework-types.js): one record per tag
// with its settable attributes, writable properties, events, slots and CSS hooks. Read from the
// manifest only, so nothing generated from it can say what the JSDoc does not. The one thing the
// manifest lacks is what a named type alias (`PayloadFormat`, `MqttErrorCode`) stands for: that is
// read from its `export type X = 'a' | 'b'` in src/, and a name that is not such a union stays a name.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every `export type Name = 'a' | 'b' …;` in src/ (string-literal unions only), by name. */
export function stringUnions(root = ROOT) {
  const unions = new Map();
  const files = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(root, 'src', file), 'utf8');
    // An open union (`… | (string & {})`: these names, or any other string) keeps its names for
    // editors to offer, and `(string & {})` as a member for the types.
    for (const [, name, body, open] of text.matchAll(/export type (\w+) =\s*((?:\|?\s*'[^'\n]*'\s*)+)(\|\s*\(string & \{\}\)\s*)?;/g)) {
      unions.set(name, [...[...body.matchAll(/'([^'\n]*)'/g)].map(([, value]) => value), ...(open ? [OPEN] : [])]);
    }
  }
  return unions;
}

/** Splits a type's text at its top-level `|` (not inside `<…>`, `(…)`, `[…]`, `{…}` or quotes). */
export function unionMembers(text) {
  const members = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === "'" || char === '"') quote = char;
    else if ('<([{'.includes(char)) depth++;
    else if ('>)]}'.includes(char)) depth--;
    else if (char === '|' && depth === 0) {
      members.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) members.push(current.trim());
  return members;
}

/** The member of an open string union: any string, the union's names offered. */
const OPEN = '(string & {})';
const PRIMITIVES = new Set(['string', 'number', 'boolean', 'unknown', 'undefined', 'null', 'true', 'false', OPEN]);
const isLiteral = (member) => /^(['"]).*\1$/.test(member);

/**
 * A type's text resolved for places that need values: `{ members, values }` where `members` are
 * the union's parts with `undefined` dropped and aliases of string unions expanded (as `'a'`),
 * `values` the string literals among them (what an editor offers), or none when any string goes,
 * and `expanded` when an alias was.
 */
export function resolveType(text, unions) {
  const members = [];
  let expanded = false;
  for (const member of unionMembers(text ?? 'string')) {
    if (member === 'undefined') continue;
    if (unions.has(member)) {
      expanded = true;
      members.push(...unions.get(member).map((v) => (v === OPEN ? v : `'${v}'`)));
    }
    else members.push(isLiteral(member) ? `'${member.slice(1, -1)}'` : member);
  }
  const literals = members.filter(isLiteral).map((m) => m.slice(1, -1));
  const values = members.includes('string') ? [] : literals;
  return { members: [...new Set(members)], values, expanded };
}

/**
 * The members that can be written in an HTML attribute: strings, numbers, booleans and string
 * literals (an object-typed property such as `labels` also takes JSON text through its
 * attribute, typed `string` there).
 */
export function attributeMembers(members) {
  return members.filter((m) => PRIMITIVES.has(m) || isLiteral(m) || /^-?\d/.test(m));
}

/** The type names (`PayloadFormat`, `MqttMessageEvent`) a type's text mentions. */
export function typeNames(text) {
  return [...(text ?? '').replace(/(['"]).*?\1/g, '').matchAll(/\b[A-Z]\w*/g)].map(([name]) => name).filter((n) => !['Record', 'Array', 'Promise', 'Readonly', 'ReadonlyArray'].includes(n));
}

/** package.json `exports` subpath (as an import specifier) of the entry that registers each tag. */
function definingEntries(manifest, pkg) {
  const byModule = new Map();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    if (file) byModule.set(file.replace(/^\.\//, ''), subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
  }
  const entries = new Map();
  for (const mod of manifest.modules) {
    for (const exp of (mod.exports ?? []).filter((e) => e.kind === 'custom-element-definition')) {
      entries.set(exp.name, byModule.get(mod.path) ?? pkg.name);
    }
  }
  return entries;
}

/** Where a class is exported from: the first package entry whose module re-exports it. */
function importFrom(manifest, pkg, declarationName) {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    const entry = manifest.modules.find((m) => `./${m.path}` === file);
    if (entry?.exports?.some((e) => e.declaration?.name === declarationName)) return subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
  }
  return undefined;
}

const isPublic = (member) => !member.privacy || member.privacy === 'public';

/** The package's elements, sorted by tag, and its error codes. */
export function readModel(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, pkg.customElements), 'utf8'));
  const unions = stringUnions(root);
  const registeredBy = definingEntries(manifest, pkg);
  const elements = [];
  for (const mod of manifest.modules) {
    for (const d of (mod.declarations ?? []).filter((decl) => decl.tagName)) {
      const fields = (d.members ?? []).filter((m) => m.kind === 'field' && !m.static && isPublic(m));
      const attributes = (d.attributes ?? []).map((a) => ({
        ...a,
        type: a.type?.text,
        // An attribute with no property behind it is one the element reflects (`status`): read-only.
        settable: !!a.fieldName,
        resolved: resolveType(a.type?.text, unions),
      }));
      elements.push({
        tag: d.tagName,
        className: d.name,
        summary: d.summary,
        description: d.description,
        superclass: d.superclass?.name,
        importFrom: importFrom(manifest, pkg, d.name) ?? pkg.name,
        registeredBy: registeredBy.get(d.tagName) ?? pkg.name,
        attributes,
        properties: fields.map((f) => ({ ...f, type: f.type?.text, resolved: resolveType(f.type?.text, unions) })),
        methods: (d.members ?? []).filter((m) => m.kind === 'method' && isPublic(m)),
        events: (d.events ?? []).map((e) => ({ ...e, type: e.type?.text })),
        slots: d.slots ?? [],
        cssParts: d.cssParts ?? [],
        cssProperties: d.cssProperties ?? [],
      });
    }
  }
  elements.sort((a, b) => a.tag.localeCompare(b.tag));
  const errorCodes = unions.get('MqttErrorCode');
  if (!errorCodes?.length) throw new Error('src/errors.ts: no `export type MqttErrorCode = …` union of string literals found');
  return { pkg, manifest, elements, errorCodes };
}
