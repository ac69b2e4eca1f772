/**
 * `format="sparkplug"`: Eclipse Sparkplug B payloads (protobuf, Eclipse Tahu's sparkplug_b.proto),
 * read and written by hand over `@bufbuild/protobuf`'s wire reader and writer. Not protobufjs (nor
 * Tahu's sparkplug-payload, built on it): its generated code runs through `new Function`, which a
 * strict CSP without `unsafe-eval` refuses. Loaded on first use (payload-formats.ts); it imports
 * nothing of the package, so it stands alone as a chunk (and as cdn/mqtt-format-sparkplug.js).
 * Pure, no DOM. Errors are plain `Error`s; the registry turns them into `payload-format`.
 *
 * Value: `{timestamp, seq, uuid?, body?, metrics: [{name, alias?, type, value, timestamp?}]}`.
 * 64-bit integers (timestamps, `seq`, Int64/UInt64/DateTime values) are numbers where exact
 * (`Number.isSafeInteger`), else BigInt. Signed integers arrive as two's complement in the
 * unsigned protobuf fields (Sparkplug 3.0): Int8/16/32 from `int_value`, Int64 from `long_value`,
 * each read back with its sign. A null metric (`is_null`) has the value `null`. A DataSet is
 * `{columns, types, rows}` (each cell read as its column's type), a Template `{version?,
 * templateRef?, isDefinition?, metrics, parameters}` (its metrics read as any metric's). PropertySet,
 * array and extension values are not decoded: their value is `undefined` (the metric's name, type
 * and timestamp still are). A metric sent by alias alone is named from its birth
 * ({@link decode}).
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** A Sparkplug B metric as `format="sparkplug"` gives it. */
export interface SparkplugMetric {
  name?: string;
  alias?: number | bigint;
  /** The datatype's name: `Int8` … `UInt64`, `Float`, `Double`, `Boolean`, `String`, `DateTime`, `Text`, `UUID`, `DataSet`, `Bytes`, `File`, `Template`, … */
  type: string;
  value: unknown;
  timestamp?: number | bigint;
}

/** A DataSet metric's value: its columns, their datatypes' names, and its rows (each value read as its column's type). */
export interface SparkplugDataSet {
  columns: string[];
  types: string[];
  rows: unknown[][];
}

/** A Template metric's value (a UDT instance or definition): its own metrics, and its parameters. */
export interface SparkplugTemplate {
  version?: string;
  templateRef?: string;
  isDefinition?: boolean;
  metrics: SparkplugMetric[];
  parameters: Array<{ name?: string; type: string; value: unknown }>;
}

/** A Sparkplug B payload as `format="sparkplug"` gives it. */
export interface SparkplugPayload {
  timestamp?: number | bigint;
  seq?: number | bigint;
  uuid?: string;
  body?: Uint8Array;
  metrics: SparkplugMetric[];
}

/** Sparkplug B datatypes by number (sparkplug_b.proto's `DataType`). */
const TYPES = [
  'Unknown', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean',
  'String', 'DateTime', 'Text', 'UUID', 'DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList',
];

/** A 64-bit integer as a number where that is exact, else as a BigInt. */
const exact = (n: bigint): number | bigint => (n >= -0x1fffffffffffffn && n <= 0x1fffffffffffffn ? Number(n) : n);

/** A read that ran past the end (a truncated varint reads as if complete) is a truncated payload. */
function bounded(r: BinaryReader): void {
  if (r.pos > r.len) throw new RangeError('premature EOF: the payload is truncated');
}

function wire(field: string, got: number, want: WireType): void {
  if (got !== want) throw new Error(`${field} has wire type ${got}, not ${want}`);
}

/** The raw fields of a Metric that carry its value, as read. */
interface MetricFields {
  name?: string;
  alias?: bigint;
  timestamp?: bigint;
  datatype?: number;
  isNull?: boolean;
  int?: number;
  long?: bigint;
  float?: number;
  double?: number;
  bool?: boolean;
  string?: string;
  bytes?: Uint8Array;
  dataset?: SparkplugDataSet;
  template?: SparkplugTemplate;
}

