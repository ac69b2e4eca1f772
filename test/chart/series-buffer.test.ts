// <mqtt-chart>'s points, without a DOM or a broker: one series per topic in order of first
// arrival, trimmed to `window` and `max-points`, at most `max-series` of them (the one updated
// longest ago goes); uPlot's aligned data; the settings and series names.
import { expect } from '@open-wc/testing';
import { parseLabelLevel, parseLimits, seriesName } from '../../src/chart/chart-settings.js';
import { SeriesBuffer, type SeriesLimits } from '../../src/chart/series-buffer.js';

const wide: SeriesLimits = { windowMs: 300_000, maxPoints: 1000, maxSeries: 1000 };
const pairs = (buffer: SeriesBuffer) => buffer.series.map((s) => [s.topic, s.points.map(([, v]) => v)]);

describe('SeriesBuffer', () => {
  it('keeps one series per topic, in order of first arrival, points oldest first', () => {
    const buffer = new SeriesBuffer();
    buffer.add('home/kitchen/t', 1000, 21, wide);
    buffer.add('home/bath/t', 1001, 19, wide);
    buffer.add('home/kitchen/t', 1002, 22, wide);
    buffer.add('home/hall/t', 1003, 18, wide);
    expect(pairs(buffer)).to.deep.equal([
      ['home/kitchen/t', [21, 22]],
      ['home/bath/t', [19]],
      ['home/hall/t', [18]],
    ]);
    expect(buffer.series[0]!.points).to.deep.equal([
      [1000, 21],
      [1002, 22],
    ]);
    expect(buffer.topics).to.deep.equal(['home/kitchen/t', 'home/bath/t', 'home/hall/t']);
    expect(buffer.latest()).to.deep.equal([22, 19, 18]);
  });

  it('drops points older than the window before the newest point, in every series', () => {
    const buffer = new SeriesBuffer();
    const limits = { windowMs: 10_000, maxPoints: 1000, maxSeries: 20 };
    buffer.add('a', 0, 1, limits);
    buffer.add('b', 5_000, 2, limits);
    buffer.add('a', 9_000, 3, limits);
    expect(pairs(buffer)).to.deep.equal([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    buffer.add('a', 12_000, 4, limits); // the window is now 2 s … 12 s
    expect(pairs(buffer)).to.deep.equal([
      ['a', [3, 4]],
      ['b', [2]],
    ]);
    buffer.add('a', 19_001, 5, limits); // b's only point has left the window: b is dropped
    expect(pairs(buffer)).to.deep.equal([['a', [4, 5]]]);
    expect(buffer.size).to.equal(1);
    expect(buffer.latest()).to.deep.equal([5]);
    buffer.add('c', 19_002, 6, limits);
    expect(buffer.topics).to.deep.equal(['a', 'c']);
    // A series that comes back after being dropped is a new series: it goes last.
    buffer.add('b', 19_003, 7, limits);
    expect(buffer.topics).to.deep.equal(['a', 'c', 'b']);
  });

  it('keeps at most max-points per series, dropping the oldest, and trims again when the limits shrink', () => {
    const buffer = new SeriesBuffer();
    const limits = { windowMs: 300_000, maxPoints: 3, maxSeries: 20 };
    for (let i = 0; i < 200; i++) buffer.add('a', i, i, limits);
    buffer.add('b', 200, -1, limits);
    expect(pairs(buffer)).to.deep.equal([
      ['a', [197, 198, 199]],
      ['b', [-1]],
    ]);
    buffer.trim({ windowMs: 300_000, maxPoints: 1, maxSeries: 20 });
    expect(pairs(buffer)).to.deep.equal([
      ['a', [199]],
      ['b', [-1]],
    ]);
  });

  it('max-series: 3,000 topics keep the 20 updated last, in order of first arrival', () => {
    const buffer = new SeriesBuffer();
    const limits = { windowMs: 300_000, maxPoints: 1000, maxSeries: 20 };
    for (let i = 0; i < 3000; i++) buffer.add(`plant/${i}`, 1000 + i, i, limits);
    const newest = Array.from({ length: 20 }, (_, i) => `plant/${2980 + i}`);
    expect(buffer.size).to.equal(20);
    expect(buffer.topics).to.deep.equal(newest);
    expect(buffer.series.map((s) => s.topic)).to.deep.equal(newest);
    expect(buffer.latest()).to.deep.equal(newest.map((_, i) => 2980 + i));
    expect(buffer.aligned()).to.have.length(21);
  });

  it('max-series: the series updated longest ago goes, not the one that came first; a smaller limit drops the least recent', () => {
    const buffer = new SeriesBuffer();
    const limits = { windowMs: 300_000, maxPoints: 1000, maxSeries: 3 };
    buffer.add('a', 1, 1, limits);
    buffer.add('b', 2, 2, limits);
    buffer.add('c', 3, 3, limits);
    buffer.add('a', 4, 4, limits); // a is now the most recent; b the least
    buffer.add('d', 5, 5, limits);
    expect(pairs(buffer)).to.deep.equal([
      ['a', [1, 4]],
      ['c', [3]],
      ['d', [5]],
    ]);
    buffer.add('c', 6, 6, limits);
    buffer.trim({ ...limits, maxSeries: 2 }); // a was updated longest ago now
    expect(pairs(buffer)).to.deep.equal([
      ['c', [3, 6]],
      ['d', [5]],
    ]);
    buffer.add('e', 7, 7, { ...limits, maxSeries: 1 });
    expect(pairs(buffer)).to.deep.equal([['e', [7]]]);
  });

  it('a burst of distinct topics costs each point the same, however many topics came before', () => {
    // Work per point must not grow with the topics seen: 40,000 points on 40,000 topics take
    // about ten times as long as 4,000 on 4,000, not a hundred times (an array scan per point).
    const limits = { windowMs: 300_000, maxPoints: 1000, maxSeries: 20 };
    const run = (count: number) => {
      const buffer = new SeriesBuffer();
      const started = performance.now();
      for (let i = 0; i < count; i++) buffer.add(`plant/${i}`, i, i, limits);
      void buffer.series;
      return performance.now() - started;
    };
    // The fastest of three runs each: a pause for garbage collection or a busy machine only slows some.
    run(4000); // warm up the JIT
    const small = Math.min(run(4000), run(4000), run(4000));
    const large = Math.min(run(40_000), run(40_000), run(40_000));
    expect(large, `${large.toFixed(1)} ms for 40,000 vs ${small.toFixed(1)} ms for 4,000`).to.be.below(small * 30 + 50);
  });

  it('never lets time go backwards (a clock set back): such a point counts as received at the newest time', () => {
    const buffer = new SeriesBuffer();
    buffer.add('a', 5000, 1, wide);
    buffer.add('b', 4000, 2, wide);
    expect(buffer.series[1]!.points).to.deep.equal([[5000, 2]]);
  });

  it('hands out frozen copies, the same ones until something changes', () => {
    const buffer = new SeriesBuffer();
    buffer.add('a', 1, 1, wide);
    const first = buffer.series;
    expect(buffer.series).to.equal(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0]!.points)).to.equal(true);
    buffer.add('a', 2, 2, wide);
    expect(buffer.series).not.to.equal(first);
    expect(first[0]!.points).to.have.length(1);
  });

  it("aligns the series by time for uPlot: x in seconds, each series' value in its own slots, null elsewhere", () => {
    const buffer = new SeriesBuffer();
    buffer.add('a', 1000, 1, wide);
    buffer.add('b', 1000, 10, wide);
    buffer.add('a', 2000, 2, wide);
    buffer.add('b', 3000, 30, wide);
    buffer.add('b', 3000, 31, wide);
    expect(buffer.aligned()).to.deep.equal([
      [1, 2, 3, 3],
      [1, 2, null, null],
      [10, null, 30, 31],
    ]);
    const one = new SeriesBuffer();
    one.add('a', 1500, 7, wide);
    expect(one.aligned()).to.deep.equal([[1.5], [7]]);
    expect(new SeriesBuffer().aligned()).to.deep.equal([[]]);
  });
});

