/**
 * Payload decoding, and a value as text. Pure, no DOM. A broker's payload is untrusted input: nothing
 * here ever interprets it as markup.
 */

/** The payload formats this package has built in (README, "Payload formats"). */
export type BuiltInPayloadFormat = 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug';

/**
 * How an element decodes a payload into its `value`: a built-in format, or the name of one added
 * with `registerFormat` (payload-formats.ts).
 */
export type PayloadFormat = 'text' | 'json' | 'bytes' | 'cbor' | 'sparkplug' | (string & {});

/** A decoding's outcome: a value, or the reason it failed (for a `payload-format` error). */
export type DecodeResult = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * A decoding for an element (payload-formats.ts's `decodeFor`): `known` says the format named one
 * (else text was used); `empty` marks a zero-length payload; `absent` a payload without what `path`
 * selects where that is no error (a Sparkplug metric the message does not report: Sparkplug sends
 * only what changed).
 */
export type ElementDecoding = DecodeResult & { known: boolean; empty: boolean; absent?: boolean };

/** A payload format a page adds with `registerFormat` (payload-formats.ts). */
export interface FormatCodec {
  /** The payload's value; throw (with a message saying why) when the bytes are not of this format. */
  decode(payload: Uint8Array, topic: string): unknown;
  /** What `<mqtt-publish format="…">` sends for a value; without it, values are sent as without a format. */
  encode?(value: unknown): Uint8Array | string;
}

const decoder = /* @__PURE__ */ new TextDecoder();

/**
 * One received payload, decoded at most once per format however many elements read it: a
 * message that 100 elements show as JSON is parsed once, not 100 times.
 */
export class PayloadDecoder {
  /** The payload as received. */
  readonly bytes: Uint8Array;
  /** The topic it arrived on (a registered format's `decode` gets it). */
  readonly topic: string;
  #text?: string;
  #json?: DecodeResult;
  /** Other formats' decodings (payload-formats.ts), by format name. */
  #other?: Map<string, DecodeResult>;

  constructor(bytes: Uint8Array, topic = '') {
    this.bytes = bytes;
    this.topic = topic;
  }

  /** The payload decoded as the format `name` by `run`, run at most once per message. */
  decodedAs(name: string, run: () => DecodeResult): DecodeResult {
    this.#other ??= new Map();
    let result = this.#other.get(name);
    if (!result) this.#other.set(name, (result = run()));
    return result;
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
  decode(format: 'text' | 'json' | 'bytes', path?: string): DecodeResult {
    if (format === 'bytes') return { ok: true, value: this.bytes };
    if (format === 'text') return { ok: true, value: this.text };
    const json = this.json;
    if (!json.ok || !path) return json;
    return followPath(json.value, path);
  }
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
 * How a decoded value is shown as text: strings as they are, bytes as hex pairs, a BigInt as its
 * digits, other values as JSON (a BigInt inside as a string of its digits), nothing for `undefined`.
 */
export function displayText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ');
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // BigInt (CBOR and Sparkplug's 64-bit integers beyond 2^53), which JSON.stringify refuses:
    // written as its digits, exactly.
    try {
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
    } catch {
      // fall through
    }
    // JSON that parsed but is nested too deeply for the engine to write out again (Firefox's
    // recursion limit is lower for stringify than for parse): said in words, not thrown.
    return '(a value nested too deeply to show)';
  }
}
