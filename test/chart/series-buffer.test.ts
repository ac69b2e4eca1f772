// <mqtt-chart>'s points, without a DOM or a broker: one series per topic in order of first
// arrival, trimmed to `window` and `max-points`; uPlot's aligned data; the settings and series names.
import { expect } from '@open-wc/testing';
import { parseLabelLevel, parseLimits, seriesName } from '../../src/chart/chart-settings.js';
import { SeriesBuffer, type SeriesLimits } from '../../src/chart/series-buffer.js';
import { thrown } from '../support/thrown.js';

const wide: SeriesLimits = { windowMs: 300_000, maxPoints: 1000 };
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
    const limits = { windowMs: 10_000, maxPoints: 1000 };
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
    buffer.add('a', 19_001, 5, limits); // b's only point is gone; b stays, in its place, empty
    expect(pairs(buffer)).to.deep.equal([
      ['a', [4, 5]],
      ['b', []],
    ]);
    expect(buffer.latest()).to.deep.equal([5, undefined]);
    buffer.add('c', 19_002, 6, limits);
    expect(buffer.topics).to.deep.equal(['a', 'b', 'c']);
  });

  it('keeps at most max-points per series, dropping the oldest, and trims again when the limits shrink', () => {
    const buffer = new SeriesBuffer();
    const limits = { windowMs: 300_000, maxPoints: 3 };
    for (let i = 0; i < 200; i++) buffer.add('a', i, i, limits);
    buffer.add('b', 200, -1, limits);
    expect(pairs(buffer)).to.deep.equal([
      ['a', [197, 198, 199]],
      ['b', [-1]],
    ]);
    buffer.trim({ windowMs: 300_000, maxPoints: 1 });
    expect(pairs(buffer)).to.deep.equal([
      ['a', [199]],
      ['b', [-1]],
    ]);
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
  it('window and max-points: defaults 300 s and 1000; bad values are payload-format errors', () => {
    expect(parseLimits(undefined, undefined)).to.deep.equal({ windowMs: 300_000, maxPoints: 1000 });
    expect(parseLimits('', ' ')).to.deep.equal({ windowMs: 300_000, maxPoints: 1000 });
    expect(parseLimits('0.5', 3)).to.deep.equal({ windowMs: 500, maxPoints: 3 });
    for (const [window, most] of [['0', 1], ['-1', 1], ['abc', 1], ['Infinity', 1], [10, '0'], [10, '2.5'], [10, 'x']]) {
      expect(thrown(() => parseLimits(window, most)).code, `${window}, ${most}`).to.equal('payload-format');
    }
  });

  it('label-level names a series by one topic level, else by the whole topic', () => {
    expect(parseLabelLevel(undefined)).to.equal(undefined);
    expect(parseLabelLevel('1')).to.equal(1);
    expect(thrown(() => parseLabelLevel('-1')).code).to.equal('payload-format');
    expect(thrown(() => parseLabelLevel('one')).code).to.equal('payload-format');
    expect(seriesName('home/kitchen/temperature', undefined)).to.equal('home/kitchen/temperature');
    expect(seriesName('home/kitchen/temperature', 0)).to.equal('home');
    expect(seriesName('home/kitchen/temperature', 1)).to.equal('kitchen');
    expect(seriesName('home/kitchen/temperature', 3)).to.equal('home/kitchen/temperature');
    expect(seriesName('a//b', 1), 'an empty level').to.equal('a//b');
  });
});
