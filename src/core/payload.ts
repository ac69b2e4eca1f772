/**
 * Payload decoding, and a value as text. Pure, no DOM. A broker's payload is untrusted input: nothing
 * here ever interprets it as markup.
 */
import { MqttElementsError } from '../errors.js';

/** How `<mqtt-subscribe>` decodes a payload into its `value`. */
export type PayloadFormat = 'text' | 'json' | 'bytes';

/** Every `format` `<mqtt-subscribe>` accepts. */
const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['text', 'json', 'bytes'];

/** Whether `format` is one of {@link PAYLOAD_FORMATS}. */
export function isPayloadFormat(format: unknown): format is PayloadFormat {
  return PAYLOAD_FORMATS.includes(format as PayloadFormat);
}

/** The `payload-format` error for a `format` that is not one of text, json, bytes (text is used). */
export function formatError(format: unknown): MqttElementsError | undefined {
  if (isPayloadFormat(format)) return undefined;
  return new MqttElementsError('payload-format', `format must be text, json or bytes, not "${String(format)}"; using text`);
}

/** A decoding's outcome: a value, or the reason it failed (for a `payload-format` error). */
export type DecodeResult = { ok: true; value: unknown } | { ok: false; reason: string };

const decoder = /* @__PURE__ */ new TextDecoder();

/**
 * One received payload, decoded at most once per format however many elements read it: a
 * message that 100 elements show as JSON is parsed once, not 100 times.
 */
export class PayloadDecoder {
  /** The payload as received. */
  readonly bytes: Uint8Array;
  #text?: string;
  #json?: DecodeResult;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** The payload as UTF-8 text (invalid sequences become U+FFFD), decoded on first use. */
  get text(): string {
    return (this.#text ??= decoder.decode(this.bytes));
  }

  /** The text parsed as JSON on first use, or why it does not parse. */
  get json(): DecodeResult {
    if (!this.#json) {
      try {
        this.#json = { ok: true, value: JSON.parse(this.text) };
      } catch (e) {
        this.#json = { ok: false, reason: `payload is not JSON: ${(e as Error).message}` };
      }
    }
    return this.#json;
  }

  /**
   * The payload as `format`, then (for JSON) followed along `path`. JSON results are shared
   * between elements, so they are frozen-by-convention: elements must not mutate `value`.
   */
  decode(format: PayloadFormat, path?: string): DecodeResult {
    if (format === 'bytes') return { ok: true, value: this.bytes };
    if (format === 'text') return { ok: true, value: this.text };
    const json = this.json;
    if (!json.ok || !path) return json;
    return followPath(json.value, path);
  }
}

/**
 * A decoding for an element: `known` says the format was one of text/json/bytes (else text was
 * used); `empty` marks a zero-length payload.
 */
export type ElementDecoding = DecodeResult & { known: boolean; empty: boolean };

/**
 * Decodes a payload as an element's `format` says (text for an unknown one) and, for JSON, along
 * its `path`. A zero-length payload is how MQTT clears a retained message: as text it is `''`, as
 * bytes an empty array, and as JSON no value, but no error either (the caller checks `empty`).
 */
export function decodeFor(decoder: PayloadDecoder, format: unknown, path: string | undefined): ElementDecoding {
  const known = isPayloadFormat(format);
  const as = known ? format : 'text';
  return { ...decoder.decode(as, as === 'json' ? path : undefined), known, empty: decoder.bytes.length === 0 };
}

/**
 * Follows a dot path such as `sensors.0.celsius` into a parsed JSON value. A step that does not
 * exist is a failure, so that a device sending another shape keeps the last good value on screen
 * rather than blanking it.
 */
export function followPath(value: unknown, path: string): DecodeResult {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { ok: false, reason: `payload has no "${path}" (missing at "${key}")` };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { ok: true, value: current };
}

/**
 * How a decoded value is shown as text: strings as they are, bytes as hex pairs, other values
 * as JSON, nothing for `undefined`.
 */
export function displayText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ');
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // JSON that parsed but is nested too deeply for the engine to write out again (Firefox's
    // recursion limit is lower for stringify than for parse): said in words, not thrown.
    return '(a value nested too deeply to show)';
  }
}