describe('chart settings', () => {
  it('window, max-points and max-series: defaults 300 s, 1000 and 20; each bad one is a payload-format error with its own default applied', () => {
    expect(parseLimits(undefined, undefined, undefined)).to.deep.equal({ limits: { windowMs: 300_000, maxPoints: 1000, maxSeries: 20 }, errors: {} });
    expect(parseLimits('', ' ', null).limits).to.deep.equal({ windowMs: 300_000, maxPoints: 1000, maxSeries: 20 });
    expect(parseLimits('0.5', 3, '4')).to.deep.equal({ limits: { windowMs: 500, maxPoints: 3, maxSeries: 4 }, errors: {} });
    for (const window of ['0', '-1', 'abc', 'Infinity', 'NaN']) {
      const { limits, errors } = parseLimits(window, '5', '2');
      expect(limits, window).to.deep.equal({ windowMs: 300_000, maxPoints: 5, maxSeries: 2 });
      expect(Object.keys(errors)).to.deep.equal(['window']);
      expect(errors.window!.code).to.equal('payload-format');
      expect(errors.window!.message).to.contain(`window=${JSON.stringify(window)}`).and.contain('the default 300 applies');
    }
    for (const most of ['0', '2.5', 'x', 'NaN']) {
      const { limits, errors } = parseLimits('10', most, most);
      expect(limits, most).to.deep.equal({ windowMs: 10_000, maxPoints: 1000, maxSeries: 20 });
      expect(errors.maxPoints!.message).to.contain(`max-points=${JSON.stringify(most)}`).and.contain('the default 1000 applies');
      expect(errors.maxSeries!.message).to.contain(`max-series=${JSON.stringify(most)}`).and.contain('the default 20 applies');
    }
  });

  it('label-level names a series by one topic level, else by the whole topic', () => {
    expect(parseLabelLevel(undefined)).to.deep.equal({ value: undefined });
    expect(parseLabelLevel('1')).to.deep.equal({ value: 1 });
    for (const bad of ['-1', 'one']) {
      const { value, error } = parseLabelLevel(bad);
      expect(value).to.equal(undefined);
      expect(error?.code).to.equal('payload-format');
      expect(error?.message).to.contain(`label-level=${JSON.stringify(bad)}`);
    }
    expect(seriesName('home/kitchen/temperature', undefined)).to.equal('home/kitchen/temperature');
    expect(seriesName('home/kitchen/temperature', 0)).to.equal('home');
    expect(seriesName('home/kitchen/temperature', 1)).to.equal('kitchen');
    expect(seriesName('home/kitchen/temperature', 3)).to.equal('home/kitchen/temperature');
    expect(seriesName('a//b', 1), 'an empty level').to.equal('a//b');
  });
});