/** How deep Templates may nest in Templates: a crafted payload nests deeper than any UDT, to exhaust the stack. */
const TEMPLATE_DEPTH = 16;

/**
 * The typed value fields a DataSet cell (from field 1) and a Template parameter (from field 3)
 * share, in the order of a Metric's (from field 10): int, long, float, double, boolean, string.
 * True when `no` was one of them (then read into `f`).
 */
function readScalar(r: BinaryReader, f: MetricFields, no: number, type: number, first: number): boolean {
  const at = no - first;
  if (at < 0 || at > 5) return false;
  wire(`${SCALARS[at]}_value`, type, SCALAR_WIRES[at]!);
  if (at === 0) f.int = r.uint32();
  else if (at === 1) f.long = BigInt(r.uint64());
  else if (at === 2) f.float = r.float();
  else if (at === 3) f.double = r.double();
  else if (at === 4) f.bool = r.bool();
  else f.string = r.string();
  return true;
}
const SCALARS = ['int', 'long', 'float', 'double', 'boolean', 'string'];
const SCALAR_WIRES = [WireType.Varint, WireType.Varint, WireType.Bit32, WireType.Bit64, WireType.Varint, WireType.LengthDelimited];

/**
 * Reads a message's fields in turn: `field` reads the one it knows (after checking its wire type
 * is `wires[no]`) and answers false for the rest, which are skipped.
 */
function readFields(bytes: Uint8Array, what: string, wires: Record<number, WireType>, field: (r: BinaryReader, no: number, type: number) => boolean | void): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    const wanted = wires[no];
    if (wanted !== undefined) wire(`${what} field ${no}`, type, wanted);
    if (field(r, no, type) === false) r.skip(type, no);
    bounded(r);
  }
}

const LD = WireType.LengthDelimited;

function readDataSet(bytes: Uint8Array): SparkplugDataSet {
  const columns: string[] = [];
  const types: number[] = [];
  const cells: MetricFields[][] = [];
  readFields(bytes, 'dataset', { 2: LD, 4: LD }, (r, no, type) => {
    if (no === 2) columns.push(r.string());
    else if (no === 3 && type === LD) {
      // Packed, as proto3 encoders write it.
      const packed = new BinaryReader(r.bytes());
      while (packed.pos < packed.len) types.push(packed.uint32());
      bounded(packed);
    } else if (no === 3) {
      wire('dataset field 3', type, WireType.Varint);
      types.push(r.uint32());
    } else if (no === 4) {
      const row: MetricFields[] = [];
      readFields(r.bytes(), 'dataset row', { 1: LD }, (rr, n) => {
        if (n !== 1) return false;
        const cell: MetricFields = {};
        readFields(rr.bytes(), 'dataset value', {}, (c, cn, ct) => readScalar(c, cell, cn, ct, 1));
        row.push(cell);
      });
      cells.push(row);
    } else return false;
  });
  return {
    columns,
    types: types.map(typeName),
    rows: cells.map((row) => row.map((cell, i) => metricValue(types[i] ?? 0, cell))),
  };
}

function readTemplate(bytes: Uint8Array, depth: number): SparkplugTemplate {
  if (depth > TEMPLATE_DEPTH) throw new Error(`Templates nest more than ${TEMPLATE_DEPTH} deep`);
  const template: SparkplugTemplate = { metrics: [], parameters: [] };
  readFields(bytes, 'template', { 1: LD, 2: LD, 3: LD, 4: LD, 5: WireType.Varint }, (r, no) => {
    if (no === 1) template.version = r.string();
    else if (no === 2) template.metrics.push(readMetric(r.bytes(), depth + 1));
    else if (no === 3) {
      const f: MetricFields = {};
      let name: string | undefined;
      readFields(r.bytes(), 'template parameter', { 1: LD, 2: WireType.Varint }, (p, pn, pt) => {
        if (pn === 1) name = p.string();
        else if (pn === 2) f.datatype = p.uint32();
        else return readScalar(p, f, pn, pt, 3);
      });
      const datatype = f.datatype ?? 0;
      template.parameters.push({ ...(name === undefined ? {} : { name }), type: typeName(datatype), value: metricValue(datatype, f) });
    } else if (no === 4) template.templateRef = r.string();
    else if (no === 5) template.isDefinition = r.bool();
    else return false;
  });
  return template;
}

