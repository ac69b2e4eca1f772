// `npm run test:types`, the Svelte part: svelte-check over test/types/svelte/ (the generated
// `mqtt-elements/types/svelte` against the built package). Dashboard.svelte must have no error, and
// Wrong.svelte exactly one on each line after an `expect-error` comment: svelte-check has no
// `@ts-expect-error` for markup, so this script is what makes a vanished error fail.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const workspace = fileURLToPath(new URL('./svelte/', import.meta.url));
const bin = createRequire(import.meta.url).resolve('svelte-check/bin/svelte-check');

let output;
try {
  output = execFileSync(process.execPath, [bin, '--workspace', workspace, '--tsconfig', './tsconfig.json', '--output', 'machine'], { encoding: 'utf8' });
} catch (error) {
  // svelte-check exits 1 when it found errors, as Wrong.svelte makes it: its output is the verdict.
  output = error.stdout ?? '';
  if (!/ COMPLETED /.test(output)) throw error;
}

/** `{file, line, message}` per ERROR or WARNING line of svelte-check's machine output. */
const problems = [...output.matchAll(/^\d+ (?:ERROR|WARNING) "([^"]+)" (\d+):\d+ (.*)$/gm)].map(([, file, line, message]) => ({ file, line: Number(line), message }));

const wrong = readFileSync(new URL('./svelte/Wrong.svelte', import.meta.url), 'utf8').split('\n');
const expected = wrong.flatMap((text, i) => (/<!-- expect-error: /.test(text) ? [i + 2] : []));

const failures = [];
for (const p of problems.filter((p) => p.file !== 'Wrong.svelte')) failures.push(`${p.file}:${p.line}: unexpected: ${p.message}`);
const wrongLines = problems.filter((p) => p.file === 'Wrong.svelte').map((p) => p.line);
for (const line of expected) {
  if (!wrongLines.includes(line)) failures.push(`Wrong.svelte:${line}: no error, expected one (${wrong[line - 2].trim()})`);
}
for (const p of problems.filter((p) => p.file === 'Wrong.svelte' && !expected.includes(p.line))) failures.push(`Wrong.svelte:${p.line}: unexpected: ${p.message}`);

if (expected.length === 0) failures.push('Wrong.svelte has no `expect-error` line');
if (failures.length) {
  console.error(`svelte-check type test failed:\n${failures.join('\n')}\n\nsvelte-check said:\n${output}`);
  process.exit(1);
}
console.log(`svelte-check type test: Dashboard.svelte clean, Wrong.svelte refused on all ${expected.length} expected lines`);
