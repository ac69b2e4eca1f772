// <mqtt-chart> on whole pages (README: `<mqtt-chart>`, Install): cdn/mqtt-chart.js beside
// cdn/mqtt-elements.js shares it (one lit, one MqttConnectionElement, one module of it loaded) and
// finds its connection; cdn/mqtt-chart.js alone brings the main module with it; and under a strict
// CSP with Trusted Types enforced, the chart draws with no violation; and WebKit under LANG=C.UTF-8,
// whose navigator.language "C" Intl refuses, loads and draws it (issue 20). Against a stock
// mosquitto, in Chromium, Firefox and WebKit. Run after `npm run build` (npm test does both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchWebKit } from '../../scripts/webkit-pages.js';
import { BROWSERS, inEachBrowser, pageAndBroker } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

for (const file of ['cdn/mqtt-elements.js', 'cdn/mqtt-chart.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
}

const LOADERS = {
  both: '<script type="module" src="/cdn/mqtt-elements.js"></script><script type="module" src="/cdn/mqtt-chart.js"></script>',
  'chart-only': '<script type="module" src="/cdn/mqtt-chart.js"></script>',
};

/**
 * The README's strict policy (as in csp.test.js): `lit-html` is the one Trusted Types policy allowed,
 * and no inline style either (uPlot sizes and places its parts through the CSSOM, which CSP allows).
 */
const STRICT = "default-src 'self'; script-src 'self'; connect-src ws: wss:; require-trusted-types-for 'script'; trusted-types lit-html";

function page({ loader, csp, url, id }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
${csp ? `<meta http-equiv="Content-Security-Policy" content="${STRICT}">` : ''}
<title>chart: ${loader}${csp ? ', strict CSP' : ''}</title>
<script src="/test/e2e/pages/chart-probe.js"></script>
${LOADERS[loader]}
</head><body>
<mqtt-connection url="${url}" client-id="${id}">
  <p>Now: <mqtt-subscribe topic="${id}/+/t" format="json"></mqtt-subscribe></p>
  <mqtt-chart topic="${id}/+/t" label-level="1" decimals="1" thresholds="25"></mqtt-chart>
  <p>Trend <mqtt-chart topic="${id}/+/t" sparkline></mqtt-chart></p>
</mqtt-connection>
</body></html>`;
}

describe('<mqtt-chart> on whole pages against mosquitto', () => {
  const site = pageAndBroker(root, (pathname, url, mosquitto) => {
    const match = /^\/chart\/([\w-]+)\.html$/.exec(pathname);
    if (!match || !LOADERS[match[1]]) return undefined;
    return page({ loader: match[1], csp: url.searchParams.has('csp'), url: mosquitto.wsUrl, id: url.searchParams.get('id') });
  });

  /** Opens the page, feeds two rooms, and waits until both charts drew them. */
  async function openAndFeed(browser, browserName, loader, csp) {
    const id = `chart-${browserName.slice(0, 2)}-${Math.random().toString(16).slice(2, 10)}`;
    const tab = await browser().newPage();
    await tab.goto(`${site.base}/chart/${loader}.html?id=${id}${csp ? '&csp' : ''}`);
    await tab.waitFor(() => [...document.querySelectorAll('mqtt-chart, mqtt-subscribe')].every((e) => e.getAttribute('status') === 'subscribed'));
    await site.peers.pub(`${id}/kitchen/t`, '21.44');
    await site.peers.pub(`${id}/bath/t`, '"19"');
    await site.peers.pub(`${id}/kitchen/t`, '26');
    await tab.waitFor(() =>
      [...document.querySelectorAll('mqtt-chart')].every((c) => c.series.length === 2 && c.series[0].points.length === 2 && c.drawCount > 0),
    );
    await tab.waitFor(() => document.querySelector('mqtt-chart').shadowRoot.querySelectorAll('[part="summary"] li').length === 2);
    return { tab, id };
  }

  inEachBrowser((browserName, browser) => {
    it('cdn/mqtt-chart.js beside cdn/mqtt-elements.js: one lit, one MqttConnectionElement, and the chart finds its connection', async () => {
      const { tab, id } = await openAndFeed(browser, browserName, 'both', false);
      const facts = await tab.evaluate(async () => {
        const main = await import('/cdn/mqtt-elements.js');
        const chart = document.querySelector('mqtt-chart');
        return {
          reactiveElements: globalThis.reactiveElementVersions?.length,
          litHtmls: globalThis.litHtmlVersions?.length ?? 0,
          sameConnectionClass: customElements.get('mqtt-connection') === main.MqttConnectionElement,
          chartOnSharedLit: Object.getPrototypeOf(customElements.get('mqtt-chart')) === main.ReactiveElement,
          mainLoads: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/cdn/mqtt-elements.js')).length,
          summary: [...chart.shadowRoot.querySelectorAll('[part="summary"] li')].map((li) => li.textContent),
          topics: chart.series.map((s) => s.topic),
          text: document.querySelector('mqtt-subscribe').textContent,
          violations: window.violations,
        };
      });
      assert.equal(facts.reactiveElements, 1, 'one ReactiveElement (one lit)');
      assert.ok(facts.litHtmls <= 1, 'at most one lit-html');
      assert.equal(facts.sameConnectionClass, true, 'one MqttConnectionElement');
      assert.equal(facts.chartOnSharedLit, true, "<mqtt-chart> extends the main module's ReactiveElement");
      assert.equal(facts.mainLoads, 1, 'cdn/mqtt-elements.js fetched once');
      assert.deepEqual(facts.topics, [`${id}/kitchen/t`, `${id}/bath/t`]);
      assert.deepEqual(facts.summary, ['kitchen: 26.0', 'bath: 19.0']);
      assert.equal(facts.text, '26');
      assert.deepEqual(facts.violations, []);
      assert.deepEqual(tab.errors, []);
      // One SUBSCRIBE for the three elements on one filter.
      const subscribes = site.mosquitto.log().filter((line) => line.includes(`${id} 0 ${id}/+/t`)).length;
      assert.equal(subscribes, 1, 'one broker subscription for the filter');
    });

    it('cdn/mqtt-chart.js alone brings cdn/mqtt-elements.js with it', async () => {
      const { tab } = await openAndFeed(browser, browserName, 'chart-only', false);
      const facts = await tab.evaluate(() => ({
        reactiveElements: globalThis.reactiveElementVersions?.length,
        defined: ['mqtt-connection', 'mqtt-subscribe', 'mqtt-publish', 'mqtt-chart'].every((tag) => customElements.get(tag)),
      }));
      assert.deepEqual(facts, { reactiveElements: 1, defined: true });
      assert.deepEqual(tab.errors, []);
    });

    it('under a strict CSP with Trusted Types enforced, the charts draw with no violation', async () => {
      const { tab } = await openAndFeed(browser, browserName, 'both', true);
      const facts = await tab.evaluate(() => ({
        violations: window.violations,
        canvases: [...document.querySelectorAll('mqtt-chart')].map((c) => c.shadowRoot.querySelectorAll('canvas').length),
        legend: [...document.querySelector('mqtt-chart').shadowRoot.querySelectorAll('.u-series .u-label')].map((l) => l.textContent),
      }));
      assert.deepEqual(facts.violations, []);
      assert.deepEqual(facts.canvases, [1, 1]);
      assert.deepEqual(facts.legend.slice(1), ['kitchen', 'bath']);
      assert.deepEqual(tab.errors, []);
    });
  });

  // WebKitGTK takes navigator.language from LANG: under C.UTF-8 (servers', containers' and CI's
  // default) it is "C", and uPlot's module body threw on it, so <mqtt-chart> was never defined.
  describe('WebKit under LANG=C.UTF-8', { skip: BROWSERS.includes('webkit') ? false : 'BROWSERS leaves WebKit out' }, () => {
    let webkit;
    before(async () => {
      webkit = await launchWebKit({ env: { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
    });
    after(() => webkit?.close());

    it('navigator.language is "C", which Intl refuses; cdn/mqtt-chart.js loads, draws, and formats in the default locale', async () => {
      const { tab } = await openAndFeed(() => webkit, 'webkit-c', 'chart-only', false);
      const facts = await tab.evaluate(() => {
        let refused = false;
        try {
          new Intl.NumberFormat(navigator.language);
        } catch {
          refused = true;
        }
        const chart = document.querySelector('mqtt-chart');
        return {
          language: navigator.language,
          refused,
          canvases: chart.shadowRoot.querySelectorAll('canvas').length,
          summary: [...chart.shadowRoot.querySelectorAll('[part="summary"] li')].map((li) => li.textContent),
          // The default locale's numbers with decimals="1", as the chart must fall back to.
          expected: [26, 19].map((n) => new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)),
        };
      });
      assert.equal(facts.language, 'C');
      assert.equal(facts.refused, true, 'Intl refuses "C" here: the case this test is about');
      assert.equal(facts.canvases, 1);
      assert.deepEqual(facts.summary, [`kitchen: ${facts.expected[0]}`, `bath: ${facts.expected[1]}`]);
      assert.deepEqual(tab.errors, []);
    });
  });
});