/** A datatype's name, or `Unknown(n)`. */
const typeName = (datatype: number): string => TYPES[datatype] ?? `Unknown(${datatype})`;

function readMetric(bytes: Uint8Array, depth = 0): SparkplugMetric {
  const r = new BinaryReader(bytes);
  const f: MetricFields = {};
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    switch (no) {
      case 1: wire('metric name', type, WireType.LengthDelimited); f.name = r.string(); break;
      case 2: wire('metric alias', type, WireType.Varint); f.alias = BigInt(r.uint64()); break;
      case 3: wire('metric timestamp', type, WireType.Varint); f.timestamp = BigInt(r.uint64()); break;
      case 4: wire('metric datatype', type, WireType.Varint); f.datatype = r.uint32(); break;
      case 7: wire('metric is_null', type, WireType.Varint); f.isNull = r.bool(); break;
      case 16: wire('bytes_value', type, WireType.LengthDelimited); f.bytes = r.bytes().slice(); break;
      case 17: wire('dataset_value', type, WireType.LengthDelimited); f.dataset = readDataSet(r.bytes()); break;
      case 18: wire('template_value', type, WireType.LengthDelimited); f.template = readTemplate(r.bytes(), depth); break;
      // int, long, float, double, boolean and string values (10–15), read as a DataSet cell's; the
      // rest skipped: is_historical, is_transient, metadata, properties, extension values.
      default: if (!readScalar(r, f, no, type, 10)) r.skip(type, no);
    }
    bounded(r);
  }
  const datatype = f.datatype ?? 0;
  const metric: SparkplugMetric = { type: typeName(datatype), value: f.isNull ? null : metricValue(datatype, f) };
  if (f.name !== undefined) metric.name = f.name;
  if (f.alias !== undefined) metric.alias = exact(f.alias);
  if (f.timestamp !== undefined) metric.timestamp = exact(f.timestamp);
  return metric;
}

/** An integer field, whichever of int_value and long_value the sender used. */
const integer = (f: MetricFields): bigint | undefined => (f.long !== undefined ? f.long : f.int !== undefined ? BigInt(f.int) : undefined);

function metricValue(datatype: number, f: MetricFields): unknown {
  const n = integer(f);
  switch (datatype) {
    case 1: return n === undefined ? undefined : Number(BigInt.asIntN(8, n));
    case 2: return n === undefined ? undefined : Number(BigInt.asIntN(16, n));
    case 3: return n === undefined ? undefined : Number(BigInt.asIntN(32, n));
    case 4: return n === undefined ? undefined : exact(BigInt.asIntN(64, n));
    case 5: return n === undefined ? undefined : Number(BigInt.asUintN(8, n));
    case 6: return n === undefined ? undefined : Number(BigInt.asUintN(16, n));
    case 7: return n === undefined ? undefined : Number(BigInt.asUintN(32, n));
    case 8: case 13: return n === undefined ? undefined : exact(BigInt.asUintN(64, n));
    case 9: return f.float ?? f.double;
    case 10: return f.double ?? f.float;
    case 11: return f.bool;
    case 12: case 14: case 15: return f.string;
    case 16: return f.dataset;
    case 17: case 18: return f.bytes;
    case 19: return f.template;
    default: return undefined;
  }
}

/**
 * The names of aliased metrics, by edge node (`group/node`) or device (`group/node/device`), from
 * their last NBIRTH or DBIRTH: Sparkplug lets DATA messages name a metric by its alias alone. At
 * most {@link BIRTHS_KEPT} are kept (the oldest birth forgotten first), so a burst of distinct
 * topics cannot grow it without end.
 */
