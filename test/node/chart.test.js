// mqtt-elements/chart in Node: the entry and its React wrapper import without a DOM (SSR), and
// the uPlot stylesheet the chart adopts (src/chart/uplot-css.ts) is the installed uPlot's.
// Imports go through the package's name, so `exports` resolves them to dist/ as for an app.
// Run after `npm run build`.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

before(() => {
  for (const file of ['dist/chart/index.js', 'dist/chart/react.js']) {
    if (!existsSync(`${root}${file}`)) throw new Error(`${file} is missing: run npm run build first`);
  }
});

describe('mqtt-elements/chart in Node without a DOM', () => {
  it("imports 'mqtt-elements/chart' without registering anything, and exports the element class", async () => {
    assert.equal(typeof globalThis.document, 'undefined', 'this test needs a DOM-free Node');
    const m = await import('mqtt-elements/chart');
    assert.equal(typeof m.MqttChartElement, 'function');
    assert.equal(typeof m.MqttChartElement.define, 'function');
    // lit's Node build may put a registry shim on globalThis; nothing is registered in it.
    assert.equal(globalThis.customElements?.get('mqtt-chart'), undefined);
  });

  it("imports 'mqtt-elements/chart/react' and renders the wrapper on the server", async () => {
    const { MqttChart } = await import('mqtt-elements/chart/react');
    assert.equal(MqttChart.displayName, 'MqttChart');
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const html = renderToString(createElement(MqttChart, { topic: 'home/+/t', sparkline: true }));
    assert.match(html, /^<mqtt-chart[\s>]/);
  });

  it("'mqtt-elements' and 'mqtt-elements/react' do not load uPlot; 'mqtt-elements/chart' does", () => {
    // A process of its own per case: this one has imported the chart already.
    const uplotLoaded = (...entries) => {
      const code = `
        for (const entry of ${JSON.stringify(entries)}) await import(entry);
        const { createRequire } = await import('node:module');
        console.log(Object.keys(createRequire(import.meta.url).cache).some((id) => id.includes('/uplot/')));
      `;
      return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }));
    };
    assert.equal(uplotLoaded('mqtt-elements', 'mqtt-elements/react', 'mqtt-elements/define'), false);
    assert.equal(uplotLoaded('mqtt-elements/chart'), true);
  });
});

describe('src/chart/uplot-css.ts', () => {
  it("holds the installed uPlot's stylesheet (node scripts/uplot-css.js writes it)", () => {
    execFileSync(process.execPath, ['scripts/uplot-css.js', '--check'], { cwd: root, stdio: 'pipe' });
  });
});
