// What the two web-test-runner configs share: the browsers (BROWSERS=chromium or BROWSERS=firefox
// runs one; the default is both), TypeScript, timeouts and log filtering. The unit config
// (web-test-runner.unit.config.js) adds nothing; the broker config (web-test-runner.config.js)
// adds the plugin that runs the brokers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromeLauncher } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import puppeteerCore from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX, WEBKIT, WEBKIT_DRIVER, XVFB } from './browsers.js';
import { startWebKit, webkitCapabilities } from './webkit.js';

/**
 * web-test-runner's WebDriver launcher, with the driver it talks to started first: Xvfb and
 * WebKitWebDriver on a free display and port when the first test file needs the browser, killed
 * when the launcher stops (and by scripts/webkit.js when the process exits however it ends).
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    super({ hostname: '127.0.0.1', port: 0, capabilities: webkitCapabilities() });
  }

  async initialize(config) {
    await super.initialize(config);
    this.name = 'WebKit'; // the progress line's label (.ci/run counts per label), not "MiniBrowser"
  }

  async createDriverManager() {
    this.webkit ??= await startWebKit();
    this.options.port = this.webkit.port;
    return super.createDriverManager();
  }

  async stop() {
    try {
      await super.stop();
    } finally {
      await this.webkit?.stop();
      this.webkit = undefined;
    }
  }
}

const launchers = {
  // Playwright's own Chromium download is not available here: drive Debian's build.
  chromium: () =>
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      },
    }),
  // Playwright's Firefox needs a patched build; puppeteer's WebDriver BiDi drives stock Firefox ESR.
  firefox: () =>
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: { browser: 'firefox', executablePath: FIREFOX, headless: true },
    }),
  // WebKitGTK's MiniBrowser through WebDriver classic (no CDP): scripts/webkit.js.
  webkit: () => new WebKitLauncher(),
};
const binaries = { chromium: [CHROMIUM], firefox: [FIREFOX], webkit: [WEBKIT, WEBKIT_DRIVER, XVFB] };

/** The browsers BROWSERS names, each checked to be installed. */
export function wantedBrowsers() {
  const wanted = (process.env.BROWSERS ?? 'chromium,firefox,webkit')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const name of wanted) {
    if (!launchers[name]) throw new Error(`BROWSERS: unknown browser "${name}" (use chromium, firefox, webkit)`);
    // A missing browser must fail the run, not quietly shrink the matrix.
    for (const binary of binaries[name]) {
      if (!existsSync(binary)) throw new Error(`${binary} not found: install it (scripts/install-system-deps.sh)`);
    }
  }
  return wanted;
}

/**
 * A web-test-runner config for `files`, with `plugins` after the TypeScript one.
 * @param {{ files: string[], plugins?: import('@web/test-runner').TestRunnerPlugin[] }} options
 */
export function browserTestConfig({ files, plugins = [] }) {
  return {
    files,
    nodeResolve: { browser: true }, // else `mqtt` resolves to its Node build
    plugins: [
      // The tsconfig carries experimentalDecorators; without it esbuild leaves `@` in the output.
      esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) }),
      ...plugins,
    ],
    browsers: wantedBrowsers().map((name) => launchers[name]()),
    // 2 cores: one page per browser, both browsers side by side.
    concurrency: 1,
    concurrentBrowsers: 2,
    browserStartTimeout: 60000,
    testsStartTimeout: 60000,
    testsFinishTimeout: 180000,
    // Tests take well under a second; the margin is for Firefox on a loaded 2-core CI machine.
    testFramework: { config: { timeout: 20000 } },
    // Tests import lit in dev mode on purpose (its warnings help); its banner per file is noise.
    // Tests that a throwing callback is re-thrown later (reportLater) throw errors marked as such;
    // they assert on them, so their log lines would only look like failures.
    filterBrowserLogs: ({ args }) =>
      !(typeof args[0] === 'string' && args[0].startsWith('Lit is in dev mode')) &&
      !args.some((arg) => String(arg?.message ?? arg).includes('(thrown on purpose by a test)')),
  };
}

/** Test files that use the brokers: named `*.broker.test.ts` wherever they are. */
export const BROKER_TESTS = 'test/**/*.broker.test.ts';
