// The README's pictures of the demo: starts npm start's server (broker and simulated plant
// included), opens the pages in headless Chromium at desktop and phone width once data has
// arrived, and writes demo/screenshots/*.png (each under 200 KB, or this fails).
// Run: node scripts/demo-screenshots.js
/* global document -- the `ready` and `prepare` callbacks run in the page */
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchPlaywrightChromium } from './launch-browser.js';
import { startDemoServer } from './demo-server.js';

const OUT = fileURLToPath(new URL('../demo/screenshots/', import.meta.url));
const MAX_BYTES = 200 * 1024;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** What each picture waits for before it is taken: the page showing live data. */
const SHOTS = [
  {
    name: 'dashboard',
    path: '/dashboard.html',
    ready: () =>
      document.querySelectorAll('#rooms .row[level]').length === 3 &&
      document.querySelectorAll('#devices .row').length === 6 &&
      /\d/.test(document.getElementById('tank-level').textContent) &&
      document.getElementById('relay-state').textContent.includes('confirmed') &&
      // 20 s of the boiler on its chart, so that the charts show lines rather than dots.
      document.getElementById('boiler-chart').series[0]?.points.length >= 20,
  },
  {
    name: 'console',
    path: '/console.html',
    ready: () => document.querySelectorAll('#log li').length >= 10,
  },
  {
    name: 'guide',
    path: '/guide.html',
    // Desktop only, and the first screen of it: the two columns side by side.
    sizes: ['desktop'],
    fullPage: false,
    // The guide's MQTTX stand-in has said hello, and both sides have published once.
    ready: () => document.querySelectorAll('#elements-live mqtt-subscribe li').length >= 3,
    prepare: async (page) => {
      await page.waitForFunction(() => document.getElementById('elements-connection').status === 'connected');
      await page.waitForFunction(() => document.getElementById('mqttjs-console').textContent.includes('Client connected'));
      await page.click('#elements-live mqtt-publish button');
      await page.click('#mqttjs-publish');
    },
  },
];

mkdirSync(OUT, { recursive: true });
const demo = await startDemoServer();
const browser = await launchPlaywrightChromium();
const tooBig = [];
try {
  for (const shot of SHOTS) {
    for (const size of shot.sizes ?? ['desktop', 'phone']) {
      const viewport = size === 'desktop' ? DESKTOP : PHONE;
      const page = await browser.newPage({ viewport, deviceScaleFactor: 1, colorScheme: 'light' });
      await page.goto(demo.base + shot.path);
      await shot.prepare?.(page);
      await page.waitForFunction(shot.ready, undefined, { timeout: 40000, polling: 100 });
      await page.evaluate(() => document.activeElement?.blur());
      const file = `${OUT}${shot.name}-${size}.png`;
      await page.screenshot({ path: file, fullPage: shot.fullPage ?? true });
      const bytes = statSync(file).size;
      console.log(`${file.slice(OUT.length - 'demo/screenshots/'.length)}: ${Math.round(bytes / 1024)} KB`);
      if (bytes > MAX_BYTES) tooBig.push(file);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await demo.close();
}
if (tooBig.length > 0) {
  console.error(`over ${MAX_BYTES / 1024} KB: ${tooBig.join(', ')}`);
  process.exitCode = 1;
}
