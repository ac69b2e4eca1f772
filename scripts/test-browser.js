// `npm run test:unit` and `npm run test:integration`: web-test-runner with the config given by
// --config (web-test-runner.unit.config.js, web-test-runner.config.js), plus a bounded shutdown.
//
// Why not the plain `web-test-runner` binary: after "Finished running tests … all tests passed",
// it waits for every browser to close and every server and plugin to stop before it exits, with
// no time limit. Here the tests' verdict is final once they finish:
// shutdown gets STOP_BUDGET_MS, then whatever this process started (browsers, mosquitto) is
// killed and the process exits with the verdict, naming what was still stopping.
import { startTestRunner } from '@web/test-runner';
import { killDescendants } from './kill-tree.js';

const STOP_BUDGET_MS = 20000;

function exit(code) {
  killDescendants();
  process.exit(code);
}

// One line before the run's own output: .ci/run adds up the last progress line per browser of
// each run (`npm test` makes two), and this is where one run's lines end and the next one's begin.
console.log(`\nweb-test-runner run: ${process.argv.slice(2).join(' ')}`);

const runner = await startTestRunner({ autoExitProcess: false });
// startTestRunner has already reported a start-up error and arranged exit code 1.
if (!runner) process.exitCode = 1;
else {
  // What is still stopping when the budget runs out, so that a hang names its culprit.
  const pending = new Set();
  const track = (name, target, method) => {
    const original = target?.[method]?.bind(target);
    if (!original) return;
    target[method] = async (...args) => {
      pending.add(name);
      try {
        return await original(...args);
      } finally {
        pending.delete(name);
      }
    };
  };
  runner.browsers.forEach((browser) => track(`browser ${browser.name}`, browser, 'stop'));
  const { devServer } = runner.server;
  track('file watcher', devServer.fileWatcher, 'close');
  track('HTTP server', devServer, 'closeServer');
  for (const plugin of devServer.config.plugins ?? []) track(`plugin ${plugin.name}`, plugin, 'serverStop');

  let verdict;
  const bound = (code) => {
    verdict ??= code;
    setTimeout(() => {
      console.error(
        `\nweb-test-runner did not shut down within ${STOP_BUDGET_MS / 1000} s ` +
          `(still stopping: ${[...pending].join(', ') || 'unknown'}); killing what it started.`,
      );
      exit(verdict);
    }, STOP_BUDGET_MS);
  };
  runner.on('finished', (passed) => bound(passed ? 0 : 1));
  runner.on('stopped', (passed) => exit(verdict ?? (passed ? 0 : 1)));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      bound(1);
      runner.stop();
    });
  }
  process.on('uncaughtException', (error) => {
    console.error('Uncaught exception, stopping the test runner\n', error);
    bound(1);
    runner.stop();
  });
}
