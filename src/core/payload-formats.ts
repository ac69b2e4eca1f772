/**
 * The payload formats (README, "Payload formats"): the built-in ones, the two whose code loads on
 * first use (`cbor`, `sparkplug`: formats/cbor.ts, formats/sparkplug.ts), and the ones a page adds
 * with {@link registerFormat}. The one owner of what a `format` names: `decodeFor` (a received
 * payload as an element's `format` and `path` say), `encodeFor` (a value to send), `useFormat` (a
 * `format` just set: its code starts loading, an unknown one is reported). Pure, no DOM.
 */
import { MqttElementsError } from '../errors.js';
import { loadPart } from './load-part.js';
import { followPath, type DecodeResult, type PayloadDecoder } from './payload.js';

/** A payload format a page adds with {@link registerFormat}. */
export interface FormatCodec {
  /** The payload's value; throw (with a message saying why) when the bytes are not of this format. */
  decode(payload: Uint8Array, topic: string): unknown;
  /** What `<mqtt-publish format="…">` sends for a value; without it, values are sent as without a format. */
  encode?(value: unknown): Uint8Array | string;
}

/** A codec as the registry holds it: a built-in one may follow `path` its own way (Sparkplug's `metrics.NAME`). */
interface Codec extends FormatCodec {
  follow?(value: unknown, path: string): DecodeResult | undefined;
}

/** Decoded by `PayloadDecoder` itself, at once. */
const BUILT_IN = ['text', 'json', 'bytes'];

/** Formats whose code is a chunk of its own, loaded when an element first names them. */
const LAZY: Record<string, () => Promise<Codec>> = {
  cbor: () => loadPart(() => import('./formats/cbor.js'), 'format="cbor"', 'payload-format'),
  sparkplug: () =>
    loadPart(() => import('./formats/sparkplug.js'), 'format="sparkplug"', 'payload-format').then((m) => ({
      decode: m.decode,
      encode: m.encode,
      follow: m.metricNamed,
    })),
};

const codecs = new Map<string, Codec>();
/** Lazy formats whose code is on its way: settles (never rejects) when it arrived or failed. */
const loading = new Map<string, Promise<void>>();
/** Lazy formats whose code did not arrive: the reason, for every payload in that format. */
const failed = new Map<string, MqttElementsError>();

/** Every format name in use: the built-in ones, then the registered ones. */
export function knownFormats(): string[] {
  return [...BUILT_IN, ...Object.keys(LAZY), ...[...codecs.keys()].filter((name) => !(name in LAZY))];
}

/** Whether `format` names a format (built in or registered). */
export function isKnownFormat(format: unknown): format is string {
  return typeof format === 'string' && (BUILT_IN.includes(format) || Object.hasOwn(LAZY, format) || codecs.has(format));
}

/** The `payload-format` error for a `format` that names nothing (text is used meanwhile). */
export function formatError(format: unknown): MqttElementsError | undefined {
  if (isKnownFormat(format)) return undefined;
  return new MqttElementsError(
    'payload-format',
    `format must be one of ${knownFormats().join(', ')}, not "${String(format)}"; using text. A format of your own needs registerFormat("${String(format)}", {decode}) first (it applies from the next message)`,
  );
}

/**
 * A `format` was set: a lazy one starts loading now, not at its first message (again, if its code
 * failed to arrive before); an unknown one is reported. Returns that error, or undefined.
 */
export function useFormat(format: unknown): MqttElementsError | undefined {
  // A format whose code did not arrive is tried again when an element is given it again.
  if (typeof format === 'string') failed.delete(format);
  formatLoading(format);
  return formatError(format);
}

/**
 * While `format`'s code is still on its way: a promise that settles when it arrived (or failed).
 * Starts the load the first time a lazy format is asked for.
 */
export function formatLoading(format: unknown): Promise<void> | undefined {
  if (typeof format !== 'string' || !Object.hasOwn(LAZY, format) || codecs.has(format) || failed.has(format)) return undefined;
  let pending = loading.get(format);
  if (!pending) {
    pending = LAZY[format]!().then(
      (codec) => void codecs.set(format, codec),
      (e: MqttElementsError) => void failed.set(format, e),
    );
    pending.finally(() => loading.delete(format));
    loading.set(format, pending);
  }
  return pending;
}

