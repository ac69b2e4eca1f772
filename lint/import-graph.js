// The static imports between the project's own TypeScript modules, read with TypeScript's parser:
// what the lint rules in this folder check (cycles, layers). Type-only imports count: a circle of
// types is still two files that cannot be understood, moved or split one without the other.
// `import()` does not count: a lazy chunk is loaded after both ends have run, which is the point.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/** The file a relative specifier names (`./x.js` is `./x.ts` in the sources), or undefined. */
export function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

/** The relative specifiers `text` imports or re-exports statically, each with its 1-based line. */
export function staticImports(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  for (const statement of source.statements) {
    const isImport = ts.isImportDeclaration(statement);
    if (!isImport && !(ts.isExportDeclaration(statement) && statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier;
    if (!ts.isStringLiteral(specifier)) continue;
    const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
    found.push({ specifier: specifier.text, line });
  }
  return found;
}

const cache = new Map();

/** The project files `file` imports statically (read from disk, cached by modification time). */
export function dependenciesOf(file) {
  const mtime = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.deps;
  const deps = staticImports(file, readFileSync(file, 'utf8'))
    .map(({ specifier }) => resolveSpecifier(file, specifier))
    .filter((dep) => dep !== undefined);
  cache.set(file, { mtime, deps });
  return deps;
}

/** A path of imports from `start` back to `target` (both included), or undefined if there is none. */
export function pathBack(start, target) {
  const seen = new Set();
  const walk = (file, trail) => {
    if (file === target) return [...trail, file];
    if (seen.has(file)) return undefined;
    seen.add(file);
    for (const dep of dependenciesOf(file)) {
      const found = walk(dep, [...trail, file]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, []);
}
