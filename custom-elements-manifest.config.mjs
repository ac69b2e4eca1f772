// `cem analyze` settings, and the clean-up that makes the manifest describe the package as
// installed:
// - The analyzer also lists each `dispatchEvent(new XEvent(...))` as an event, without a name or
//   named after the detail variable; the `@fires` entries describe the same events, so those
//   guesses are dropped.
// - Private members (`#field`, `private`) are not part of the contract the manifest describes
//   to editors and documentation tools, so they are dropped too, and so are declarations a
//   module does not export (the analyzer mistakes some local variables for them).
// - Module paths name the JavaScript users import (`dist/…js`), not the TypeScript it is built
//   from, and `dist/define.js`, which registers the tags, lists a `custom-element-definition`
//   export for each, as the schema expects of the module that calls `customElements.define`
//   (`<mqtt-chart>`'s is in `dist/chart/index.js`, the entry that registers it).
import { posix } from 'node:path';

const DEFINING_MODULE = 'src/define.ts';
/** Elements registered by an entry of their own, by the folder they are in. */
const OWN_ENTRIES = { 'src/chart/': 'src/chart/index.ts' };
const definingModule = (path) => Object.entries(OWN_ENTRIES).find(([folder]) => path.startsWith(folder))?.[1] ?? DEFINING_MODULE;

/** `src/a/b.ts` (or `.js`, as `export *` names it; a superclass module may start with `/`) → `dist/a/b.js`; anything else unchanged. */
const shipped = (path) => path.replace(/^\/?src\/(.*)\.[jt]s$/, 'dist/$1.js');

/**
 * Rewrites every `path` and `module` string below `node` to the shipped file. A re-export names
 * its module relative to the re-exporting one (`./elements/x.js`): made package-relative first.
 */
function pointAtDist(node, from) {
  if (Array.isArray(node)) return node.forEach((item) => pointAtDist(item, from));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'path' || key === 'module') && typeof value === 'string') {
      node[key] = shipped(value.startsWith('.') ? posix.join(posix.dirname(shipped(from)), value) : value);
    } else pointAtDist(value, from);
  }
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  plugins: [
    {
      name: 'mqtt-elements-manifest',
      packageLinkPhase({ customElementsManifest }) {
        // Modules by path: the analyzer's own order follows the file system's and varied between
        // clean builds (dist/vendor/mqtt.js), which made the checked-in manifest look stale.
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const definitions = new Map();
        for (const mod of customElementsManifest.modules) {
          // The analyzer also lists some local variables of functions (`qos`, `options`) as
          // module declarations: only what a module exports is kept.
          const exported = new Set((mod.exports ?? []).map((e) => e.declaration?.name));
          mod.declarations = (mod.declarations ?? []).filter((declaration) => exported.has(declaration.name));
          for (const declaration of mod.declarations) {
            // A described event comes from an `@fires` tag; the others are the analyzer's guesses.
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.name && event.description);
            if (declaration.members) {
              declaration.members = declaration.members.filter(
                (member) => member.privacy !== 'private' && !member.name.startsWith('#'),
              );
            }
            if (declaration.tagName) {
              const where = definingModule(mod.path);
              if (!definitions.has(where)) definitions.set(where, []);
              definitions.get(where).push({
                kind: 'custom-element-definition',
                name: declaration.tagName,
                declaration: { name: declaration.name, module: mod.path },
              });
            }
          }
        }
        for (const [where, list] of definitions) {
          const defining = customElementsManifest.modules.find((mod) => mod.path === where);
          if (!defining) throw new Error(`${where} is not in the manifest`);
          defining.exports = [...(defining.exports ?? []).filter((e) => e.kind !== 'custom-element-definition'), ...list];
        }
        for (const mod of customElementsManifest.modules) pointAtDist(mod, mod.path);
      },
    },
  ],
};
