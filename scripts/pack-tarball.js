// The package as published, for the checks that need it (test/node/bundled-app.test.js,
// scripts/check-package.js): `npm pack` of what is built now, into a directory of the caller's.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The environment for npm run from here. Under `npm test` the parent npm exports where it runs
 * (`npm_config_local_prefix`, the script's own `npm_package_*` / `npm_lifecycle_*`); those must
 * not steer this npm. Settings such as `npm_config_cache` or `npm_config_registry` are kept.
 */
export function npmEnv() {
  const env = { ...process.env };
  const where = /^npm_(config_(local_prefix|prefix|global_prefix|global)$|package_|lifecycle_|command$)/i;
  for (const key of Object.keys(env)) if (where.test(key)) delete env[key];
  return env;
}

/** Packs the package at `root` into `destination`; returns the tarball's path. */
export function packTarball(root, destination) {
  // --ignore-scripts: pack what is built now, without `prepack` building it all again.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: root,
    env: npmEnv(),
    encoding: 'utf8',
    timeout: 90_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(out);
  return join(destination, packed.filename);
}
