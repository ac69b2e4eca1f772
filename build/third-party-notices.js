// The legal comment at the top of every CDN file: this package's license, and for each package the
// bundle inlines its name, version, license and copyright line. MIT and BSD-3-Clause ask that the
// copyright notice travel with every copy, and a minified bundle keeps no comment of its own; the
// full license texts are in THIRD-PARTY-NOTICES.md, which the npm package ships beside cdn/.
// Made from the modules the bundler put in the chunk, so it names what is in the file, no more.
// Used by vite.config.ts (`postBanner`: after minification) and by scripts/size.js, which puts
// the same comment on uPlot alone when it measures the chart's budget against it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The package directory a bundled module comes from (the innermost node_modules), or undefined for own code. */
export function packageDirOf(id) {
  const at = id.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const rest = id.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return `${id.slice(0, at)}/node_modules/${name}`;
}

/**
 * The license text of the package in `dir`: its LICENSE file, or for a package that ships none
 * (@bufbuild/protobuf states its licenses in each source file's header) the copy of those headers
 * in build/licenses/ (`@scope__name.txt`).
 */
export function licenseText(dir) {
  const licenseFile = existsSync(dir) ? readdirSync(dir).find((f) => /^licen[cs]e/i.test(f)) : undefined;
  if (licenseFile) return readFileSync(join(dir, licenseFile), 'utf8');
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const copy = join(root, 'build', 'licenses', `${name.replace('/', '__')}.txt`);
  return existsSync(copy) ? readFileSync(copy, 'utf8') : '';
}

/** `{name, version, license, copyright}` of the package in `dir`, from its package.json and license text. */
export function packageNotice(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const text = licenseText(dir);
  // The holder's line, not the clause that mentions "the above copyright notice".
  const copyright = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^copyright\b/i.test(line) && !/above copyright/i.test(line));
  if (!copyright) throw new Error(`third-party notices: no copyright line in ${dir}'s license file`);
  const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see its LICENSE');
  return { name: pkg.name, version: pkg.version, license, copyright: copyright.replace(/\*\//g, '* /') };
}

/** The third-party packages among `moduleIds`, one notice each, sorted by name. */
export function noticesOf(moduleIds) {
  const dirs = new Set(moduleIds.map((id) => packageDirOf(id.replace(/^\0/, ''))).filter(Boolean));
  return [...dirs].map(packageNotice).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The comment for a chunk (rolldown's `postBanner`): `/*!` so that no later minifier drops it. */
export function noticeBanner(chunk) {
  const lines = [
    `/*! ${own.name} ${own.version} | ${own.license} License | full license texts: THIRD-PARTY-NOTICES.md in the npm package`,
    ...noticesOf(chunk.moduleIds).map((n) => ` * includes ${n.name} ${n.version} (${n.license}) ${n.copyright}`),
    ' */',
  ];
  return lines.join('\n');
}
