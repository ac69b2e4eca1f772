// Where Debian puts the browsers the tests, whole-page tests and benchmarks drive, and how
// Chromium must be started here (TOOLCHAIN.md): one place, so the three cannot drift apart.
export const CHROMIUM = '/usr/bin/chromium';
export const FIREFOX = '/usr/bin/firefox-esr';
/** WebKitGTK's MiniBrowser (package libwebkit2gtk-4.1-0), its WebDriver (webkit2gtk-driver) and Xvfb. */
export const WEBKIT = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const XVFB = '/usr/bin/Xvfb';

/** Without the background-networking flags Chromium dials hosts this closed network refuses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Playwright's flags that keep background pages running at full speed: a test of what a
 * background tab does starts Chromium without them (`ignoreDefaultArgs`; Puppeteer passes the
 * first three too).
 */
export const CHROMIUM_UNTHROTTLING_ARGS = [
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * Chromium's intensive wake-up throttling of hidden tabs (chained timers woken once a minute), on
 * for sure and after 10 s hidden instead of 5 minutes, so that a bounded test sees it.
 */
export const CHROMIUM_INTENSIVE_THROTTLING_ARGS = [
  '--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/10',
  '--intensive-wake-up-throttling-policy=1',
];
