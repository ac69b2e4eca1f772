// Browsers whose tabs all open in one browser context, as a user's tabs do: a BroadcastChannel or
// a Web Lock reaches from one tab to the others. (support.js's launcher gives each Chromium page a
// context of its own, which would isolate them.) Used by tabs.test.js, shared.test.js, store.test.js
// and bench/shared-worker.js. Each tab can `crash()`: Chromium crashes its renderer, Firefox and
// WebKit SIGKILL their web content processes (scripts/launch-browser.js).
import { launchBrowser } from '../../scripts/launch-browser.js';

/** `launchers[name]()` starts that browser with one context for every tab; `close()` is bounded. */
export const launchers = {
  chromium: () => launchBrowser('chromium', { oneContext: true }),
  firefox: () => launchBrowser('firefox', { oneContext: true }),
  webkit: () => launchBrowser('webkit', { oneContext: true }),
};
