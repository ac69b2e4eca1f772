// What a browser costs in memory, for the tabs test (test/e2e/shared.test.js) and the
// SharedWorker benchmark (bench/shared-worker.js). Linux only (/proc).
import { readFileSync } from 'node:fs';
import { descendants } from './kill-tree.js';

/**
 * The memory `pid` and its descendants hold, kB: the sum of their PSS (proportional set size, so
 * pages shared between processes are counted once), from /proc/<pid>/smaps_rollup.
 */
export function browserPss(pid) {
  let kb = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended while we looked
    }
  }
  return kb;
}
