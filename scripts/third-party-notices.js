// `node scripts/third-party-notices.js` (after `npm run build`): writes THIRD-PARTY-NOTICES.md, the
// full license text of every third-party package that a shipped file inlines. Which ones is read
// from the built files' own license comments (build/third-party-notices.js puts one on each CDN
// file, and on any dist/ file that inlines a package): the file lists what is shipped, no more.
// test/node/notices.test.js fails when the committed file is not what this writes now.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { licenseText, packageNotice } from '../build/third-party-notices.js';

const root = fileURLToPath(new URL('../', import.meta.url));
export const NOTICES_FILE = 'THIRD-PARTY-NOTICES.md';

/** The built .js files under `dir` (relative to the root), recursively. */
function builtFiles(dir) {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return builtFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** `{file, packages: [{name, version}]}` for every shipped file whose leading comment names inlined packages. */
export function inlinedPackages() {
  const files = [...builtFiles('cdn'), ...builtFiles('dist')];
  return files
    .map((file) => {
      const head = readFileSync(join(root, file), 'utf8').slice(0, 8000);
      const comment = head.startsWith('/*!') ? head.slice(0, head.indexOf('*/')) : '';
      const packages = [...comment.matchAll(/^ \* includes (\S+) (\S+) /gm)].map((m) => ({ name: m[1], version: m[2] }));
      return { file, packages };
    })
    .filter((f) => f.packages.length > 0);
}

/** The installed directory of `name` at `version` (a nested copy when the top one differs). */
function packageDir(name, version) {
  const candidates = [join(root, 'node_modules', name)];
  const walk = (dir, depth) => {
    if (depth > 3 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const nested = join(dir, entry.name, 'node_modules');
      if (existsSync(join(nested, name, 'package.json'))) candidates.push(join(nested, name));
      if (entry.name.startsWith('@')) walk(join(dir, entry.name), depth + 1);
      else walk(nested, depth + 1);
    }
  };
  walk(join(root, 'node_modules'), 0);
  const dir = candidates.find((d) => existsSync(join(d, 'package.json')) && JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).version === version);
  if (!dir) throw new Error(`${NOTICES_FILE}: ${name} ${version} is named by a built file but not installed: run npm run build`);
  return dir;
}

/** The file's text, from what is built now. */
export function renderNotices() {
  const shipped = inlinedPackages();
  const byKey = new Map();
  for (const { file, packages } of shipped) {
    for (const p of packages) {
      const key = `${p.name}@${p.version}`;
      if (!byKey.has(key)) byKey.set(key, { ...p, files: [] });
      byKey.get(key).files.push(file);
    }
  }
  const sections = [...byKey.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
    .map((p) => {
      const dir = packageDir(p.name, p.version);
      const notice = packageNotice(dir);
      const text = licenseText(dir).trim();
      return [`## ${p.name} ${p.version} (${notice.license})`, '', `Inlined in ${p.files.map((f) => `\`${f}\``).join(', ')}.`, '', '```text', text, '```', ''].join('\n');
    });
  return [
    '# Third-party notices',
    '',
    'mqtt-elements itself is under the MIT License ([LICENSE](LICENSE)). The files below inline code of',
    'other packages; each carries a comment naming them, and their license texts follow. A file that',
    'imports a package instead (as most ES modules in `dist/` import `lit`, `@lit/context` and `uplot`)',
    'ships none of its code, and npm installs that package with its own license.',
    '',
    `Written by \`node scripts/third-party-notices.js\` from the built files' comments; do not edit by hand.`,
    '',
    ...sections,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, NOTICES_FILE), renderNotices());
  console.log(`wrote ${NOTICES_FILE}: ${inlinedPackages().map((f) => `${f.file} (${f.packages.length})`).join(', ')}`);
}
