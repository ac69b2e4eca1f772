// `node scripts/test-dependency-range.js lowest|newest`: builds and tests a copy of this checkout
// with the runtime dependencies at the lowest, or the newest, versions that package.json's `^`
// ranges allow (README: Runtime dependencies, and why): `npm run build`, `npm run test:unit`, and the whole-page tests
// `test/e2e/pages.test.js` and `test/e2e/csp.test.js` against mosquitto, in the browsers of
// BROWSERS (default all three). .ci/run runs it twice after `npm test`.
//
// The copy: the checkout's files (tracked, and new ones not ignored) in a temp dir, with a copy of
// its node_modules (as `npm ci` left it); the checkout itself is never touched. Then:
// - lowest: every `dependencies` entry at the floor of its range, installed exactly
//   (`npm install --save-exact lit@<floor> mqtt@<floor> …`). Lit's own packages under lit and
//   @lit/context (lit-html, lit-element, @lit/reactive-element) go to the lowest version all their
//   dependents' ranges allow, installed the same way: left alone, npm would give them their newest,
//   and code that needs a newer lit-html than the lit floor brings would pass. MQTT.js's own
//   dependencies (mqtt-packet, …) stay as locked.
// - newest: `npm update --prefer-online` of every package in the runtime dependency tree, so each
//   is at the newest version its dependents' ranges allow, asked of the registry rather than taken
//   from the lock or the cache. The dev tooling stays as locked.
// Either way the versions installed are printed, and the run fails if the runtime tree holds any
// other version of those packages than the one intended.
//
// To try other ranges before changing package.json: DEPENDENCY_RANGES='{"mqtt":"^5.11.0"}' sets
// them in the copy only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const mode = process.argv[2];
if (mode !== 'lowest' && mode !== 'newest') {
  console.error('usage: node scripts/test-dependency-range.js lowest|newest');
  process.exit(2);
}

/** Lit's packages: released together, and reached through `lit`'s re-exports. */
const LIT_FAMILY = /^(lit|lit-html|lit-element|@lit\/.+)$/;

const started = Date.now();
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;
const say = (text) => console.log(`\n[dependency range: ${mode}] ${text}`);

