// format="sparkplug" (src/core/formats/sparkplug.ts) against Eclipse Tahu's own JavaScript
// encoder and decoder, sparkplug-payload (protobufjs inside, so Node only: its generated code
// runs through `new Function`, which the package's strict-CSP promise forbids at run time, and it
// does not load in the test browsers). Property tests with fast-check: payloads the reference
// encodes (metrics of every scalar type, 64-bit extremes, null metrics, fields left out) decode
// to what the reference decodes; what ours encodes the reference decodes the same (UInt32 aside:
// Tahu's JS library reads it from long_value, Sparkplug 3.0 puts it in int_value, where ours reads
// both). Our module is bundled by esbuild (the sources are TypeScript) and imported from memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import fc from 'fast-check';

const require = createRequire(import.meta.url);
const reference = require('sparkplug-payload').get('spBv1.0');
const Long = createRequire(require.resolve('sparkplug-payload'))('long');

const bundle = await esbuild.build({
  entryPoints: [new URL('../../src/core/formats/sparkplug.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  logLevel: 'silent',
});
const ours = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].contents).toString('base64')}`);

/** A value as both sides can be compared: Long and BigInt as BigInt, numbers in the safe range as numbers, bytes as arrays. */
function plain(value) {
  if (Long.isLong(value)) value = BigInt(value.toString());
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (value instanceof Uint8Array) return [...value];
  return value;
}

function normalise(payload) {
  const out = { metrics: (payload.metrics ?? []).map((m) => {
    const metric = { type: m.type, value: plain(m.value) };
    if (m.name !== undefined) metric.name = m.name;
    if (m.timestamp !== undefined) metric.timestamp = plain(m.timestamp);
    return metric;
  }) };
  for (const key of ['timestamp', 'seq']) if (payload[key] !== undefined) out[key] = plain(payload[key]);
  return out;
}

const bigint = (bits, signed) =>
  signed ? fc.bigInt({ min: -(2n ** BigInt(bits - 1)), max: 2n ** BigInt(bits - 1) - 1n }) : fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n });
const long = (n, unsigned) => Long.fromString(n.toString(), unsigned);

/** A metric of every scalar type as the reference takes it, with the value ours should give. */
const metric = (withUInt32 = true) =>
  fc.oneof(
    ...[['Int8', 8], ['Int16', 16], ['Int32', 32]].map(([type, bits]) => bigint(bits, true).map((n) => ({ type, value: Number(n) }))),
    ...[['UInt8', 8], ['UInt16', 16]].map(([type, bits]) => bigint(bits, false).map((n) => ({ type, value: Number(n) }))),
    ...(withUInt32 ? [bigint(32, false).map((n) => ({ type: 'UInt32', value: Number(n) }))] : []),
    bigint(64, true).map((n) => ({ type: 'Int64', value: long(n, false) })),
    ...['UInt64', 'DateTime'].map((type) => bigint(64, false).map((n) => ({ type, value: long(n, true) }))),
    fc.float({ noNaN: true }).map((value) => ({ type: 'Float', value })),
    fc.double({ noNaN: true }).map((value) => ({ type: 'Double', value })),
    fc.boolean().map((value) => ({ type: 'Boolean', value })),
    ...['String', 'Text', 'UUID'].map((type) => fc.string().map((value) => ({ type, value }))),
    ...['Bytes', 'File'].map((type) => fc.uint8Array({ maxLength: 12 }).map((value) => ({ type, value: Buffer.from(value) }))),
    fc.constantFrom('Int32', 'Int64', 'Double', 'String', 'Boolean').map((type) => ({ type, value: null })),
  );

const payload = (withUInt32) =>
  fc.record(
    {
      timestamp: bigint(64, false).map((n) => long(n, true)),
      seq: bigint(64, false).map((n) => long(n, true)),
      metrics: fc.array(
        fc.record({ name: fc.string(), timestamp: bigint(64, false).map((n) => long(n, true)), m: metric(withUInt32) }, { requiredKeys: ['m'] }).map(({ m, ...rest }) => ({ ...rest, ...m })),
        { maxLength: 6 },
      ),
    },
    { requiredKeys: [] },
  );

describe('format="sparkplug" against Eclipse Tahu\'s sparkplug-payload', () => {
  it('decodes what the reference encodes as the reference does: every scalar type, 64-bit extremes, null metrics, missing fields', () => {
    fc.assert(
      fc.property(payload(true), (p) => {
        const bytes = reference.encodePayload(p);
        assert.deepEqual(normalise(ours.decode(new Uint8Array(bytes))), normalise(reference.decodePayload(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it('the 64-bit extremes, exactly: numbers where safe, BigInt beyond', () => {
    const p = {
      timestamp: long(2n ** 64n - 1n, true),
      seq: long(5n, true),
      metrics: [
        { name: 'min', type: 'Int64', value: long(-(2n ** 63n), false) },
        { name: 'max', type: 'UInt64', value: long(2n ** 64n - 1n, true) },
        { name: 'safe', type: 'Int64', value: long(-(2n ** 53n) + 1n, false) },
        { name: 'unsafe', type: 'Int64', value: long(2n ** 53n, false) },
      ],
    };
    const value = ours.decode(new Uint8Array(reference.encodePayload(p)));
    assert.equal(value.timestamp, 2n ** 64n - 1n);
    assert.equal(value.seq, 5);
    assert.deepEqual(value.metrics.map((m) => m.value), [-(2n ** 63n), 2n ** 64n - 1n, -(2 ** 53) + 1, 2n ** 53n]);
  });

  it('what ours encodes, the reference decodes the same (UInt32 aside, see the header)', () => {
    fc.assert(
      fc.property(payload(false), (p) => {
        // Ours takes BigInt or numbers, not Long.
        const toOurs = (v) => (Long.isLong(v) ? BigInt(v.toString()) : v);
        const input = {
          ...(p.timestamp ? { timestamp: toOurs(p.timestamp) } : { timestamp: 0 }),
          ...(p.seq ? { seq: toOurs(p.seq) } : {}),
          metrics: (p.metrics ?? []).map((m) => ({ ...m, value: m.value instanceof Buffer ? new Uint8Array(m.value) : toOurs(m.value), ...(m.timestamp ? { timestamp: toOurs(m.timestamp) } : {}) })),
        };
        const bytes = ours.encode(input);
        assert.deepEqual(normalise(reference.decodePayload(bytes)), normalise(ours.decode(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it('a payload from the reference with what ours skips (aliases, properties, historical flags) still decodes', () => {
    const bytes = reference.encodePayload({
      timestamp: 1,
      metrics: [{ name: 'a', alias: 7, type: 'Int32', value: -3, isHistorical: true, isTransient: false, properties: { unit: { type: 'String', value: '°C' } } }],
    });
    assert.deepEqual(ours.decode(new Uint8Array(bytes)).metrics, [{ name: 'a', alias: 7, type: 'Int32', value: -3 }]);
  });

  it('DataSet values: columns, their types, and each cell read as its column\'s type (signs, 64-bit, floats, text, booleans)', () => {
    const bytes = reference.encodePayload({
      timestamp: 1,
      metrics: [
        {
          name: 'table',
          type: 'DataSet',
          value: {
            numOfColumns: long(6n, true),
            columns: ['i8', 'i32', 'i64', 'd', 's', 'b'],
            types: ['Int8', 'Int32', 'Int64', 'Double', 'String', 'Boolean'],
            rows: [
              [-5, -70000, long(-(2n ** 63n), false), 1.25, 'x', true],
              [127, 2147483647, long(2n ** 53n - 1n, false), -0.5, '', false],
            ],
          },
        },
      ],
    });
    assert.deepEqual(ours.decode(new Uint8Array(bytes)).metrics[0], {
      name: 'table',
      type: 'DataSet',
      value: {
        columns: ['i8', 'i32', 'i64', 'd', 's', 'b'],
        types: ['Int8', 'Int32', 'Int64', 'Double', 'String', 'Boolean'],
        rows: [
          [-5, -70000, -(2n ** 63n), 1.25, 'x', true],
          [127, 2147483647, 2 ** 53 - 1, -0.5, '', false],
        ],
      },
    });
  });

  it('Template values: version, reference, definition flag, its own metrics (nested Templates too) and its parameters', () => {
    const motor = (rpm, inner) => ({
      version: '1.0',
      templateRef: 'Motor',
      isDefinition: false,
      metrics: [{ name: 'rpm', type: 'Double', value: rpm }, ...(inner ? [{ name: 'fan', type: 'Template', value: inner }] : [])],
      parameters: [
        { name: 'poles', type: 'Int32', value: -4 },
        { name: 'label', type: 'String', value: 'M1' },
      ],
    });
    const bytes = reference.encodePayload({ timestamp: 1, metrics: [{ name: 'm', type: 'Template', value: motor(1500.5, motor(90)) }] });
    const expected = (rpm, inner) => ({
      version: '1.0',
      templateRef: 'Motor',
      isDefinition: false,
      metrics: [{ name: 'rpm', type: 'Double', value: rpm }, ...(inner ? [{ name: 'fan', type: 'Template', value: inner }] : [])],
      parameters: [
        { name: 'poles', type: 'Int32', value: -4 },
        { name: 'label', type: 'String', value: 'M1' },
      ],
    });
    assert.deepEqual(ours.decode(new Uint8Array(bytes)).metrics[0], { name: 'm', type: 'Template', value: expected(1500.5, expected(90)) });
  });

  it('Templates nested deeper than any UDT are refused with an error, not a stack overflow', () => {
    let value = { metrics: [], parameters: [] };
    for (let i = 0; i < 40; i++) value = { metrics: [{ name: `t${i}`, type: 'Template', value }], parameters: [] };
    const bytes = reference.encodePayload({ timestamp: 1, metrics: [{ name: 'deep', type: 'Template', value }] });
    assert.throws(() => ours.decode(new Uint8Array(bytes)), /payload is not Sparkplug B: Templates nest more than 16 deep/);
  });

  it('property: DataSets of random rows decode to what the reference was given', () => {
    const column = fc.oneof(
      fc.constant(['Int32', fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })]),
      fc.constant(['Int64', bigint(64, true)]),
      fc.constant(['Double', fc.double({ noNaN: true })]),
      fc.constant(['String', fc.string()]),
      fc.constant(['Boolean', fc.boolean()]),
    );
    fc.assert(
      fc.property(
        fc.array(column, { minLength: 1, maxLength: 5 }).chain((cols) =>
          fc.tuple(fc.constant(cols.map(([type]) => type)), fc.array(fc.tuple(...cols.map(([, arb]) => arb)), { maxLength: 8 })),
        ),
        ([types, rows]) => {
          const bytes = reference.encodePayload({
            timestamp: 1,
            metrics: [
              {
                name: 'ds',
                type: 'DataSet',
                value: {
                  numOfColumns: long(BigInt(types.length), true),
                  columns: types.map((_, i) => `c${i}`),
                  types,
                  rows: rows.map((row) => row.map((v, i) => (types[i] === 'Int64' ? long(v, false) : v))),
                },
              },
            ],
          });
          const got = ours.decode(new Uint8Array(bytes)).metrics[0].value;
          assert.deepEqual(got.types, types);
          assert.deepEqual(
            got.rows,
            rows.map((row) => row.map((v, i) => (types[i] === 'Int64' ? plain(v) : v))),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
