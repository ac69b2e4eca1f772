// The payload formats (README, "Payload formats"): the pure CBOR and Sparkplug B codecs (invalid
// and truncated input, 64-bit exactness, BigInt beyond 2^53, encode → decode round trips as
// property tests), the registry (`registerFormat`, unknown formats, decoders that throw, `path`
// and Sparkplug's `metrics.NAME`), BigInt as text. FormatQueue and a format's code that
// does not arrive: format-queue.test.ts. The comparison with Eclipse Tahu's sparkplug-payload is in
// test/node/sparkplug-reference.test.js (it does not load in a browser).
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import * as cbor from '../../src/core/formats/cbor.js';
import * as sparkplug from '../../src/core/formats/sparkplug.js';
import { PayloadDecoder, displayText } from '../../src/core/payload.js';
import { formatValue } from '../../src/core/format.js';
import { decodeFor, encodeFor, formatError, formatLoading, isKnownFormat, knownFormats, registerFormat, useFormat } from '../../src/core/payload-formats.js';
import { isMqttElementsError } from '../../src/errors.js';

const message = (bytes: Uint8Array, topic = 't') => new PayloadDecoder(bytes, topic);
const thrown = (run: () => unknown): Error => {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
};

describe('core/formats/cbor', () => {
  it('decodes maps, arrays, text, bytes, floats, booleans and null', () => {
    const value = { a: [1, -2, 2.5, 'x', true, null], b: new Uint8Array([1, 2]) };
    expect(cbor.decode(cborgEncode(value))).to.deep.equal(value);
  });

  it('keeps 64-bit integers exact: numbers up to 2^53 - 1, BigInt beyond', () => {
    expect(cbor.decode(cborgEncode(2 ** 53 - 1))).to.equal(2 ** 53 - 1);
    expect(cbor.decode(cborgEncode(-(2 ** 53) + 1))).to.equal(-(2 ** 53) + 1);
    expect(cbor.decode(cborgEncode(2n ** 53n))).to.equal(2n ** 53n);
    expect(cbor.decode(cborgEncode(2n ** 64n - 1n))).to.equal(2n ** 64n - 1n);
    expect(cbor.decode(cborgEncode(-(2n ** 64n)))).to.equal(-(2n ** 64n));
  });

  it('decodes bignums (tags 2 and 3) and passes date tags (0, 1) through', () => {
    // tag 2, bytes 01 00 00 00 00 00 00 00 00 = 2^64
    expect(cbor.decode(new Uint8Array([0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).to.equal(2n ** 64n);
    expect(cbor.decode(new Uint8Array([0xc3, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).to.equal(-1n - 2n ** 64n);
    expect(cbor.decode(new Uint8Array([0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00]))).to.equal(0x6553f100);
  });

  it('says why invalid CBOR is not CBOR', () => {
    for (const bytes of [[0xff], [0x1c], [0x62, 0x61], [0x01, 0x02], [0xa1, 0x01, 0x02], [0xd8, 0x40, 0x01]]) {
      const error = thrown(() => cbor.decode(new Uint8Array(bytes)));
      expect(error.message, String(bytes)).to.match(/^payload is not CBOR: /);
    }
  });

  it('hostile CBOR: lengths the bytes cannot hold and nesting beyond the stack are payload errors, at once', () => {
    const started = performance.now();
    const hostile = [
      [0x9a, 0xff, 0xff, 0xff, 0xff], // an array of 2^32 - 1 items, none there
      [0x9b, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff], // 2^40 - 1
      [0xba, 0xff, 0xff, 0xff, 0xff], // a map as big
      [0x5a, 0xff, 0xff, 0xff, 0xff], // a byte string of 4 GB
      new Array(200000).fill(0x81), // 200,000 arrays, each in the last
    ];
    for (const bytes of hostile) expect(thrown(() => cbor.decode(new Uint8Array(bytes))).message).to.match(/^payload is not CBOR: /);
    expect(performance.now() - started).to.be.below(2000);
  });

  it('a __proto__ key is an own property, never the prototype', () => {
    const value = cbor.decode(cborgEncode(JSON.parse('{"__proto__":{"polluted":1}}'))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('property: decode agrees with cborg, and encode → decode round-trips', () => {
    const leaf = fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 8 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = cborgEncode(v);
        expect(cbor.decode(bytes)).to.deep.equal(cborgDecode(bytes));
        const ours = cbor.decode(cbor.encode(v));
        // Numbers are exact: a safe integer stays a number, a BigInt in that range comes back a number.
        expect(ours).to.deep.equal(cborgDecode(cborgEncode(v)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('core/formats/sparkplug', () => {
  const payload = (metrics: unknown[], extra: Record<string, unknown> = {}) => sparkplug.encode({ timestamp: 1700000000000, seq: 3, metrics, ...extra });

  it('decodes timestamp, seq and metrics with their names, types and values', () => {
    const value = sparkplug.decode(payload([{ name: 'temp', type: 'Double', value: 21.5 }, { name: 'on', type: 'Boolean', value: true, timestamp: 5 }]));
    expect(value).to.deep.equal({
      timestamp: 1700000000000,
      seq: 3,
      metrics: [
        { name: 'temp', type: 'Double', value: 21.5 },
        { name: 'on', type: 'Boolean', value: true, timestamp: 5 },
      ],
    });
  });

  it('reads signed integers back with their sign, 64-bit ones exact (BigInt beyond 2^53)', () => {
    const metrics = [
      { name: 'i8', type: 'Int8', value: -128 },
      { name: 'i16', type: 'Int16', value: -32768 },
      { name: 'i32', type: 'Int32', value: -2147483648 },
      { name: 'i64', type: 'Int64', value: -(2n ** 63n) },
      { name: 'i64small', type: 'Int64', value: -5 },
      { name: 'u32', type: 'UInt32', value: 4294967295 },
      { name: 'u64', type: 'UInt64', value: 2n ** 64n - 1n },
      { name: 'safe', type: 'UInt64', value: 2 ** 53 - 1 },
      { name: 'dt', type: 'DateTime', value: 1700000000123 },
    ];
    const values = Object.fromEntries(sparkplug.decode(payload(metrics)).metrics.map((m) => [m.name, m.value]));
    expect(values).to.deep.equal({ i8: -128, i16: -32768, i32: -2147483648, i64: -(2n ** 63n), i64small: -5, u32: 4294967295, u64: 2n ** 64n - 1n, safe: 2 ** 53 - 1, dt: 1700000000123 });
  });

  it('accepts Int8 written in 8 bits and UInt32 in long_value (other encoders do so)', () => {
    // Metric {name: "a", datatype: 1 (Int8), int_value: 0xff}; Metric {name: "b", datatype: 7, long_value: 7}
    const a = [0x0a, 0x01, 0x61, 0x20, 0x01, 0x50, 0xff, 0x01];
    const b = [0x0a, 0x01, 0x62, 0x20, 0x07, 0x58, 0x07];
    const bytes = new Uint8Array([0x12, a.length, ...a, 0x12, b.length, ...b]);
    expect(sparkplug.decode(bytes).metrics.map((m) => m.value)).to.deep.equal([-1, 7]);
  });

  it('a null metric has the value null; a payload without timestamp or seq has neither', () => {
    const value = sparkplug.decode(sparkplug.encode({ metrics: [{ name: 'x', type: 'Int32', value: null }] }));
    expect(value.metrics).to.deep.equal([{ name: 'x', type: 'Int32', value: null }]);
    expect(sparkplug.decode(new Uint8Array([0x12, 0x03, 0x0a, 0x01, 0x78]))).to.deep.equal({ metrics: [{ name: 'x', type: 'Unknown', value: undefined }] });
  });

  it('says why truncated or garbage bytes are not Sparkplug B', () => {
    const good = payload([{ name: 'temp', type: 'Double', value: 21.5 }]);
    // Cut anywhere inside the metric (tag 0x12, its length, its fields): not a payload. (A cut at
    // a field's end is a shorter payload, as protobuf has it.)
    const start = good.indexOf(0x12);
    const end = start + 2 + good[start + 1]!;
    for (let cut = start + 1; cut < end; cut++) {
      const error = thrown(() => sparkplug.decode(good.subarray(0, cut)));
      expect(error.message, `cut at ${cut}`).to.match(/^payload is not Sparkplug B: /);
    }
    for (const bytes of [[0x07], [0x0a, 0x01, 0x02], [0x12, 0x05, 0x01], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d]]) {
      expect(thrown(() => sparkplug.decode(new Uint8Array(bytes))).message, String(bytes)).to.match(/^payload is not Sparkplug B: /);
    }
  });

  it('encode refuses what is no Sparkplug payload, naming what is wrong', () => {
    expect(thrown(() => sparkplug.encode(5)).message).to.include('must be an object');
    expect(thrown(() => sparkplug.encode({ metrics: 'x' })).message).to.include('metrics must be an array');
    expect(thrown(() => sparkplug.encode({ metrics: [{ name: 'a', type: 'Nope', value: 1 }] })).message).to.include('unknown Sparkplug datatype "Nope"');
    expect(thrown(() => sparkplug.encode({ metrics: [{ name: 'a', type: 'Int32', value: 1.5 }] })).message).to.include('must be an integer');
    expect(thrown(() => sparkplug.encode({ metrics: [{ name: 'a', type: 'DataSet', value: {} }] })).message).to.include('cannot be encoded');
  });

  it('property: encode → decode round-trips every scalar type, 64-bit extremes included', () => {
    const int = (bits: number, signed: boolean) => (signed ? fc.bigInt({ min: -(2n ** BigInt(bits - 1)), max: 2n ** BigInt(bits - 1) - 1n }) : fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n }));
    const exact = (n: bigint) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
    const small = (n: bigint) => Number(n);
    const metric = fc.oneof(
      ...([['Int8', 8, true], ['Int16', 16, true], ['Int32', 32, true], ['UInt8', 8, false], ['UInt16', 16, false], ['UInt32', 32, false]] as const).map(([type, bits, signed]) =>
        int(bits, signed).map((n) => ({ type, value: small(n), expected: small(n) })),
      ),
      ...([['Int64', true], ['UInt64', false], ['DateTime', false]] as const).map(([type, signed]) => int(64, signed).map((n) => ({ type, value: n, expected: exact(n) }))),
      fc.float({ noNaN: true }).map((v) => ({ type: 'Float', value: v, expected: v })),
      fc.double({ noNaN: true }).map((v) => ({ type: 'Double', value: v, expected: v })),
      fc.boolean().map((v) => ({ type: 'Boolean', value: v, expected: v })),
      ...(['String', 'Text', 'UUID'] as const).map((type) => fc.string().map((v) => ({ type, value: v, expected: v }))),
      ...(['Bytes', 'File'] as const).map((type) => fc.uint8Array({ maxLength: 16 }).map((v) => ({ type, value: v, expected: v }))),
      fc.constantFrom('Int32', 'Double', 'String').map((type) => ({ type, value: null, expected: null })),
    );
    const named = fc.record({ name: fc.option(fc.string(), { nil: undefined }), timestamp: fc.option(int(64, false), { nil: undefined }), metric });
    fc.assert(
      fc.property(fc.array(named, { maxLength: 6 }), int(64, false), fc.option(int(64, false), { nil: undefined }), (metrics, timestamp, seq) => {
        const input = metrics.map(({ name, timestamp, metric }) => ({ ...(name === undefined ? {} : { name }), ...(timestamp === undefined ? {} : { timestamp }), type: metric.type, value: metric.value }));
        const decoded = sparkplug.decode(sparkplug.encode({ timestamp, ...(seq === undefined ? {} : { seq }), metrics: input }));
        expect(decoded.timestamp).to.equal(exact(timestamp));
        expect(decoded.seq).to.equal(seq === undefined ? undefined : exact(seq));
        expect(decoded.metrics).to.deep.equal(
          metrics.map(({ name, timestamp, metric }) => ({
            ...(name === undefined ? {} : { name }),
            type: metric.type,
            value: metric.expected,
            ...(timestamp === undefined ? {} : { timestamp: exact(timestamp) }),
          })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a metric sent by alias alone gets the name its node\'s or device\'s last birth gave that alias', () => {
    const g = `g${Math.random().toString(16).slice(2, 8)}`;
    const names = (value: unknown) => (value as { metrics: Array<{ name?: string }> }).metrics.map((m) => m.name ?? '?');
    sparkplug.decode(payload([{ name: 'temp', alias: 1, type: 'Double', value: 1 }, { name: 'on', alias: 2, type: 'Boolean', value: true }]), `spBv1.0/${g}/DBIRTH/n/boiler`);
    sparkplug.decode(payload([{ name: 'node temp', alias: 1, type: 'Double', value: 1 }]), `spBv1.0/${g}/NBIRTH/n`);
    const data = payload([{ alias: 2, type: 'Boolean', value: false }, { alias: 1, type: 'Double', value: 7 }, { alias: 9, type: 'Int32', value: 1 }]);
    expect(names(sparkplug.decode(data, `spBv1.0/${g}/DDATA/n/boiler`)), 'the device\'s birth; an alias it did not give stays unnamed').to.deep.equal(['on', 'temp', '?']);
    expect(names(sparkplug.decode(data, `spBv1.0/${g}/NDATA/n`)), 'the node\'s own birth').to.deep.equal(['?', 'node temp', '?']);
    expect(names(sparkplug.decode(data, `spBv1.0/${g}/DDATA/n/pump`)), 'another device: no birth seen').to.deep.equal(['?', '?', '?']);
    expect(names(sparkplug.decode(data, `plant/${g}/DDATA/n/boiler`)), 'not a Sparkplug topic').to.deep.equal(['?', '?', '?']);
    expect(names(sparkplug.decode(data)), 'no topic').to.deep.equal(['?', '?', '?']);
    // A rebirth gives the aliases anew.
    sparkplug.decode(payload([{ name: 'pressure', alias: 1, type: 'Double', value: 1 }]), `spBv1.0/${g}/DBIRTH/n/boiler`);
    expect(names(sparkplug.decode(data, `spBv1.0/${g}/DDATA/n/boiler`))).to.deep.equal(['?', 'pressure', '?']);
    // A name sent with the alias stays as sent.
    expect(names(sparkplug.decode(payload([{ name: 'own', alias: 1, type: 'Double', value: 1 }]), `spBv1.0/${g}/DDATA/n/boiler`))).to.deep.equal(['own']);
  });

  it(`births of at most ${sparkplug.BIRTHS_KEPT} nodes and devices are kept: a burst of distinct topics forgets the oldest`, () => {
    const g = `g${Math.random().toString(16).slice(2, 8)}`;
    const birth = payload([{ name: 'temp', alias: 1, type: 'Double', value: 1 }]);
    const data = payload([{ alias: 1, type: 'Double', value: 2 }]);
    const nameOn = (device: number) => (sparkplug.decode(data, `spBv1.0/${g}/DDATA/n/d${device}`) as { metrics: Array<{ name?: string }> }).metrics[0]!.name;
    for (let d = 0; d <= sparkplug.BIRTHS_KEPT; d++) sparkplug.decode(birth, `spBv1.0/${g}/DBIRTH/n/d${d}`);
    expect(nameOn(0), 'the oldest birth is forgotten').to.equal(undefined);
    expect(nameOn(1)).to.equal('temp');
    expect(nameOn(sparkplug.BIRTHS_KEPT)).to.equal('temp');
  });

  it('metricNamed: the whole rest of the path names the metric, dots and slashes included', () => {
    const value = sparkplug.decode(payload([{ name: 'Node Control/Rebirth', value: false }, { name: 'a.b', value: 1 }]));
    expect(sparkplug.metricNamed(value, 'metrics.Node Control/Rebirth')).to.deep.equal({ ok: true, value: false });
    expect(sparkplug.metricNamed(value, 'metrics.a.b')).to.deep.equal({ ok: true, value: 1 });
    expect(sparkplug.metricNamed(value, 'metrics.nope')).to.equal(undefined);
    expect(sparkplug.metricNamed(value, 'seq')).to.equal(undefined);
  });
});

describe('core/payload-formats', () => {
  it('knows the built-in formats, and reports an unknown one listing them and saying to call registerFormat', () => {
    for (const f of ['text', 'json', 'bytes', 'cbor', 'sparkplug']) expect(isKnownFormat(f), f).to.equal(true);
    for (const f of ['', 'JSON', 'xml', undefined, null, 1, {}, 'toString', '__proto__']) expect(isKnownFormat(f), String(f)).to.equal(false);
    const error = formatError('xml')!;
    expect(error.code).to.equal('payload-format');
    expect(error.message).to.include('text, json, bytes, cbor, sparkplug').and.include('registerFormat("xml", {decode})');
  });

  it('registerFormat adds a format: decode gets the bytes and the topic, runs once per message, and path applies', async () => {
    const calls: string[] = [];
    registerFormat('csv-test', {
      decode: (bytes, topic) => {
        calls.push(topic);
        return Object.fromEntries(new TextDecoder().decode(bytes).split(',').map((pair) => pair.split('=')));
      },
    });
    expect(knownFormats()).to.include('csv-test');
    expect(formatError('csv-test')).to.equal(undefined);
    // Decoding with any format but text, json and bytes is code loaded on first use (formats/codecs.ts).
    await formatLoading('csv-test');
    const m = message(new TextEncoder().encode('a=1,b=2'), 'home/x');
    expect(decodeFor(m, 'csv-test', 'b')).to.deep.equal({ ok: true, value: '2', known: true, empty: false });
    expect(decodeFor(m, 'csv-test', undefined)).to.deep.include({ ok: true, value: { a: '1', b: '2' } });
    expect(calls, 'decoded once, shared').to.deep.equal(['home/x']);
  });

  it('registerFormat throws payload-format for a name taken (built-in ones included), a bad name or no decode', () => {
    registerFormat('taken-test', { decode: () => 1 });
    for (const name of ['taken-test', 'json', 'text', 'bytes', 'cbor', 'sparkplug']) {
      const error = thrown(() => registerFormat(name, { decode: () => 1 }));
      expect(isMqttElementsError(error) && error.code, name).to.equal('payload-format');
      expect(error.message).to.include(`registerFormat("${name}"): the name is taken`);
    }
    for (const name of ['', 'a b', 1 as unknown as string]) expect((thrown(() => registerFormat(name, { decode: () => 1 })) as { code?: string }).code).to.equal('payload-format');
    expect(thrown(() => registerFormat('nodecode-test', {} as never)).message).to.include('a decode function');
    expect((thrown(() => registerFormat('badencode-test', { decode: () => 1, encode: 5 as never })) as { code?: string }).code).to.equal('payload-format');
    expect(isKnownFormat('nodecode-test')).to.equal(false);
  });

  it('a decoder that throws: a failure with its message; an empty payload: no value and no error', async () => {
    registerFormat('throws-test', {
      decode: () => {
        throw new Error('bad frame');
      },
    });
    await formatLoading('throws-test');
    const result = decodeFor(message(new Uint8Array([1])), 'throws-test', undefined);
    expect(result).to.deep.include({ ok: false, known: true });
    expect(!result.ok && result.reason).to.include('bad frame');
    expect(decodeFor(message(new Uint8Array()), 'throws-test', undefined)).to.deep.include({ ok: false, empty: true });
  });

  it('an unknown format decodes as text, known: false', () => {
    expect(decodeFor(message(new TextEncoder().encode('hi')), 'nope-test', undefined)).to.deep.equal({ ok: true, value: 'hi', known: false, empty: false });
  });

  it('cbor and sparkplug load on first use, then decode with path; a Sparkplug message without the metric is absent, no error', async () => {
    useFormat('cbor');
    useFormat('sparkplug');
    await formatLoading('cbor');
    await formatLoading('sparkplug');
    expect(formatLoading('cbor')).to.equal(undefined);
    const c = message(cborgEncode({ sensors: [{ celsius: 21.5 }], big: 2n ** 60n }));
    expect(decodeFor(c, 'cbor', 'sensors.0.celsius')).to.deep.include({ ok: true, value: 21.5 });
    expect(decodeFor(c, 'cbor', 'big')).to.deep.include({ ok: true, value: 2n ** 60n });
    expect(decodeFor(c, 'cbor', 'nope')).to.deep.include({ ok: false }).and.not.have.property('absent');
    const bad = decodeFor(message(new Uint8Array([0xff])), 'cbor', undefined);
    expect(!bad.ok && bad.reason).to.match(/^payload is not CBOR/);

    const s = message(sparkplug.encode({ timestamp: 1, seq: 0, metrics: [{ name: 'temp', type: 'Float', value: 1.5 }] }));
    expect(decodeFor(s, 'sparkplug', 'metrics.temp')).to.deep.include({ ok: true, value: 1.5 });
    expect(decodeFor(s, 'sparkplug', 'metrics.0.name')).to.deep.include({ ok: true, value: 'temp' });
    expect(decodeFor(s, 'sparkplug', 'metrics.humidity')).to.deep.include({ ok: false, absent: true });
    const garbage = decodeFor(message(new Uint8Array([0x12, 0x05, 0x01])), 'sparkplug', 'metrics.temp');
    expect(garbage).to.deep.include({ ok: false }).and.not.have.property('absent');
    expect(!garbage.ok && garbage.reason).to.match(/^payload is not Sparkplug B: /);
  });

  it('encodeFor: cbor and sparkplug encode; text, json and formats without encode leave the value; a bad value is payload-format', async () => {
    expect(cborgDecode((await encodeFor('cbor', { on: true })) as Uint8Array)).to.deep.equal({ on: true });
    const sent = (await encodeFor('sparkplug', { metrics: [{ name: 'x', type: 'Int32', value: -1 }] })) as Uint8Array;
    expect(sparkplug.decode(sent).metrics).to.deep.equal([{ name: 'x', type: 'Int32', value: -1 }]);
    expect(await encodeFor('json', { a: 1 })).to.deep.equal({ a: 1 });
    registerFormat('upper-test', { decode: (b) => b, encode: (v) => String(v).toUpperCase() });
    expect(await encodeFor('upper-test', 'on')).to.equal('ON');
    const error = await encodeFor('sparkplug', 5).catch((e: unknown) => e);
    expect(isMqttElementsError(error) && error.code).to.equal('payload-format');
  });
});

describe('BigInt as text', () => {
  it('displayText writes a BigInt as its digits, alone or inside a value', () => {
    expect(displayText(2n ** 64n)).to.equal('18446744073709551616');
    expect(displayText({ n: 2n ** 64n, m: 1 })).to.equal('{"n":"18446744073709551616","m":1}');
  });

  it('formatValue: decimals apply to a BigInt exactly; labels match its digits', () => {
    expect(formatValue(2n ** 64n, { decimals: 0, locale: 'en-US' })).to.equal('18,446,744,073,709,551,616');
    expect(formatValue(5n, { labels: new Map([['5', 'five']]) })).to.equal('five');
  });
});