/**
 * Adds a payload format: elements with `format="name"` decode with `codec.decode`, and
 * `<mqtt-publish format="name">` sends `codec.encode(value)` when it has one. A name already taken
 * (the built-in ones included) or a codec without `decode` throws `payload-format`. Elements whose
 * `format` named it before use it from their next message on.
 */
export function registerFormat(name: string, codec: FormatCodec): void {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw new MqttElementsError('payload-format', `registerFormat: a format's name is letters, digits, ".", "_" or "-", not ${JSON.stringify(name)}`);
  }
  if (isKnownFormat(name)) throw new MqttElementsError('payload-format', `registerFormat: the format "${name}" is taken (${knownFormats().join(', ')})`);
  if (typeof codec?.decode !== 'function') throw new MqttElementsError('payload-format', `registerFormat("${name}"): the format needs a decode(payload, topic) function`);
  if (codec.encode !== undefined && typeof codec.encode !== 'function') {
    throw new MqttElementsError('payload-format', `registerFormat("${name}"): encode must be a function`);
  }
  codecs.set(name, { decode: codec.decode.bind(codec), ...(codec.encode ? { encode: codec.encode.bind(codec) } : {}) });
}

/**
 * A decoding for an element: `known` says the format named one (else text was used); `empty`
 * marks a zero-length payload; `absent` a payload without what `path` selects where that is no
 * error (a Sparkplug metric the message does not report: Sparkplug sends only what changed).
 */
export type ElementDecoding = DecodeResult & { known: boolean; empty: boolean; absent?: boolean };

/**
 * Decodes a payload as an element's `format` says (text for an unknown one) and along its `path`.
 * A zero-length payload is how MQTT clears a retained message: as text it is `''`, as bytes an
 * empty array, and in any other format no value, but no error either (the caller checks `empty`).
 * A lazy format whose code has not arrived is a failure saying so: elements hold their messages
 * until it is there (format-queue.ts).
 */
export function decodeFor(decoder: PayloadDecoder, format: unknown, path: string | undefined): ElementDecoding {
  const empty = decoder.bytes.length === 0;
  if (!isKnownFormat(format)) return { ...decoder.decode('text'), known: false, empty };
  if (BUILT_IN.includes(format)) return { ...decoder.decode(format as 'text' | 'json' | 'bytes', path), known: true, empty };
  const codec = codecs.get(format);
  if (!codec) {
    const reason = failed.get(format)?.message ?? `the code of format="${format}" is still loading`;
    return { ok: false, reason, known: true, empty };
  }
  if (empty) return { ok: false, reason: 'the payload is empty', known: true, empty };
  const whole = decoder.decodedAs(format, () => {
    try {
      return { ok: true, value: codec.decode(decoder.bytes, decoder.topic) };
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      // The built-in ones say what the payload is not; a registered decoder's message is quoted.
      return { ok: false, reason: Object.hasOwn(LAZY, format) ? message : `the "${format}" decoder failed: ${message}` };
    }
  });
  if (!whole.ok || !path) return { ...whole, known: true, empty };
  const followed = codec.follow?.(whole.value, path);
  if (followed) return { ...followed, known: true, empty };
  const result = followPath(whole.value, path);
  return { ...result, known: true, empty, ...(!result.ok && codec.follow ? { absent: true } : {}) };
}

/** Whether `format` encodes what is sent: a lazy built-in one, or a registered one with `encode`. */
export function encodesWith(format: unknown): boolean {
  return typeof format === 'string' && (Object.hasOwn(LAZY, format) || !!codecs.get(format)?.encode);
}

/**
 * What `<mqtt-publish format="…">` sends for `value`: the format's `encode` (waiting for a lazy
 * format's code), or the value unchanged for text, json, bytes and formats without `encode`.
 * Throws `payload-format` when the value cannot be encoded.
 */
export async function encodeFor(format: unknown, value: unknown): Promise<unknown> {
  await formatLoading(format);
  const error = typeof format === 'string' ? failed.get(format) : undefined;
  if (error) throw error;
  const codec = typeof format === 'string' ? codecs.get(format) : undefined;
  if (!codec?.encode) return value;
  try {
    return codec.encode(value);
  } catch (e) {
    throw new MqttElementsError('payload-format', `format="${String(format)}" cannot encode this value: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}
