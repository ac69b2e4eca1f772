// The chart where the browser's language is no locale `Intl` accepts (issue 20): WebKitGTK under
// LANG=C.UTF-8 reports navigator.language "C", uPlot's module body passed it to
// Intl.NumberFormat, and the chart module threw while loading, so <mqtt-chart> was never defined.
// This file imports the chart only after shadowing navigator.language with "C" (each test file
// runs in a fresh page, so uPlot is evaluated here for the first time), then draws under a fake
// connection with lang="C" on the chart too. The same under a real WebKit and LANG=C.UTF-8:
// test/e2e/chart.test.js.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttChartElement } from '../../src/chart/index.js';
import { underFakeConnection } from '../support/fake-mount.js';
import { waitFor } from '../support/wait.js';

const ctx = underFakeConnection<MqttChartElement>('mqtt-chart');

/** Makes `navigator.language` read `tag` (an own property shadows Navigator.prototype's getter). */
function shadowLanguage(tag: string) {
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => tag });
}

describe('<mqtt-chart> where Intl refuses the browser language', () => {
  let loaded: Promise<unknown>;
  before(() => {
    expect(customElements.get('mqtt-chart'), 'the chart must not be loaded before this file shadows the language').to.equal(undefined);
    shadowLanguage('C');
    expect(() => new Intl.NumberFormat(navigator.language), 'Intl refuses "C"').to.throw(RangeError);
    loaded = import('../../src/chart/index.js');
  });
  after(() => {
    delete (navigator as { language?: string }).language;
  });

  it('the chart module loads and defines <mqtt-chart>; the page keeps its navigator.language', async () => {
    await loaded;
    expect(customElements.get('mqtt-chart')).to.be.a('function');
    expect(navigator.language, 'the page sees its own value again once uPlot has loaded').to.equal('C');
  });

  it('draws, and lang="C" on the chart falls back to the default locale', async () => {
    await loaded;
    const { el, errors, uncaught } = await ctx.mounted(html`
      <div style="width: 320px; height: 160px"><mqtt-chart topic="plant/+/t" label-level="1" decimals="1" lang="C" style="width: 100%; height: 100%"></mqtt-chart></div>
    `);
    expect(ctx.fake.deliver('plant/boiler/t', '21.44'), 'the chart subscribed').to.be.at.least(1);
    const summary = () => [...el.shadowRoot!.querySelectorAll('[part="summary"] li')].map((li) => li.textContent);
    await waitFor(() => summary().length === 1 && el.drawCount > 0, { message: 'the chart drew its point' });
    const expected = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(21.44);
    expect(summary()).to.deep.equal([`boiler: ${expected}`]);
    expect(el.shadowRoot!.querySelector('canvas'), 'uPlot drew on a canvas').to.not.equal(null);
    expect(errors.map((e) => e.detail.error.code)).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });
});