/** Runs a command in `cwd` with the output shown; returns whether it exited 0. */
function run(cmd, args, cwd, env = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const result = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** Runs a command in `cwd` and returns its stdout; throws, with its stderr, if it fails. */
function output(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** `npm view <spec> <field> --json`, always as an array (npm gives one value bare). */
function npmView(spec, field, cwd) {
  const text = output('npm', ['view', spec, field, '--json'], cwd).trim();
  if (!text) return [];
  const value = JSON.parse(text);
  return Array.isArray(value) ? value : [value];
}

/** Compares two plain x.y.z versions. */
function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split(/[.+-]/).slice(0, 3).map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The floor of a `^x.y.z` range; anything else is refused (the README promises `^` ranges). */
function floorOf(name, range) {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!match) throw new Error(`dependencies.${name} is "${range}": expected a ^x.y.z range`);
  return match[1];
}

/**
 * The lowest versions for `mode === 'lowest'`: the direct dependencies at their floors, and Lit's
 * packages below them at the lowest version that satisfies every range put on them by the
 * packages chosen (repeated until nothing changes, since each choice brings its own ranges).
 */
function lowestVersions(dependencies, cwd) {
  const chosen = new Map(Object.entries(dependencies).map(([name, range]) => [name, floorOf(name, range)]));
  const direct = new Set(chosen.keys());
  for (let round = 0; round < 10; round++) {
    /** name → the ranges the chosen packages put on it */
    const ranges = new Map();
    for (const [name, version] of chosen) {
      if (!LIT_FAMILY.test(name)) continue;
      const [deps = {}] = npmView(`${name}@${version}`, 'dependencies', cwd);
      for (const [dep, range] of Object.entries(deps)) {
        if (LIT_FAMILY.test(dep)) ranges.set(dep, [...(ranges.get(dep) ?? []), range]);
      }
    }
    let changed = false;
    for (const [dep, depRanges] of ranges) {
      // The versions each range allows; the lowest that all allow.
      const allowed = depRanges.map((range) => new Set(npmView(`${dep}@${range}`, 'version', cwd)));
      const common = [...allowed[0]].filter((v) => allowed.every((set) => set.has(v))).sort(compareVersions);
      if (direct.has(dep)) {
        if (!common.includes(chosen.get(dep))) {
          throw new Error(`${dep}@${chosen.get(dep)} (a floor of ours) is outside what others ask: ${depRanges.join(', ')}`);
        }
        continue;
      }
      if (common.length === 0) throw new Error(`no version of ${dep} satisfies all of ${depRanges.join(', ')}`);
      if (chosen.get(dep) !== common[0]) {
        chosen.set(dep, common[0]);
        changed = true;
      }
    }
    if (!changed) return chosen;
  }
  throw new Error('the lowest versions did not settle');
}

/** Every version of each package in the installed runtime tree (`npm ls --omit=dev`). */
function installedRuntimeVersions(cwd) {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const tree = JSON.parse(result.stdout);
  /** @type {Map<string, Set<string>>} */
  const versions = new Map();
  const walk = (deps = {}) => {
    for (const [name, node] of Object.entries(deps)) {
      if (!versions.has(name)) versions.set(name, new Set());
      if (node.version) versions.get(name).add(node.version);
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  return { versions, problems: tree.problems ?? [] };
}

/** The copy: the checkout's files (tracked, and new ones not ignored) and its node_modules. */
function copyCheckout(work) {
  const files = output('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repo)
    .split('\0')
    .filter((file) => file && existsSync(join(repo, file)));
  for (const file of files) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    cpSync(join(repo, file), join(work, file));
  }
  if (!existsSync(join(repo, 'node_modules'))) throw new Error('node_modules is missing: run npm ci first');
  if (!run('cp', ['-a', join(repo, 'node_modules'), work], repo)) throw new Error('copying node_modules failed');
  return files.length;
}

const work = mkdtempSync(join(tmpdir(), `mqtt-elements-${mode}-`));
const cleanUp = () => rmSync(work, { recursive: true, force: true });
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));

const failures = [];
const steps = [];
/** Runs one step, timed; a failed step is recorded and the run goes on unless `essential`. */
function step(name, fn, { essential = false } = {}) {
  const since = Date.now();
  say(name);
  let ok;
  try {
    ok = fn() !== false;
  } catch (err) {
    console.error(String(err?.message ?? err));
    ok = false;
  }
  steps.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds(since)})`);
  if (!ok) failures.push(name);
  if (!ok && essential) finish();
}

function finish() {
  say('summary');
  for (const line of steps) console.log(`  ${line}`);
  // The plain line .ci/run reads and repeats.
  console.log(`dependency range ${mode}: ${failures.length ? `FAILED (${failures.join(', ')})` : 'passed'} in ${seconds(started)}`);
  process.exit(failures.length ? 1 : 0);
}

step(`copy the checkout to ${work}`, () => {
  console.log(`${copyCheckout(work)} files and node_modules copied`);
}, { essential: true });

const pkg = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
if (process.env.DEPENDENCY_RANGES) {
  Object.assign(pkg.dependencies, JSON.parse(process.env.DEPENDENCY_RANGES));
  writeFileSync(join(work, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  say(`ranges tried (DEPENDENCY_RANGES): ${JSON.stringify(pkg.dependencies)}`);
}
/** name → the version this run must end up with */
let intended;

step(`install the ${mode} versions`, () => {
  if (mode === 'lowest') {
    intended = lowestVersions(pkg.dependencies, work);
    const specs = [...intended].map(([name, version]) => `${name}@${version}`);
    // Lit's packages below lit become dependencies of the copy, so that npm places the chosen
    // versions at the top and the packages that need them use them.
    if (!run('npm', ['install', '--save-exact', '--no-audit', '--no-fund', ...specs], work)) return false;
  } else {
    const before = installedRuntimeVersions(work).versions;
    // Optional peers that are not installed (ws's bufferutil) have no version: not asked for.
    const names = [...before].filter(([, v]) => v.size > 0).map(([name]) => name).sort();
    if (!run('npm', ['update', '--prefer-online', '--no-audit', '--no-fund', ...names], work)) return false;
    const after = installedRuntimeVersions(work).versions;
    const moved = names.filter((name) => [...before.get(name)].join() !== [...(after.get(name) ?? [])].join());
    console.log(`newer than the lock: ${moved.map((name) => `${name} ${[...before.get(name)].join(', ')} → ${[...(after.get(name) ?? [])].join(', ')}`).join('; ') || 'none'}`);
    // The direct dependencies must be at the newest their ranges allow; the rest follow theirs.
    intended = new Map();
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      intended.set(name, npmView(`${name}@${range}`, 'version', work).sort(compareVersions).at(-1));
    }
    for (const name of names) {
      if (LIT_FAMILY.test(name) && !intended.has(name)) intended.set(name, undefined);
    }
  }
  const { versions, problems } = installedRuntimeVersions(work);
  let ok = problems.length === 0;
  for (const problem of problems) console.error(`npm ls: ${problem}`);
  console.log('runtime packages installed:');
  for (const [name, want] of intended) {
    const have = [...(versions.get(name) ?? [])];
    const good = have.length === 1 && (want === undefined || have[0] === want);
    if (!good) ok = false;
    console.log(`  ${name} ${have.join(', ') || 'missing'}${want && !good ? ` (expected ${want} only)` : ''}`);
  }
  const others = [...versions].filter(([name, v]) => !intended.has(name) && v.size > 0);
  console.log(`  and below them: ${others.map(([name, v]) => `${name} ${[...v].join(', ')}`).join('; ')}`);
  return ok;
}, { essential: true });

step('npm run build', () => run('npm', ['run', 'build'], work), { essential: true });
step('npm run test:unit', () => run('npm', ['run', 'test:unit'], work));
step('whole-page tests (pages, csp)', () =>
  run('node', ['--test', '--test-concurrency=2', '--test-timeout=420000', 'test/e2e/pages.test.js', 'test/e2e/csp.test.js'], work),
);
finish();
