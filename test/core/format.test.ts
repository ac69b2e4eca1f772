// How a dashboard shows a value (src/core/format.ts): decimals in a locale, labels, thresholds
// and levels. Pure: no DOM, no broker.
import { expect } from '@open-wc/testing';
import { formatValue, levelOf, numericValue, parseDecimals, parseLabels, parseThresholds } from '../../src/core/format.js';
import { thrown } from '../support/thrown.js';

describe('core/format', () => {
  it('reads numbers and numeric strings as numbers, nothing else', () => {
    expect([21.5, '21.5', ' 3 ', '1e3', -0].map(numericValue)).to.deep.equal([21.5, 21.5, 3, 1000, -0]);
    expect(['', 'abc', '12px', null, true, NaN, Infinity, {}].map(numericValue)).to.deep.equal(Array(8).fill(undefined));
  });

  it('decimals: exactly that many fraction digits, in the locale given', () => {
    expect(formatValue(21.456, { decimals: 1, locale: 'en' })).to.equal('21.5');
    expect(formatValue(21, { decimals: 2, locale: 'en' })).to.equal('21.00');
    expect(formatValue('21.456', { decimals: 2, locale: 'de' })).to.equal('21,46');
    expect(formatValue(1234.5, { decimals: 0, locale: 'en' })).to.equal('1,235');
    expect(formatValue('on', { decimals: 2, locale: 'en' }), 'not a number: as it is').to.equal('on');
    expect(formatValue({ a: 1 }, { decimals: 2 })).to.equal('{"a":1}');
  });

  it('a lang that is no valid locale falls back to the browser default instead of throwing', () => {
    expect(formatValue(1.5, { decimals: 1, locale: 'not a locale!' })).to.match(/^1[.,]5$/);
    // What WebKitGTK reports as navigator.language under LANG=C.UTF-8: a page may copy it to `lang`.
    const byDefault = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1 }).format(1.5);
    expect(formatValue(1.5, { decimals: 1, locale: 'C' })).to.equal(byDefault);
  });

  it('labels: the text for a value it lists, the usual text for others', () => {
    const labels = parseLabels('{"true":"On","false":"Off","2":"two"}');
    expect(formatValue(true, { labels })).to.equal('On');
    expect(formatValue(false, { labels })).to.equal('Off');
    expect(formatValue(2, { labels })).to.equal('two');
    expect(formatValue('2', { labels })).to.equal('two');
    expect(formatValue(3, { labels, decimals: 1, locale: 'en' })).to.equal('3.0');
  });

  it('labels as an object (a property) work the same', () => {
    expect(formatValue('a', { labels: parseLabels({ a: 'Alpha' }) })).to.equal('Alpha');
  });

  it('refuses bad labels and decimals with payload-format, saying what to write', () => {
    const notJson = thrown(() => parseLabels('{true:"On"}'));
    expect(notJson.code).to.equal('payload-format');
    expect(notJson.message).to.match(/^labels must be a JSON object, e.g. \{"true":"On"\}: /);
    expect(thrown(() => parseLabels('[1,2]')).message).to.equal('labels must be a JSON object of value → text, e.g. {"true":"On","false":"Off"}');
    expect(thrown(() => parseDecimals(-1)).message).to.equal('decimals must be a whole number from 0 to 20, not -1');
    expect(thrown(() => parseDecimals(1.5)).code).to.equal('payload-format');
    expect(parseDecimals(undefined)).to.equal(undefined);
    expect(parseDecimals(NaN), 'an empty attribute').to.equal(undefined);
  });

  it('thresholds: ascending numbers; the level counts those at or below the value', () => {
    const t = parseThresholds(' 18  22 26 ')!;
    expect(t).to.deep.equal([18, 22, 26]);
    expect([10, 18, 21.9, 22, 30, '25'].map((v) => levelOf(v, t))).to.deep.equal([0, 1, 1, 2, 3, 2]);
    expect(levelOf('warm', t), 'no number, no level').to.equal(undefined);
    expect(levelOf(20, undefined)).to.equal(undefined);
  });

  it('refuses thresholds that are not ascending numbers', () => {
    expect(thrown(() => parseThresholds('10 5')).message).to.equal('thresholds must be ascending, not "10 5"');
    expect(thrown(() => parseThresholds('10 warm')).message).to.equal('thresholds must be numbers separated by spaces, not "warm"');
    expect(parseThresholds('  ')).to.equal(undefined);
  });
});
