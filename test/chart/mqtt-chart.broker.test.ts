// <mqtt-chart> against mosquitto (README: `<mqtt-chart>`): a series per topic in order of arrival,
// a retained first point, window, max-points and max-series (3,000 topics keep 20), bad numeric
// settings (their defaults apply), label-level, non-numbers skipped as
// payload-format, thresholds, sparkline, one draw per frame under a burst, the box's size, the
// summary for assistive technology, the XSS corpus, and one broker subscription shared.
import { expect, html } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../src/index.js';
import '../../src/chart/index.js';
import type { MqttChartElement } from '../../src/chart/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { brokerUnderTest, getBrokers, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { codesFrom, connected, mount, roundTrip, subscribed } from '../support/elements.js';
import { XSS_CORPUS, XSS_ELEMENTS, xssRan } from '../support/xss.js';

interface ChartAttributes {
  /** The connection's client id and the topics' first level; a fresh one by default. */
  id?: string;
  topic?: string;
  format?: string;
  path?: string;
  window?: string;
  maxPoints?: string;
  maxSeries?: string;
  labelLevel?: string;
  decimals?: string;
  thresholds?: string;
  sparkline?: boolean;
  style?: string;
  lang?: string;
}

/** A connection to mosquitto with one chart in it (default filter `<id>/+/t`), subscribed. */
async function mountChart(attributes: ChartAttributes = {}) {
  const { mosquitto } = await getBrokers();
  const id = attributes.id ?? uid('chart');
  const topic = attributes.topic ?? `${id}/+/t`;
  const m = await mount(html`
    <mqtt-connection url=${mosquitto.url} client-id=${id} lang=${ifDefined(attributes.lang)}>
      <mqtt-chart
        topic=${topic}
        format=${ifDefined(attributes.format)}
        path=${ifDefined(attributes.path)}
        window=${ifDefined(attributes.window)}
        max-points=${ifDefined(attributes.maxPoints)}
        max-series=${ifDefined(attributes.maxSeries)}
        label-level=${ifDefined(attributes.labelLevel)}
        decimals=${ifDefined(attributes.decimals)}
        thresholds=${ifDefined(attributes.thresholds)}
        ?sparkline=${attributes.sparkline ?? false}
        style=${ifDefined(attributes.style)}
      ></mqtt-chart>
    </mqtt-connection>
  `);
  const connection = m.$<MqttConnectionElement>('mqtt-connection');
  await connected(connection);
  const el = m.$<MqttChartElement>('mqtt-chart');
  await waitFor(() => el.status === 'subscribed', { message: `chart subscribed (status ${el.status})` });
  const pub = (level: string, payload: string, retain = false) => mosquittoPub({ topic: `${id}/${level}/t`, payload, qos: 1, retain });
  const values = () => el.series.map((s) => [s.topic.split('/')[1], s.points.map(([, v]) => v)]);
  const shadow = el.shadowRoot!;
  const summary = () => [...shadow.querySelectorAll('[part="summary"] li')].map((li) => li.textContent);
  // The legend's first row is uPlot's x series (the time under the cursor).
  const legend = () => [...shadow.querySelectorAll('.u-legend .u-series:not(:first-child) .u-label')].map((label) => label.textContent);
  /** The plot area (uPlot's `.u-over`) relative to the element. */
  const plotArea = () => {
    const over = shadow.querySelector<HTMLElement>('.u-over');
    if (!over) return undefined;
    const [a, b] = [over.getBoundingClientRect(), el.getBoundingClientRect()];
    return { left: Math.round(a.left - b.left), top: Math.round(a.top - b.top), width: Math.round(a.width), height: Math.round(a.height) };
  };
  return { ...m, id, el, connection, pub, values, shadow, summary, legend, plotArea };
}

/** Resolves after `n` animation frames. */
const frames = (n: number) =>
  new Promise<void>((resolve) => {
    const step = () => (--n <= 0 ? resolve() : requestAnimationFrame(step));
    requestAnimationFrame(step);
  });

/** Whether the chart's canvas has a pixel close to `rgb`. */
function canvasHas(el: MqttChartElement, [r, g, b]: [number, number, number]): boolean {
  const canvas = el.shadowRoot!.querySelector('canvas')!;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - r) < 40 && Math.abs(data[i + 1]! - g) < 40 && Math.abs(data[i + 2]! - b) < 40 && data[i + 3]! > 200) return true;
  }
  return false;
}

