// One rule for every numeric attribute (src/core/numeric-setting.ts): absent is the default, a
// number that keeps the rule is used, anything else is a payload-format error that names the
// attribute, what was written and the default applied. Pure: no DOM, no broker.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { numericSetting } from '../../src/core/numeric-setting.js';

describe('core/numeric-setting', () => {
  const count = { min: 1, whole: true };

  it('absent (undefined, null, blank) is the default, with no error', () => {
    for (const absent of [undefined, null, '', '  ']) expect(numericSetting('history', absent, 1, count)).to.deep.equal({ value: 1 });
  });

  it('numbers and numeric strings that keep the rule are used', () => {
    expect(numericSetting('limit', '100', 100, { min: 0, whole: true })).to.deep.equal({ value: 100 });
    expect(numericSetting('limit', 0, 100, { min: 0, whole: true })).to.deep.equal({ value: 0 });
    expect(numericSetting('window', ' 0.5 ', 300, { min: 0, aboveMin: true })).to.deep.equal({ value: 0.5 });
    expect(numericSetting('history', '1e3', 1, count)).to.deep.equal({ value: 1000 });
  });

  it('anything else is a payload-format error naming the attribute, the value and the default applied', () => {
    const cases: Array<[string, unknown, number, { min: number; aboveMin?: boolean; whole?: boolean }, string]> = [
      ['history', 'abc', 1, count, 'history="abc" is not a whole number from 1 up; the default 1 applies'],
      ['limit', 'x', 100, { min: 0, whole: true }, 'limit="x" is not a whole number from 0 up; the default 100 applies'],
      ['max-points', 'NaN', 1000, count, 'max-points="NaN" is not a whole number from 1 up; the default 1000 applies'],
      ['window', '-1', 300, { min: 0, aboveMin: true }, 'window="-1" is not a number above 0; the default 300 applies'],
      ['window', '0', 300, { min: 0, aboveMin: true }, 'window="0" is not a number above 0'],
      ['history', '2.5', 1, count, 'history="2.5" is not a whole number'],
      ['history', 0, 1, count, 'history=0 is not a whole number from 1 up'],
      ['history', NaN, 1, count, 'history=NaN'],
      ['history', 'Infinity', 1, count, 'history="Infinity"'],
      ['history', true, 1, count, 'history=true'],
      ['history', {}, 1, count, 'history=[object Object]'],
      ['history', [], 1, count, 'history=[]'],
    ];
    for (const [name, value, fallback, rule, message] of cases) {
      const { value: used, error } = numericSetting(name, value, fallback, rule);
      expect(used, `${name}=${String(value)}`).to.equal(fallback);
      expect(error?.code).to.equal('payload-format');
      expect(error?.message).to.contain(message);
    }
  });

  it('with no default, says that none applies', () => {
    const { value, error } = numericSetting('label-level', 'one', undefined, { min: 0, whole: true });
    expect(value).to.equal(undefined);
    expect(error?.message).to.contain('label-level="one"').and.contain('the default (none) applies');
  });

  it('any value at all: either a number that keeps the rule, or the default with an error that names it', () => {
    const rules = fc.record({ min: fc.integer({ min: -5, max: 5 }), aboveMin: fc.boolean(), whole: fc.boolean() });
    const values = fc.oneof(fc.string(), fc.double(), fc.integer().map(String), fc.constantFrom(null, undefined, true, {}, [], '1e400', '0x10'));
    fc.assert(
      fc.property(values, rules, fc.integer(), (value, rule, fallback) => {
        const { value: used, error } = numericSetting('x-setting', value, fallback, rule);
        if (error) {
          expect(used).to.equal(fallback);
          expect(error.code).to.equal('payload-format');
          expect(error.message).to.contain('x-setting=').and.contain(`the default ${fallback} applies`);
        } else if (value != null && !(typeof value === 'string' && value.trim() === '')) {
          expect(Number.isFinite(used), String(used)).to.equal(true);
          expect(rule.aboveMin ? used > rule.min : used >= rule.min).to.equal(true);
          if (rule.whole) expect(Number.isInteger(used)).to.equal(true);
        }
      }),
    );
  });
});
