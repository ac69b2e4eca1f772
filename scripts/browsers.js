// Where Debian puts the browsers the tests, whole-page tests and benchmarks drive, and how
// Chromium must be started here (TOOLCHAIN.md): one place, so the three cannot drift apart.
export const CHROMIUM = '/usr/bin/chromium';
export const FIREFOX = '/usr/bin/firefox-esr';

/** Without the background-networking flags Chromium dials hosts this closed network refuses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
