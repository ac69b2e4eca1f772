// The API page, built when it loads from the package's own custom-elements.json (generated from
// the sources' JSDoc by `npm run analyze`): the page has no text of its own about the elements, so
// it cannot say something the manifest does not. Everything goes into the DOM through Lit
// templates, as text: nothing here is parsed as HTML.
import { html, nothing, render, type TemplateResult } from 'lit';
import manifest from '../custom-elements.json';
import packageJson from '../package.json';

// ---- The parts of the manifest schema (schemaVersion 1.0.0) this page reads ------------------

interface TypeRef {
  text: string;
}
interface Named {
  name: string;
  description?: string;
  summary?: string;
}
interface Attribute extends Named {
  type?: TypeRef;
  default?: string;
  fieldName?: string;
}
interface Parameter extends Named {
  type?: TypeRef;
  default?: string;
  optional?: boolean;
}
interface Member extends Named {
  kind: string;
  static?: boolean;
  privacy?: string;
  readonly?: boolean;
  type?: TypeRef;
  default?: string;
  attribute?: string;
  parameters?: Parameter[];
  return?: { type?: TypeRef };
}
interface Declaration extends Named {
  kind: string;
  tagName?: string;
  superclass?: { name: string; package?: string };
  attributes?: Attribute[];
  members?: Member[];
  events?: (Named & { type?: TypeRef })[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: (Named & { syntax?: string; default?: string })[];
}
interface Module {
  path: string;
  declarations?: Declaration[];
  exports?: { name: string; declaration: { name: string; module?: string } }[];
}

const modules = (manifest as { modules: Module[] }).modules;
const schemaVersion = (manifest as { schemaVersion: string }).schemaVersion;

// ---- Text from the manifest --------------------------------------------------------------------

/**
 * A JSDoc description: paragraphs at blank lines, single line breaks as spaces, `backticks` as
 * <code>. That is all the markup the sources' comments use.
 */
function prose(text: string | undefined): TemplateResult | typeof nothing {
  if (!text) return nothing;
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' '));
  return html`${paragraphs.map((p) => html`<p>${p.split('`').map((part, i) => (i % 2 ? html`<code>${part}</code>` : part))}</p>`)}`;
}

/** Where a class can be imported from: the package entry (package.json `exports`) whose module re-exports it. */
function importPath(declaration: Declaration, modulePath: string): string | undefined {
  const exportsMap = packageJson.exports as Record<string, string | { default?: string }>;
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const file = typeof target === 'string' ? target : target.default;
    const entry = modules.find((m) => `./${m.path}` === file);
    const reExported = entry?.exports?.some((e) => e.declaration.name === declaration.name && e.declaration.module === modulePath);
    if (reExported) return subpath === '.' ? packageJson.name : `${packageJson.name}/${subpath.slice(2)}`;
  }
  return undefined;
}

/** A name and its facts (type, default, …) on one line, the description below. */
function entry(name: string, facts: (string | undefined | false)[], description: string | undefined): TemplateResult {
  const shown = facts.filter((f): f is string => !!f);
  return html`<div class="api-entry">
    <dt><code class="api-name">${name}</code>${shown.length ? html` <span class="api-facts">${shown.join(' · ')}</span>` : nothing}</dt>
    <dd>${prose(description)}</dd>
  </div>`;
}

/** One kind of member under its heading; nothing when the element has none. */
function group(tag: string, id: string, title: string, entries: TemplateResult[]): TemplateResult | typeof nothing {
  if (entries.length === 0) return nothing;
  return html`<section class="api-group" data-kind=${id} aria-labelledby=${`${tag}-${id}`}>
    <h3 id=${`${tag}-${id}`}>${title}</h3>
    <dl>${entries}</dl>
  </section>`;
}

const defaultOf = (value: string | undefined) => value !== undefined && `default ${value}`;

function signature(method: Member): string {
  const params = (method.parameters ?? []).map(
    (p) => `${p.name}${p.optional ? '?' : ''}${p.type ? `: ${p.type.text}` : ''}${p.default !== undefined ? ` = ${p.default}` : ''}`,
  );
  return `${method.static ? 'static ' : ''}${method.name}(${params.join(', ')})${method.return?.type ? `: ${method.return.type.text}` : ''}`;
}

function element(declaration: Declaration & { tagName: string }, modulePath: string): TemplateResult {
  const tag = declaration.tagName;
  const from = importPath(declaration, modulePath);
  const isPublic = (m: Member) => !m.privacy || m.privacy === 'public';
  const fields = (declaration.members ?? []).filter((m) => m.kind === 'field' && !m.static && isPublic(m));
  const methods = (declaration.members ?? []).filter((m) => m.kind === 'method' && isPublic(m));
  return html`<section class="card api-element" id=${tag} data-tag=${tag} aria-labelledby=${`${tag}-title`}>
    <h2 id=${`${tag}-title`}><code>&lt;${tag}&gt;</code></h2>
    <p class="api-class">
      class <code>${declaration.name}</code>${declaration.superclass ? html` extends <code>${declaration.superclass.name}</code>` : nothing}${from
        ? html`, from <code>${from}</code>`
        : nothing}
    </p>
    <div class="api-summary">${prose(declaration.summary)}</div>
    <div class="api-description">${prose(declaration.description)}</div>
    ${group(
      tag,
      'attributes',
      'Attributes',
      (declaration.attributes ?? []).map((a) =>
        entry(a.name, [a.type?.text, defaultOf(a.default), a.fieldName ? `property ${a.fieldName}` : 'no property'], a.description),
      ),
    )}
    ${group(
      tag,
      'properties',
      'Properties',
      fields.map((f) => entry(f.name, [f.type?.text, defaultOf(f.default), f.readonly && 'read-only', f.attribute && `attribute ${f.attribute}`], f.description)),
    )}
    ${group(tag, 'methods', 'Methods', methods.map((m) => entry(m.name, [signature(m)], m.description)))}
    ${group(tag, 'events', 'Events', (declaration.events ?? []).map((e) => entry(e.name, [e.type?.text], e.description)))}
    ${group(tag, 'slots', 'Slots', (declaration.slots ?? []).map((s) => entry(s.name || '(default)', [], s.description)))}
    ${group(tag, 'css-parts', 'CSS parts', (declaration.cssParts ?? []).map((p) => entry(`::part(${p.name})`, [], p.description)))}
    ${group(
      tag,
      'css-properties',
      'CSS custom properties',
      (declaration.cssProperties ?? []).map((p) => entry(p.name, [p.syntax, defaultOf(p.default)], p.description)),
    )}
  </section>`;
}

// ---- The page ------------------------------------------------------------------------------------

const elements = modules
  .flatMap((m) => (m.declarations ?? []).map((declaration) => ({ declaration, path: m.path })))
  .filter((d): d is { declaration: Declaration & { tagName: string }; path: string } => !!d.declaration.tagName)
  .sort((a, b) => a.declaration.tagName.localeCompare(b.declaration.tagName));

render(
  html`<nav class="api-toc" aria-label="Elements">
      <ul>
        ${elements.map(({ declaration }) => html`<li><a href=${`#${declaration.tagName}`}><code>&lt;${declaration.tagName}&gt;</code></a></li>`)}
      </ul>
    </nav>
    ${elements.map(({ declaration, path }) => element(declaration, path))}`,
  document.getElementById('api')!,
);
document.getElementById('api-source')!.textContent = `${elements.length} elements, manifest schema ${schemaVersion}`;
document.getElementById('api')!.setAttribute('aria-busy', 'false');
// A link to #mqtt-chart opened before the sections existed: go there now.
if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
