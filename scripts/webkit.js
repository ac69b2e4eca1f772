// WebKit for the browser tests (issue 20): WebKitGTK's MiniBrowser, driven by Debian's
// WebKitWebDriver (WebDriver classic), on an Xvfb display of its own (MiniBrowser has no headless
// mode). One place starts the pair and stops it, for web-test-runner (browser-tests.js) and the
// whole-page tests (launch-browser.js, through webkit-pages.js). Each pair gets a free display
// (Xvfb -displayfd) and a free port, so that runs side by side do not meet. Both stay in this process's process group
// (a `timeout` or a CI job that kills the group takes them too) and are killed with everything
// below them (MiniBrowser, its web processes) on stop() and on every way this process ends that
// runs code: exit, a thrown error, SIGINT, SIGTERM, SIGHUP.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { WEBKIT, WEBKIT_DRIVER, XVFB } from './browsers.js';
import { killTree } from './kill-tree.js';
import { within } from './time-limit.js';

const START_MS = 30000;
const live = new Set();

/** SIGKILLs `child` and everything below it, if it still runs. */
function kill(child) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  killTree(child.pid);
}

const killAll = () => {
  for (const child of live) kill(child);
};
process.on('exit', killAll);
// A signal ends Node without its exit handlers: kill ours, then, where nobody else handles the
// signal (the runners' bounded shutdown does, for SIGINT and SIGTERM), end as the signal would.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  const onSignal = () => {
    killAll();
    if (process.listenerCount(signal) === 1) {
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    }
  };
  process.on(signal, onSignal);
}

/** A TCP port nobody listens on right now, for the driver. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `bin`, remembered for the exit and signal handlers. */
function start(bin, args, options = {}) {
  const child = spawn(bin, args, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Xvfb on the first free display: it writes the display's number to fd 3 once it accepts clients. */
async function startXvfb() {
  const xvfb = start(XVFB, ['-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  xvfb.stderr.on('data', (d) => (stderr += d));
  const display = await within(
    new Promise((resolve, reject) => {
      let out = '';
      xvfb.stdio[3].on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(`:${out.trim()}`);
      });
      xvfb.once('error', reject);
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited ${code} before it gave a display: ${stderr.trim()}`)));
    }),
    START_MS,
    'Xvfb',
  ).catch((error) => {
    kill(xvfb);
    throw error;
  });
  return { xvfb, display };
}

/** Resolves once the driver at `url` answers /status as ready. */
async function driverReady(url, driver) {
  const deadline = Date.now() + START_MS;
  for (;;) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited ${driver.exitCode}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok && (await res.json()).value?.ready !== false) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${url} within ${START_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100)); // the driver has no readiness event to await
  }
}

/**
 * Starts Xvfb and WebKitWebDriver. `env` is added to the browser's environment (LANG, say: the
 * driver starts MiniBrowser with its own). Resolves with the driver's port and the capabilities
 * of a MiniBrowser session, the driver's pid (MiniBrowser runs below it), and `stop()`, which kills both (idempotent).
 * @param {{ env?: Record<string, string> }} [options]
 */
export async function startWebKit({ env = {} } = {}) {
  const { xvfb, display } = await startXvfb();
  let driver;
  const stop = async () => {
    kill(driver);
    kill(xvfb);
  };
  try {
    const port = await freePort();
    driver = start(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: display, ...env },
    });
    await driverReady(`http://127.0.0.1:${port}`, driver);
    return { port, display, pid: driver.pid, capabilities: webkitCapabilities(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A MiniBrowser session, in WebDriver classic (webdriverio 9 would ask for BiDi otherwise). */
export function webkitCapabilities() {
  return {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: WEBKIT, args: ['--automation'] },
    'wdio:enforceWebDriverClassic': true,
  };
}
