/**
 * The payload formats (README, "Payload formats"): what a `format` names, and the one owner of
 * that rule. Built in: `text`, `json`, `bytes` (decoded by `PayloadDecoder` at once), `cbor` and
 * `sparkplug`; a page adds more with {@link registerFormat}. Only the names and the text/JSON
 * path are loaded at once: decoding with any other format (formats/codecs.ts, which loads
 * formats/cbor.ts and formats/sparkplug.ts in turn) is code loaded when an element first names
 * one, and elements hold their messages meanwhile (format-queue.ts). Pure, no DOM.
 */
import { MqttElementsError } from '../errors.js';
import { oncePart } from './load-part.js';
import type { ElementDecoding, FormatCodec, PayloadDecoder } from './payload.js';
import type * as Codecs from './formats/codecs.js';

export type { ElementDecoding, FormatCodec } from './payload.js';

/** Decoded by `PayloadDecoder` itself, at once. */
const AT_ONCE = ['text', 'json', 'bytes'];
/** Built in, with code of their own loaded on first use. */
const LAZY = ['cbor', 'sparkplug'];
const registered = new Map<string, FormatCodec>();
/** The decoding code of every format but the three at once; `failed` says why it did not arrive, until it is tried again. */
const codecs = oncePart<typeof Codecs>(() => import('./formats/codecs.js'), 'payload formats', 'payload-format');

/** Every format name: the built-in ones, then the registered ones. */
export function knownFormats(): string[] {
  return [...AT_ONCE, ...LAZY, ...registered.keys()];
}

/** Whether `format` names a format (built in or registered). */
export function isKnownFormat(format: unknown): format is string {
  // Asked for every message an element holds (format-queue.ts): no list is made for it.
  const name = format as string;
  return AT_ONCE.includes(name) || LAZY.includes(name) || registered.has(name);
}

/** The `payload-format` error for a `format` that names nothing (text is used meanwhile). */
export function formatError(format: unknown): MqttElementsError | undefined {
  if (isKnownFormat(format)) return undefined;
  return new MqttElementsError(
    'payload-format',
    `format must be one of ${knownFormats().join(', ')}, or registered first with registerFormat("${String(format)}", {decode}); using text`,
  );
}

/**
 * While the code `format` needs is on its way: a promise that settles when it arrived (or failed).
 * Starts the load the first time; `retry` tries again a format whose code failed to arrive.
 */
export function formatLoading(format: unknown, retry = false): Promise<void> | undefined {
  if (AT_ONCE.includes(format as string) || !isKnownFormat(format)) return undefined;
  if (codecs.part) return codecs.part.codeLoading(format, retry, oncePart);
  return codecs.load(retry, `format="${format}"`).then(
    (part) => part.codeLoading(format, retry, oncePart),
    () => undefined,
  );
}

/**
 * A `format` was set: its code (if it has any) starts loading now, not at its first message (again,
 * if it failed to arrive before); an unknown one is reported. Returns that error, or undefined.
 */
export function useFormat(format: unknown): MqttElementsError | undefined {
  void formatLoading(format, true);
  return formatError(format);
}

/**
 * Adds a payload format: elements with `format="name"` decode with `codec.decode`, and
 * `<mqtt-publish format="name">` sends `codec.encode(value)` when it has one. A name already taken
 * (the built-in ones included), or a codec without `decode`, throws `payload-format`. Elements whose
 * `format` named it before use it from their next message on.
 */
export function registerFormat(name: string, codec: FormatCodec): void {
  const taken = isKnownFormat(name);
  if (taken || typeof name !== 'string' || !/^\w[\w.-]*$/.test(name) || typeof codec?.decode !== 'function' || (codec.encode && typeof codec.encode !== 'function')) {
    throw new MqttElementsError('payload-format', `registerFormat("${name}"): ${taken ? 'the name is taken' : 'needs a name (letters, digits, . _ -) and a decode function'}`);
  }
  registered.set(name, codec);
  void formatLoading(name);
}

/**
 * Decodes a payload as an element's `format` says (text for an unknown one) and along its `path`.
 * A zero-length payload is how MQTT clears a retained message: as text it is `''`, as bytes an
 * empty array, and in any other format no value, but no error either (the caller checks `empty`).
 * A format whose code has not arrived is a failure saying so: elements hold their messages until
 * it is there (format-queue.ts).
 */
export function decodeFor(decoder: PayloadDecoder, format: unknown, path: string | undefined): ElementDecoding {
  const known = isKnownFormat(format);
  const empty = decoder.bytes.length === 0;
  if (known && !AT_ONCE.includes(format)) {
    return codecs.part?.decodeWith(decoder, format, path, registered.get(format)) ?? { ok: false, reason: codecs.failed?.message ?? 'its code is still loading', known, empty };
  }
  const as = known ? (format as 'text' | 'json' | 'bytes') : 'text';
  return { ...decoder.decode(as, as === 'json' ? path : undefined), known, empty };
}

/** Whether `format` may encode what is sent (then {@link encodeFor} says how): cbor, sparkplug, a registered one. */
export function encodes(format: unknown): format is string {
  return isKnownFormat(format) && !AT_ONCE.includes(format);
}

/**
 * What `<mqtt-publish format="…">` sends for `value`: the format's `encode` (once its code is
 * there), or the value unchanged (text, json, bytes, a format without `encode`, an unknown one).
 * Rejects with `payload-format` when the value cannot be encoded or the code did not arrive.
 */
export async function encodeFor(format: unknown, value: unknown): Promise<unknown> {
  await formatLoading(format);
  if (!encodes(format)) return value;
  if (!codecs.part) throw codecs.failed;
  return codecs.part.encodeWith(format, value, registered.get(format));
}
