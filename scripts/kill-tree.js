// Kills every process a Node process started, however deep: browsers that do not answer their
// close command, their helpers, brokers. Shared by the browser-test runner and the whole-page
// tests so that a hung shutdown ends a run instead of holding CI until its time limit (see
// closeWithin in time-limit.js).
import { readdirSync, readFileSync } from 'node:fs';

/** Every live process below `root` (Linux /proc; elsewhere none are found). */
export function descendants(root = process.pid) {
  const children = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of entries) {
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  const found = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** SIGKILLs every descendant of `root`; returns how many were signalled. */
export function killDescendants(root = process.pid) {
  let killed = 0;
  for (const pid of descendants(root)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

/** SIGKILLs `pid` and everything below it: a browser whose close hung, with its helpers. */
export function killTree(pid) {
  if (!pid) return;
  killDescendants(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