const births = new Map<string, Map<string, string>>();
export const BIRTHS_KEPT = 1000;

/** The message type (`NBIRTH`, `DDATA`, …) and the node or device a Sparkplug topic names. */
function topicParts(topic: string | undefined): [type: string, scope: string] | undefined {
  const parts = topic?.split('/');
  if (parts?.[0] !== 'spBv1.0' || parts.length < 4 || parts.length > 5) return undefined;
  return [parts[2]!, [parts[1], ...parts.slice(3)].join('/')];
}

/** A birth remembers its aliases' names; any other message gets them for metrics sent by alias alone. */
function followAliases(payload: SparkplugPayload, topic: string | undefined): void {
  const [type, scope] = topicParts(topic) ?? [];
  if (!scope) return;
  if (type === 'NBIRTH' || type === 'DBIRTH') {
    const names = new Map<string, string>();
    for (const { name, alias } of payload.metrics) if (name !== undefined && alias !== undefined) names.set(String(alias), name);
    births.delete(scope);
    births.set(scope, names);
    if (births.size > BIRTHS_KEPT) births.delete(births.keys().next().value!);
    return;
  }
  const names = births.get(scope);
  if (!names) return;
  for (const metric of payload.metrics) {
    if (metric.name === undefined && metric.alias !== undefined) {
      const name = names.get(String(metric.alias));
      if (name !== undefined) metric.name = name;
    }
  }
}

/**
 * Decodes a Sparkplug B payload; throws an `Error` saying where it is not one. With the `topic`
 * (`spBv1.0/group/TYPE/node[/device]`), a metric sent by alias alone gets the name its node's or
 * device's last birth gave that alias.
 */
export function decode(bytes: Uint8Array, topic?: string): SparkplugPayload {
  const payload = read(bytes);
  followAliases(payload, topic);
  return payload;
}

function read(bytes: Uint8Array): SparkplugPayload {
  try {
    const r = new BinaryReader(bytes);
    const payload: SparkplugPayload = { metrics: [] };
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      switch (no) {
        case 1: wire('timestamp', type, WireType.Varint); payload.timestamp = exact(BigInt(r.uint64())); break;
        case 2: wire('metric', type, WireType.LengthDelimited); payload.metrics.push(readMetric(r.bytes())); break;
        case 3: wire('seq', type, WireType.Varint); payload.seq = exact(BigInt(r.uint64())); break;
        case 4: wire('uuid', type, WireType.LengthDelimited); payload.uuid = r.string(); break;
        case 5: wire('body', type, WireType.LengthDelimited); payload.body = r.bytes().slice(); break;
        default: r.skip(type, no);
      }
      bounded(r);
    }
    return payload;
  } catch (e) {
    throw new Error(`payload is not Sparkplug B: ${(e as Error).message}`);
  }
}

/**
 * `path` `metrics.NAME`: the value of the metric named NAME (the whole rest of the path, so a name
 * may hold dots and slashes). Undefined when no metric has that name: the path is then followed as
 * with JSON (`metrics.0.value`, `seq`).
 */
export function metricNamed(payload: unknown, path: string): { ok: true; value: unknown } | undefined {
  if (!path.startsWith('metrics.')) return undefined;
  const name = path.slice('metrics.'.length);
  const metrics = (payload as SparkplugPayload | null)?.metrics;
  const metric = Array.isArray(metrics) ? metrics.find((m) => m.name === name) : undefined;
  return metric ? { ok: true, value: metric.value } : undefined;
}

/** A datatype given by name (`"Int32"`, any case) or number. */
function datatypeOf(type: unknown, value: unknown): number {
  if (typeof type === 'number' && TYPES[type]) return type;
  if (typeof type === 'string') {
    const found = TYPES.findIndex((t) => t.toLowerCase() === type.toLowerCase());
    if (found > 0) return found;
    throw new Error(`unknown Sparkplug datatype "${type}"`);
  }
  if (type !== undefined) throw new Error(`a metric's type must be a datatype name such as "Int32", not ${String(type)}`);
  // No type given: the one the value has.
  if (typeof value === 'boolean') return 11;
  if (typeof value === 'string') return 12;
  if (typeof value === 'bigint') return 4;
  if (value instanceof Uint8Array) return 17;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 4 : 10;
  throw new Error(`a metric without a type must have a boolean, string, number, bigint or Uint8Array value, not ${value === null ? 'null' : typeof value}`);
}

