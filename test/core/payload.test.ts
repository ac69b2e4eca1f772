import { expect } from '@open-wc/testing';
import { PayloadDecoder, displayText, followPath } from '../../src/core/payload.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Counts JSON.parse calls made while `body` runs. */
function countJsonParse(body: () => void): number {
  const original = JSON.parse;
  let calls = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    calls++;
    return original(...args);
  }) as typeof JSON.parse;
  try {
    body();
  } finally {
    JSON.parse = original;
  }
  return calls;
}

describe('core/payload', () => {
  describe('PayloadDecoder', () => {
    it('keeps the bytes it was given', () => {
      const bytes = utf8('hi');
      expect(new PayloadDecoder(bytes).bytes).to.equal(bytes);
    });

    it('decodes text as UTF-8, including multibyte characters', () => {
      const decoder = new PayloadDecoder(utf8('héllo €𝄞'));
      expect(decoder.text).to.equal('héllo €𝄞');
      expect(decoder.decode('text')).to.deep.equal({ ok: true, value: 'héllo €𝄞' });
    });

    it('decodes an empty payload as the empty string', () => {
      expect(new PayloadDecoder(new Uint8Array()).decode('text')).to.deep.equal({ ok: true, value: '' });
    });

    it('decodes invalid UTF-8 with replacement characters rather than failing', () => {
      const result = new PayloadDecoder(new Uint8Array([0x61, 0xff, 0x62])).decode('text');
      expect(result).to.deep.equal({ ok: true, value: 'a\uFFFDb' });
    });

    it('returns the very bytes for format "bytes"', () => {
      const bytes = new Uint8Array([0, 1, 255]);
      const result = new PayloadDecoder(bytes).decode('bytes');
      expect(result.ok).to.equal(true);
      expect(result.ok && result.value).to.equal(bytes);
    });

    it('decodes JSON values of every kind', () => {
      const cases: Array<[string, unknown]> = [
        ['{"a":1,"b":[true,null]}', { a: 1, b: [true, null] }],
        ['[1,2]', [1, 2]],
        ['21.5', 21.5],
        ['"text"', 'text'],
        ['true', true],
        ['null', null],
        ['  {"spaced": 1}\n', { spaced: 1 }],
      ];
      for (const [text, value] of cases) {
        expect(new PayloadDecoder(utf8(text)).decode('json'), text).to.deep.equal({ ok: true, value });
      }
    });

    it('reports JSON that does not parse as ok:false with a reason', () => {
      for (const text of ['{"a":', 'hello', '', "{'a':1}", '{"a":1}x']) {
        const result = new PayloadDecoder(utf8(text)).decode('json');
        expect(result.ok, text).to.equal(false);
        expect(!result.ok && result.reason, text).to.be.a('string').and.match(/not JSON/);
      }
    });

    it('parses JSON once however often it is decoded', () => {
      const decoder = new PayloadDecoder(utf8('{"celsius":21.5,"list":[{"x":1}]}'));
      let first: ReturnType<PayloadDecoder['decode']> | undefined;
      let second: ReturnType<PayloadDecoder['decode']> | undefined;
      const calls = countJsonParse(() => {
        first = decoder.decode('json');
        second = decoder.decode('json');
        decoder.decode('json', 'celsius');
        decoder.decode('json', 'list.0.x');
        void decoder.json;
      });
      expect(calls).to.equal(1);
      expect(second).to.equal(first); // the same result object
      expect(first!.ok && second!.ok && first!.value).to.equal(second!.ok && second!.value);
    });

    it('shares parsed objects between decodes along a path', () => {
      const decoder = new PayloadDecoder(utf8('{"sensor":{"celsius":21.5}}'));
      const whole = decoder.decode('json');
      const part = decoder.decode('json', 'sensor');
      expect(whole.ok && part.ok).to.equal(true);
      expect(part.ok && part.value).to.equal(whole.ok && (whole.value as { sensor: unknown }).sensor);
    });

    it('parses bad JSON once too, returning the same failure', () => {
      const decoder = new PayloadDecoder(utf8('nope'));
      let first: unknown;
      let second: unknown;
      const calls = countJsonParse(() => {
        first = decoder.decode('json');
        second = decoder.decode('json', 'a.b');
      });
      expect(calls).to.equal(1);
      expect(second).to.equal(first);
      expect(first).to.have.property('ok', false);
      expect((first as { reason: string }).reason).to.match(/^payload is not JSON: /);
    });

    it('decodes text once', () => {
      const decoder = new PayloadDecoder(utf8('abc'));
      const original = TextDecoder.prototype.decode;
      let calls = 0;
      TextDecoder.prototype.decode = function (this: TextDecoder, ...args: Parameters<TextDecoder['decode']>) {
        calls++;
        return original.apply(this, args);
      };
      try {
        expect(decoder.text).to.equal('abc');
        expect(decoder.decode('text')).to.deep.equal({ ok: true, value: 'abc' });
        decoder.decode('json');
      } finally {
        TextDecoder.prototype.decode = original;
      }
      expect(calls).to.equal(1);
    });

    it('follows a path with format json', () => {
      const decoder = new PayloadDecoder(utf8('{"sensors":[{"celsius":20},{"celsius":21.5}]}'));
      expect(decoder.decode('json', 'sensors.1.celsius')).to.deep.equal({ ok: true, value: 21.5 });
      expect(decoder.decode('json', 'sensors.2.celsius')).to.deep.equal({
        ok: false,
        reason: 'payload has no "sensors.2.celsius" (missing at "2")',
      });
    });

    it('ignores path for text and bytes', () => {
      const decoder = new PayloadDecoder(utf8('{"a":1}'));
      expect(decoder.decode('text', 'a')).to.deep.equal({ ok: true, value: '{"a":1}' });
      const bytes = decoder.decode('bytes', 'a');
      expect(bytes.ok && bytes.value).to.equal(decoder.bytes);
    });

    it('treats an empty path as no path', () => {
      const decoder = new PayloadDecoder(utf8('{"a":1}'));
      expect(decoder.decode('json', '')).to.deep.equal({ ok: true, value: { a: 1 } });
    });
  });

  describe('followPath', () => {
    const doc = { sensors: [{ celsius: 20 }, { celsius: 21.5, tags: ['x', 'y'] }], zero: 0, off: false, none: null };

    it('follows object keys', () => {
      expect(followPath({ a: { b: { c: 'deep' } } }, 'a.b.c')).to.deep.equal({ ok: true, value: 'deep' });
    });

    it('follows array indexes', () => {
      expect(followPath(doc, 'sensors.1.celsius')).to.deep.equal({ ok: true, value: 21.5 });
      expect(followPath(doc, 'sensors.1.tags.0')).to.deep.equal({ ok: true, value: 'x' });
      expect(followPath([10, 20], '1')).to.deep.equal({ ok: true, value: 20 });
    });

    it('returns falsy values found at the end of the path', () => {
      expect(followPath(doc, 'zero')).to.deep.equal({ ok: true, value: 0 });
      expect(followPath(doc, 'off')).to.deep.equal({ ok: true, value: false });
      expect(followPath(doc, 'none')).to.deep.equal({ ok: true, value: null });
    });

    it('returns a sub-object itself, not a copy', () => {
      const result = followPath(doc, 'sensors.0');
      expect(result.ok && result.value).to.equal(doc.sensors[0]);
    });

    it('fails on a missing key, naming the step', () => {
      const result = followPath(doc, 'sensors.0.fahrenheit');
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include('sensors.0.fahrenheit').and.include('"fahrenheit"');
    });

    it('fails on an index past the end', () => {
      const result = followPath(doc, 'sensors.5.celsius');
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include('"5"');
    });

    /** The failure followPath reports for `path`, missing at `key`. */
    const missing = (path: string, key: string) => ({ ok: false, reason: `payload has no "${path}" (missing at "${key}")` });

    it('fails when stepping into a primitive or null', () => {
      expect(followPath(doc, 'zero.x')).to.deep.equal(missing('zero.x', 'x'));
      expect(followPath(doc, 'none.x')).to.deep.equal(missing('none.x', 'x'));
      expect(followPath('text', 'length')).to.deep.equal(missing('length', 'length'));
      expect(followPath(42, 'a')).to.deep.equal(missing('a', 'a'));
      expect(followPath(null, 'a')).to.deep.equal(missing('a', 'a'));
    });

    it('does not reach inherited properties', () => {
      expect(followPath({}, 'constructor')).to.deep.equal(missing('constructor', 'constructor'));
      expect(followPath({}, 'toString')).to.deep.equal(missing('toString', 'toString'));
      expect(followPath({ a: {} }, 'a.__proto__')).to.deep.equal(missing('a.__proto__', '__proto__'));
      expect(followPath([], 'map')).to.deep.equal(missing('map', 'map'));
    });

    it('fails on an empty step', () => {
      expect(followPath({ a: { b: 1 } }, 'a..b')).to.deep.equal(missing('a..b', ''));
    });
  });

  describe('displayText', () => {
    it('shows nothing for undefined', () => {
      expect(displayText(undefined)).to.equal('');
    });

    it('shows strings as they are, markup included', () => {
      expect(displayText('21.5 °C')).to.equal('21.5 °C');
      expect(displayText('<b>x</b>')).to.equal('<b>x</b>');
      expect(displayText('')).to.equal('');
    });

    it('shows bytes as space-separated two-digit lowercase hex', () => {
      expect(displayText(new Uint8Array([0, 10, 171, 255]))).to.equal('00 0a ab ff');
      expect(displayText(new Uint8Array([]))).to.equal('');
    });

    it('shows numbers, booleans and null as JSON', () => {
      expect(displayText(21.5)).to.equal('21.5');
      expect(displayText(0)).to.equal('0');
      expect(displayText(false)).to.equal('false');
      expect(displayText(null)).to.equal('null');
    });

    it('shows objects and arrays as JSON', () => {
      expect(displayText({ a: 1, b: 'x' })).to.equal('{"a":1,"b":"x"}');
      expect(displayText([1, [2]])).to.equal('[1,[2]]');
    });

    it('falls back to String() for values JSON cannot show', () => {
      expect(displayText(Symbol('s'))).to.equal('Symbol(s)');
    });
  });
});
