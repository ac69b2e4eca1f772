import { expect } from '@open-wc/testing';
import { entriesToObject } from '../../src/core/form-object.js';

describe('core/form-object', () => {
  it('makes an empty object of no entries', () => {
    expect(entriesToObject([])).to.deep.equal({});
  });

  it('keeps names that appear once as single values', () => {
    expect(entriesToObject([['name', 'Ada'], ['age', 36], ['ok', true]])).to.deep.equal({ name: 'Ada', age: 36, ok: true });
  });

  it('turns a repeated name into an array of its values, in order', () => {
    expect(entriesToObject([['tag', 'a'], ['tag', 'b']])).to.deep.equal({ tag: ['a', 'b'] });
  });

  it('keeps appending to the array', () => {
    expect(entriesToObject([['tag', 'a'], ['tag', 'b'], ['tag', 'c'], ['tag', 'd']])).to.deep.equal({
      tag: ['a', 'b', 'c', 'd'],
    });
  });

  it('keeps the order of each name when names interleave', () => {
    const result = entriesToObject([
      ['x', 1],
      ['y', 'first'],
      ['x', 2],
      ['z', 'only'],
      ['y', 'second'],
      ['x', 3],
    ]);
    expect(result).to.deep.equal({ x: [1, 2, 3], y: ['first', 'second'], z: 'only' });
    expect(Object.keys(result)).to.deep.equal(['x', 'y', 'z']);
  });

  it('keeps repeated empty values', () => {
    expect(entriesToObject([['a', ''], ['a', '']])).to.deep.equal({ a: ['', ''] });
  });

  it('does not mistake a first value that is an array for an earlier repetition', () => {
    const first = ['already', 'an array'];
    const result = entriesToObject([['a', first]]);
    expect(result.a).to.equal(first);
  });

  it('takes any iterable, e.g. FormData entries', () => {
    const data = new FormData();
    data.append('color', 'red');
    data.append('color', 'blue');
    data.append('size', 'M');
    expect(entriesToObject(data.entries())).to.deep.equal({ color: ['red', 'blue'], size: 'M' });
  });

  it('handles names that are Object.prototype members', () => {
    const result = entriesToObject([
      ['constructor', 'c'],
      ['toString', 't'],
      ['hasOwnProperty', 'h'],
      ['toString', 't2'],
    ]);
    expect(result).to.deep.equal({ constructor: 'c', toString: ['t', 't2'], hasOwnProperty: 'h' });
  });

  it('keeps a field named "__proto__" as an ordinary own field', () => {
    const result = entriesToObject([['__proto__', 'x']]);
    expect(Object.prototype.hasOwnProperty.call(result, '__proto__')).to.equal(true);
    expect(JSON.stringify(result)).to.equal('{"__proto__":"x"}');
  });
});