describe('<mqtt-chart> (mosquitto)', () => {
  it('one series per topic, in order of first arrival; a retained message is its first point', async () => {
    const id = uid('chart');
    await mosquittoPub({ topic: `${id}/kitchen/t`, payload: '20', qos: 1, retain: true });
    const { el, values, pub, summary, legend } = await mountChart({ id });
    expect(el.getAttribute('status')).to.equal('subscribed');
    await waitFor(() => el.series.length === 1, { message: 'the retained point' });
    expect(el.series[0]!.topic).to.equal(`${id}/kitchen/t`);
    expect(el.series[0]!.points.map(([, v]) => v)).to.deep.equal([20]);
    await pub('bath', '19');
    await pub('kitchen', '21.5');
    await pub('hall', '"18"'); // a JSON string that is a number
    await waitFor(() => values().length === 3 && values()[0]![1]!.length === 2);
    expect(values()).to.deep.equal([
      ['kitchen', [20, 21.5]],
      ['bath', [19]],
      ['hall', [18]],
    ]);
    const [first, second] = el.series[0]!.points;
    expect(second![0]).to.be.at.least(first![0]);
    expect(second![0]).to.be.closeTo(Date.now(), 10_000);
    // Drawn: a legend row per series, and the summary, in the same order.
    await waitFor(() => legend().length === 3);
    expect(legend()).to.deep.equal([`${id}/kitchen/t`, `${id}/bath/t`, `${id}/hall/t`]);
    await waitFor(() => summary().length === 3);
    expect(summary()).to.deep.equal([`${id}/kitchen/t: 21.5`, `${id}/bath/t: 19`, `${id}/hall/t: 18`]);
    await pub('kitchen', '', true); // no retained message left behind
  });

  it('a new topic filter starts afresh: the old series go, the new filter\'s retained messages come', async () => {
    const { el, id, pub, values, legend } = await mountChart();
    await pub('a', '1');
    await mosquittoPub({ topic: `${id}/other/b`, payload: '5', qos: 1, retain: true });
    await waitFor(() => values().length === 1 && legend().length === 1);
    el.topic = `${id}/other/+`;
    await waitFor(() => el.series.length === 1 && el.series[0]!.topic === `${id}/other/b`, { message: JSON.stringify(el.series) });
    expect(el.series[0]!.points.map(([, v]) => v)).to.deep.equal([5]);
    await waitFor(() => legend().length === 1 && legend()[0] === `${id}/other/b`);
    await mosquittoPub({ topic: `${id}/other/b`, payload: '', qos: 1, retain: true });
  });

  it('window: points older than it (before the newest) are dropped; max-points: the oldest go', async () => {
    const { el, pub, values } = await mountChart({ window: '1', maxPoints: '3' });
    await pub('a', '1');
    await waitFor(() => values().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pub('a', '2');
    await waitFor(() => values()[0]![1]!.length === 1 && values()[0]![1]![0] === 2, { message: `window: ${JSON.stringify(values())}` });
    for (const v of ['3', '4', '5']) await pub('a', v);
    await waitFor(() => values()[0]![1]!.at(-1) === 5);
    expect(values()).to.deep.equal([['a', [3, 4, 5]]]);
    // Changing the limits trims at once.
    el.maxPoints = 1;
    await el.updateComplete;
    expect(values()).to.deep.equal([['a', [5]]]);
  });

  it('a series whose points have all left the window is dropped: from series, the legend and the summary', async () => {
    const { el, pub, values, legend, summary } = await mountChart({ window: '1' });
    await pub('a', '1');
    await pub('b', '2');
    await waitFor(() => legend().length === 2 && summary().length === 2);
    // Time passing is what is tested: the window is 1 s, measured from the newest point.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pub('b', '3');
    await waitFor(() => values().length === 1, { message: `a dropped: ${JSON.stringify(values())}` });
    expect(values()).to.deep.equal([['b', [3]]]);
    await waitFor(() => legend().length === 1 && summary().length === 1, { message: `legend ${legend()}, summary ${summary()}` });
    expect(legend()).to.deep.equal([el.series[0]!.topic]);
    expect(summary()).to.deep.equal([`${el.series[0]!.topic}: 3`]);
  });

  it('max-series (default 20): 3,000 topics under plant/# leave the 20 newest, in series, the legend and the summary', async () => {
    const id = uid('chart');
    const { el, connection, legend, summary } = await mountChart({ id, topic: `${id}/plant/#` });
    const count = 3000;
    const topic = (i: number) => `${id}/plant/${i}`;
    await Promise.all(Array.from({ length: count }, (_, i) => connection.publish(topic(i), String(i), { qos: 0 })));
    const newest = Array.from({ length: 20 }, (_, i) => topic(count - 20 + i));
    await waitFor(() => el.series.at(-1)?.topic === topic(count - 1), { timeout: 15_000, message: `the last topic: ${el.series.at(-1)?.topic}` });
    expect(el.series.length).to.equal(20);
    expect(el.series.map((s) => s.topic)).to.deep.equal(newest);
    await waitFor(() => legend().at(-1) === topic(count - 1) && summary().length === 20, { message: `legend: ${legend().length} rows` });
    expect(legend()).to.deep.equal(newest);
    expect(summary()).to.deep.equal(newest.map((t, i) => `${t}: ${count - 20 + i}`));
    expect(el.shadowRoot!.querySelectorAll('.u-legend .u-series')).to.have.length(21); // and uPlot's x series
    expect(el.status).to.equal('subscribed');
  });

  it('max-series="3": a new topic replaces the series updated longest ago, in the plot and the summary', async () => {
    const { el, pub, values, legend, summary } = await mountChart({ maxSeries: '3', labelLevel: '1' });
    for (const [room, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['a', '4']] as const) await pub(room, v);
    await waitFor(() => values().length === 3 && values()[0]![1]!.length === 2 && legend().length === 3);
    await pub('d', '5'); // b was updated longest ago
    await waitFor(() => values().some(([room]) => room === 'd'));
    expect(values()).to.deep.equal([
      ['a', [1, 4]],
      ['c', [3]],
      ['d', [5]],
    ]);
    await waitFor(() => legend().join() === 'a,c,d', { message: `legend ${legend()}` });
    expect(summary()).to.deep.equal(['a: 4', 'c: 3', 'd: 5']);
    // Fewer series allowed: the least recent go at once.
    el.maxSeries = 1;
    await el.updateComplete;
    expect(values()).to.deep.equal([['d', [5]]]);
    await waitFor(() => legend().join() === 'd' && summary().join() === 'd: 5', { message: `legend ${legend()}, summary ${summary()}` });
    expect(el.status).to.equal('subscribed');
  });

  it('bad numeric settings (window="-1", max-points="NaN", label-level, max-series): an error each, their defaults apply, the rest still work', async () => {
    const { errors, el, pub, values, legend } = await mountChart({ maxSeries: '2' });
    el.setAttribute('window', '-1');
    el.setAttribute('max-points', 'NaN');
    el.setAttribute('label-level', 'one');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format', 'payload-format', 'payload-format']);
    const messages = errors.map((e) => e.detail.error.message);
    expect(messages[0]).to.contain('window="-1"').and.contain('the default 300 applies');
    expect(messages[1]).to.contain('max-points="NaN"').and.contain('the default 1000 applies');
    expect(messages[2]).to.contain('label-level="one"');
    expect(el.status).to.equal('error');
    // Still charting, with the defaults and the good setting (max-series 2).
    for (const [room, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['c', '4']] as const) await pub(room, v);
    await waitFor(() => values().at(-1)?.[1]?.length === 2, { message: JSON.stringify(values()) });
    expect(values()).to.deep.equal([
      ['b', [2]],
      ['c', [3, 4]],
    ]);
    await waitFor(() => legend().length === 2);
    // Fixing one clears only its own error; fixing all clears the status.
    el.window = 60;
    await el.updateComplete;
    expect(el.status).to.equal('error');
    el.maxPoints = '1';
    el.labelLevel = '1';
    await el.updateComplete;
    expect(el.status).to.equal('subscribed');
    expect(values()).to.deep.equal([
      ['b', [2]],
      ['c', [4]],
    ]);
    el.setAttribute('max-series', 'many');
    await el.updateComplete;
    expect(el.error?.message).to.contain('max-series="many"').and.contain('the default 20 applies');
    expect(el.status).to.equal('error');
  });

  it('label-level names the series by a topic level, in the legend and the summary, and renames when changed', async () => {
    const { el, pub, legend, summary } = await mountChart({ labelLevel: '1' });
    await pub('kitchen', '21');
    await pub('bath', '19');
    await waitFor(() => legend().length === 2);
    expect(legend()).to.deep.equal(['kitchen', 'bath']);
    expect(summary()).to.deep.equal(['kitchen: 21', 'bath: 19']);
    el.labelLevel = 2;
    await waitFor(() => legend()[0] === 't');
    expect(legend()).to.deep.equal(['t', 't']);
    expect(el.series.map((s) => s.topic.split('/')[1])).to.deep.equal(['kitchen', 'bath']);
  });

  it('a payload that is no number is a payload-format error and skipped; the next number clears it', async () => {
    const { errors, el, pub, values } = await mountChart({ path: 'c' });
    await pub('a', '{"c": 1}');
    await waitFor(() => values().length === 1);
    const messages: string[] = [];
    for (const bad of ['{"c": "warm"}', '{"c": true}', '{"c": null}', '{"c": {"x": 1}}', '{"d": 2}', 'not json']) {
      const before = codesFrom(errors, el).length;
      await pub('a', bad);
      await waitFor(() => codesFrom(errors, el).length === before + 1, { message: `an error for ${bad}` });
      expect(el.error?.code).to.equal('payload-format');
      expect(el.status).to.equal('error');
      messages.push(el.error!.message);
    }
    expect(messages[0]).to.equal(`${el.series[0]!.topic}: "warm" is not a number`);
    expect(messages[4]).to.contain('no "c"');
    expect(messages[5]).to.contain('not JSON');
    expect(values()).to.deep.equal([['a', [1]]]);
    await pub('a', '{"c": "2.5"}');
    await waitFor(() => el.status === 'subscribed');
    expect(values()).to.deep.equal([['a', [1, 2.5]]]);
    // A zero-length payload (clearing a retained message) is no point and no error.
    const count = codesFrom(errors, el).length;
    await pub('a', '');
    await pub('a', '{"c": 3}');
    await waitFor(() => values()[0]![1]!.length === 3);
    expect(codesFrom(errors, el)).to.have.length(count);
  });

  it('bad settings are payload-format errors and the defaults apply; fixing them clears the error', async () => {
    const { errors, el, pub, values } = await mountChart();
    el.setAttribute('window', 'soon');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.error?.message).to.contain('"soon"');
    expect(el.status).to.equal('error');
    await pub('a', '1');
    await waitFor(() => values().length === 1);
    el.window = 60;
    await el.updateComplete;
    expect(el.status).to.equal('subscribed');
    el.setAttribute('thresholds', '30 20');
    await el.updateComplete;
    expect(el.error?.message).to.contain('ascending');
    expect(el.status).to.equal('error');
  });

  it('thresholds are drawn as horizontal lines, and the y axis includes them', async () => {
    const { el, pub } = await mountChart({
      thresholds: '50',
      style: 'width: 300px; height: 150px; --mqtt-chart-threshold-color: rgb(255, 0, 0); --mqtt-chart-color-1: rgb(0, 0, 255)',
    });
    await pub('a', '10');
    await pub('a', '20');
    await waitFor(() => el.series[0]?.points.length === 2 && el.drawCount > 0);
    await frames(2);
    expect(canvasHas(el, [255, 0, 0]), 'a red threshold line').to.equal(true);
    expect(canvasHas(el, [0, 0, 255]), 'the blue series').to.equal(true);
    el.thresholds = '';
    await el.updateComplete;
    await frames(3);
    expect(canvasHas(el, [255, 0, 0]), 'no threshold line').to.equal(false);
    expect(canvasHas(el, [0, 0, 255])).to.equal(true);
  });

  it('sparkline: no axes, legend or padding, and it sits in a line of text without making it taller', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('chart');
    const m = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id}>
        <p id="with">Temperature <mqtt-chart topic="${id}/t" sparkline></mqtt-chart> rising</p>
        <p id="without">Temperature rising</p>
      </mqtt-connection>
    `);
    const el = m.$<MqttChartElement>('mqtt-chart');
    await waitFor(() => el.status === 'subscribed');
    await mosquittoPub({ topic: `${id}/t`, payload: '1', qos: 1 });
    await mosquittoPub({ topic: `${id}/t`, payload: '3', qos: 1 });
    await waitFor(() => el.series[0]?.points.length === 2 && el.drawCount > 0);
    const shadow = el.shadowRoot!;
    expect(shadow.querySelector('.u-legend')).to.equal(null);
    const over = shadow.querySelector<HTMLElement>('.u-over')!.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    expect([Math.round(over.left - box.left), Math.round(over.top - box.top)], 'the plot starts at the corner').to.deep.equal([0, 0]);
    expect([Math.round(over.width), Math.round(over.height)], 'and fills the box').to.deep.equal([Math.floor(box.width), Math.floor(box.height)]);
    expect(box.width).to.be.greaterThan(20);
    const height = (id: string) => m.$(`#${id}`).getBoundingClientRect().height;
    expect(height('with')).to.be.at.most(height('without') + 0.5);
    expect(Math.abs(box.height - parseFloat(getComputedStyle(el).fontSize))).to.be.below(1);
  });

  it('a chart with axes and a legend: the plot sits inside the box, right of the y axis and above the x axis and legend', async () => {
    const { el, pub, plotArea } = await mountChart({ style: 'width: 400px; height: 200px' });
    await pub('a', '1');
    await waitFor(() => el.drawCount > 0 && plotArea());
    const area = plotArea()!;
    expect(area.left).to.be.greaterThan(10);
    expect(area.top + area.height).to.be.below(200 - 20);
    expect(el.shadowRoot!.querySelector('.u-legend')).not.to.equal(null);
  });

  it('follows its box: the plot resizes with the element, as CSS sizes it', async () => {
    const { root, el, pub, plotArea } = await mountChart({ sparkline: true, style: 'width: 300px; height: 100px' });
    await pub('a', '1');
    await waitFor(() => plotArea()?.width === 300 && plotArea()?.height === 100, { message: `300×100: ${JSON.stringify(plotArea())}` });
    el.style.width = '480px';
    el.style.height = '60px';
    await waitFor(() => plotArea()?.width === 480 && plotArea()?.height === 60, { message: `480×60: ${JSON.stringify(plotArea())}` });
    el.style.width = '50%';
    const half = Math.floor(root.getBoundingClientRect().width / 2); // <mqtt-connection> is display: contents
    await waitFor(() => Math.abs(plotArea()!.width - half) <= 1, { message: `half: ${JSON.stringify(plotArea())} vs ${half}` });
  });

  it('a DOM move keeps the chart; a removal drops uPlot, and coming back draws the points again', async () => {
    const { el, connection, pub, shadow } = await mountChart({ style: 'width: 300px; height: 150px' });
    await pub('a', '1');
    await waitFor(() => el.drawCount > 0 && shadow.querySelector('canvas'));
    const canvas = shadow.querySelector('canvas');
    connection.append(el); // a move: removed and inserted in the same task
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shadow.querySelector('canvas'), 'the same canvas after a move').to.equal(canvas);
    el.remove();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shadow.querySelector('canvas'), 'no canvas while removed').to.equal(null);
    const draws = el.drawCount;
    connection.append(el);
    await waitFor(() => el.drawCount > draws && shadow.querySelector('canvas'), { message: 'drawn again' });
    expect(el.series[0]!.points.map(([, v]) => v)).to.deep.equal([1]);
    await pub('a', '2');
    await waitFor(() => el.series[0]!.points.length === 2);
  });

  it('draws at most once per animation frame under a burst, and every message is a point', async () => {
    const { el, connection, id } = await mountChart({ topic: undefined });
    const count = 300;
    let frameCount = 0;
    let counting = true;
    const tick = () => {
      frameCount++;
      if (counting) requestAnimationFrame(tick);
    };
    await connection.publish(`${id}/warm/t`, '0', { qos: 1 });
    await waitFor(() => el.series[0]?.points.length === 1 && el.drawCount > 0);
    await frames(2);
    const drawsBefore = el.drawCount;
    requestAnimationFrame(tick);
    await Promise.all(Array.from({ length: count }, (_, i) => connection.publish(`${id}/${i % 3}/t`, String(i), { qos: 0 })));
    await waitFor(() => el.series.reduce((n, s) => n + s.points.length, 0) === count + 1, { message: 'every message a point' });
    await frames(2);
    counting = false;
    const draws = el.drawCount - drawsBefore;
    expect(draws, `${draws} draws in ${frameCount} frames`).to.be.at.most(frameCount);
    expect(draws).to.be.at.least(1);
    expect(draws).to.be.below(count / 3);
    expect(el.series.map((s) => s.topic.split('/')[1])).to.deep.equal(['warm', '0', '1', '2']);
    // Nothing more arrives: no more drawing.
    const settled = el.drawCount;
    await frames(5);
    expect(el.drawCount).to.equal(settled);
  });

  it('stays readable as text: the canvas is hidden from assistive technology, a list says each latest value (decimals, lang)', async () => {
    const { el, pub, summary, shadow } = await mountChart({ labelLevel: '1', decimals: '1', lang: 'de' });
    await pub('kitchen', '21.44');
    await pub('bath', '19');
    await waitFor(() => summary().length === 2);
    expect(summary()).to.deep.equal(['kitchen: 21,4', 'bath: 19,0']);
    await pub('kitchen', '22.06');
    await waitFor(() => summary()[0] === 'kitchen: 22,1');
    expect(shadow.querySelector('[part="chart"]')!.getAttribute('aria-hidden')).to.equal('true');
    const list = shadow.querySelector('[part="summary"]')!;
    expect(list.getBoundingClientRect().width).to.be.at.most(1);
    expect(getComputedStyle(list).display).not.to.equal('none'); // hidden from sight, not from screen readers
    void el;
  });

  it('the XSS corpus, as topic levels (series names) and as values, is only ever text', async () => {
    const { root, errors, el, id, legend, summary, shadow } = await mountChart({ labelLevel: '1' });
    const levels = XSS_CORPUS.map((hostile) => hostile.replaceAll('/', '_').replaceAll('+', '_').replaceAll('#', '_'));
    for (const [i, level] of levels.entries()) {
      await mosquittoPub({ topic: `${id}/${level}/t`, payload: String(i), qos: 1 });
      await mosquittoPub({ topic: `${id}/${level}/t`, payload: JSON.stringify(XSS_CORPUS[i]), qos: 1 });
    }
    await waitFor(() => legend().length === levels.length && summary().length === levels.length && codesFrom(errors, el).length === levels.length);
    expect(legend()).to.deep.equal(levels);
    expect(summary()).to.deep.equal(levels.map((level, i) => `${level}: ${i}`));
    expect(codesFrom(errors, el)).to.deep.equal(levels.map(() => 'payload-format'));
    expect(shadow.querySelectorAll(XSS_ELEMENTS)).to.have.length(0);
    expect(root.querySelectorAll(XSS_ELEMENTS)).to.have.length(0);
    expect(xssRan()).to.equal(false);
  });

  it('shares the broker subscription with <mqtt-subscribe> on the same filter: one SUBSCRIBE', async () => {
    const broker = await brokerUnderTest('mosquitto');
    const id = uid('chart');
    const filter = `${id}/+/t`;
    const { $ } = await mount(html`
      <mqtt-connection url=${broker.url} client-id=${id}>
        <mqtt-subscribe topic=${filter}></mqtt-subscribe>
        <mqtt-chart topic=${filter}></mqtt-chart>
      </mqtt-connection>
    `);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const el = $<MqttChartElement>('mqtt-chart');
    await subscribed($<MqttSubscribeElement>('mqtt-subscribe'));
    await waitFor(() => el.status === 'subscribed');
    await broker.publish({ topic: `${id}/a/t`, payload: '7', qos: 1 });
    await waitFor(() => el.series[0]?.points[0]?.[1] === 7);
    expect($('mqtt-subscribe').textContent).to.equal('7');
    await roundTrip(connection, `${id}/sync`);
    expect(await broker.subscribes(id, filter)).to.deep.equal([0]);
  });
});
