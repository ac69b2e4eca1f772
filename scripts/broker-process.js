// What the spawned brokers (ejabberd, RabbitMQ and its epmd) share: free ports, readiness waits,
// captured logs, and stopping a process group within a time limit, also when the Node process
// that started it dies without cleaning up. Plain ESM JavaScript so that Node loads it without a
// compile step.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const MAX_LOG_LINES = 20000;

/** A port the kernel has free on 127.0.0.1 now (the probe is closed again). */
function probePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Ports this process has handed out. The probe is closed before the broker binds its port, so the
 * kernel may offer the same one to the next probe: ejabberd once got it for both its listeners
 * ("Overlapping listeners found") in a clean-clone CI run.
 */
const handedOut = new Set();

/**
 * Asks the kernel for a free port on 127.0.0.1 (closed again before the broker binds it), never one
 * this process handed out before: one broker's listeners, and brokers started side by side, get
 * distinct ports.
 */
export async function freePort() {
  for (let tries = 1; ; tries++) {
    const port = await probePort();
    if (!handedOut.has(port) || tries >= 50) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Whether a TCP connect to 127.0.0.1:`port` succeeds now. */
function accepts(port) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Resolves once every port accepts TCP connections. Rejects when `proc` exits first or after
 * `timeoutMs`, naming `what`.
 * @param {number[]} ports
 * @param {BrokerProcess} proc
 */
export async function waitForPorts(ports, proc, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (await accepts(port)) break;
      if (proc.exitInfo) throw new Error(`${what} exited during start-up (${proc.exitInfo})`);
      if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50)); // poll interval, not a wait for an outcome
    }
  }
}

/**
 * A child process in a process group of its own, with its stdout and stderr kept as timestamped
 * lines. Erlang starts helpers (erl_child_setup, inet_gethost, a shell for the disk monitor):
 * signalling the group reaches the ones that share it, and the others exit with the VM.
 */
export class BrokerProcess {
  /**
   * @param {string} what a name for messages
   * @param {string} command
   * @param {string[]} args
   * @param {{cwd?: string, env?: NodeJS.ProcessEnv, lines?: string[]}} [options]
   *   `lines`: keep the log in this array (a restart continues the same log)
   */
  constructor(what, command, args, { cwd, env, lines = [] } = {}) {
    this.what = what;
    /** @type {string[]} "<ISO time> <line>", ANSI colours removed; shared with earlier runs */
    this.lines = lines;
    /** @type {string[]} this run's lines only (what readiness waits look at) */
    this.ownLines = [];
    this.exitInfo = '';
    /** @type {Array<(line: string) => void>} */
    this.listeners = [];
    this.child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = `code ${code}, signal ${signal}`;
        resolve(undefined);
      });
      this.child.once('error', (err) => {
        this.exitInfo = err.message;
        resolve(undefined);
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const raw of parts) {
          // eslint-disable-next-line no-control-regex
          const line = `${new Date().toISOString()} ${raw.replace(/\x1b\[[0-9;]*m/g, '')}`;
          for (const list of [this.lines, this.ownLines]) {
            list.push(line);
            if (list.length > MAX_LOG_LINES) list.splice(0, list.length - MAX_LOG_LINES);
          }
          for (const listener of this.listeners) listener(line);
        }
      });
    }
  }

  get running() {
    return !this.exitInfo;
  }

  /** Resolves with the first line this run logs (or has logged) that matches `pattern`. */
  waitForLine(pattern, timeoutMs) {
    const seen = this.ownLines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (fn, value) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        fn(value);
      };
      const listener = (line) => pattern.test(line) && done(resolve, line);
      this.listeners.push(listener);
      const timer = setTimeout(
        () => done(reject, new Error(`${this.what}: no log line ${pattern} within ${timeoutMs} ms\n${this.tail()}`)),
        timeoutMs,
      );
      this.exited.then(() =>
        done(reject, new Error(`${this.what} exited during start-up (${this.exitInfo})\n${this.tail()}`)),
      );
    });
  }

  /** The last lines of the log, for error messages. */
  tail(count = 30) {
    return this.ownLines.slice(-count).join('\n');
  }

  /** Signals the whole process group; false when it is already gone. */
  signalGroup(signal) {
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * SIGTERM to the process itself (Erlang VMs and RabbitMQ's launcher stop cleanly on it), then,
   * after `graceMs`, SIGKILL to the group. Resolves once the process has exited.
   */
  async stop(graceMs = 5000) {
    if (this.running) {
      try {
        this.child.kill('SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.signalGroup('SIGKILL'); // what is left of the group: helpers that did not follow the VM
  }

  /** SIGKILL to the whole group, like a crash or a pulled plug; resolves once the process is gone. */
  async kill() {
    this.signalGroup('SIGKILL');
    await this.exited;
  }
}

/**
 * The test runner can exit without stopping what it started (SIGINT, a crash, SIGKILL). This
 * watchdog reads a pipe from us that nobody writes: EOF means we are gone, so it stops the
 * process groups named by `pgids()` (read each time it is re-armed) and removes `dir`. Re-arm it
 * after a restart with the new process ids; disarm it before a clean stop, so that it does not
 * race the stop to the temp dir.
 */
export class Watchdog {
  constructor(dir) {
    this.dir = dir;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.proc = undefined;
  }

  /** @param {number[]} pgids */
  arm(pgids) {
    this.disarm();
    const groups = pgids.map((p) => `-${p}`).join(' ');
    const script = `read _; kill -TERM -- ${groups} 2>/dev/null; sleep 3; kill -KILL -- ${groups} 2>/dev/null; rm -rf "$0"`;
    this.proc = spawn('sh', ['-c', script, this.dir], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.proc.unref();
    /** @type {any} */ (this.proc.stdin).unref?.();
  }

  disarm() {
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
  }
}