function integerOf(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new Error(`${what} must be an integer, not ${String(value)}`);
}

function writeMetric(w: BinaryWriter, metric: unknown, at: number): void {
  if (metric === null || typeof metric !== 'object') throw new Error(`metrics[${at}] must be an object {name, type, value}`);
  const { name, alias, timestamp, type, value } = metric as Record<string, unknown>;
  const datatype = datatypeOf(type, value);
  w.tag(2, WireType.LengthDelimited).fork();
  if (name !== undefined) w.tag(1, WireType.LengthDelimited).string(String(name));
  if (alias !== undefined) w.tag(2, WireType.Varint).uint64(integerOf(alias, 'alias'));
  if (timestamp !== undefined) w.tag(3, WireType.Varint).uint64(integerOf(timestamp, 'timestamp'));
  w.tag(4, WireType.Varint).uint32(datatype);
  if (value === null || value === undefined) w.tag(7, WireType.Varint).bool(true);
  else writeValue(w, datatype, value, name === undefined ? `metrics[${at}]` : `metric "${String(name)}"`);
  w.join();
}

function writeValue(w: BinaryWriter, datatype: number, value: unknown, what: string): void {
  if (datatype <= 8 || datatype === 13) {
    const n = integerOf(value instanceof Date ? value.getTime() : value, `${what}'s value`);
    // Two's complement in the unsigned fields (Sparkplug 3.0): 32 bits in int_value, 64 in long_value.
    if (datatype === 4 || datatype === 8 || datatype === 13) w.tag(11, WireType.Varint).uint64(BigInt.asUintN(64, n));
    else w.tag(10, WireType.Varint).uint32(Number(BigInt.asUintN(32, n)));
  } else if (datatype === 9) w.tag(12, WireType.Bit32).float(Number(value));
  else if (datatype === 10) w.tag(13, WireType.Bit64).double(Number(value));
  else if (datatype === 11) w.tag(14, WireType.Varint).bool(Boolean(value));
  else if (datatype === 12 || datatype === 14 || datatype === 15) w.tag(15, WireType.LengthDelimited).string(String(value));
  else if ((datatype === 17 || datatype === 18) && value instanceof Uint8Array) w.tag(16, WireType.LengthDelimited).bytes(value);
  else throw new Error(`${what}: ${TYPES[datatype]} values cannot be encoded here (only numbers, booleans, strings and bytes)`);
}

/**
 * Encodes `{timestamp?, seq?, uuid?, body?, metrics: [{name, type, value, alias?, timestamp?}]}`
 * (a metric's `type` by name or number; without one, the value's own: Boolean, String, Int64 for
 * an integer or BigInt, Double, Bytes). A missing payload `timestamp` is now.
 */
export function encode(value: unknown): Uint8Array {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('a Sparkplug payload to send must be an object {timestamp?, seq?, metrics: [{name, type, value}]}');
  }
  const { timestamp = Date.now(), seq, uuid, body, metrics = [] } = value as Record<string, unknown>;
  if (!Array.isArray(metrics)) throw new Error('a Sparkplug payload\'s metrics must be an array');
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint64(integerOf(timestamp, 'timestamp'));
  metrics.forEach((metric, i) => writeMetric(w, metric, i));
  if (seq !== undefined) w.tag(3, WireType.Varint).uint64(integerOf(seq, 'seq'));
  if (uuid !== undefined) w.tag(4, WireType.LengthDelimited).string(String(uuid));
  if (body instanceof Uint8Array) w.tag(5, WireType.LengthDelimited).bytes(body);
  return w.finish();
}
