/**
 * The payload formats' code beyond the names (loaded on first use by payload-formats.ts, when an
 * element first names `cbor`, `sparkplug` or a registered format, or a page registers one): it
 * loads the code of `cbor` and `sparkplug` (cbor.ts, sparkplug.ts: chunks of their own), decodes
 * a payload with a format's codec and follows `path` in the result, and encodes what
 * `<mqtt-publish>` sends. Kept out of what a page loads at once: a page of text and JSON never
 * needs it. Pure, no DOM.
 */
import { MqttElementsError } from '../../errors.js';
import type { OncePart, oncePart } from '../load-part.js';
import { followPath, type DecodeResult, type ElementDecoding, type FormatCodec, type PayloadDecoder } from '../payload.js';

/** A codec as decoding uses it: a built-in one may follow `path` its own way (Sparkplug's `metrics.NAME`). */
interface Codec extends FormatCodec {
  follow?(value: unknown, path: string): DecodeResult | undefined;
}

/** The built-in formats whose code is a chunk of its own. */
const LAZY: Record<string, () => Promise<Codec>> = {
  cbor: () => import('./cbor.js'),
  sparkplug: () => import('./sparkplug.js').then((m) => ({ decode: m.decode, encode: m.encode, follow: m.metricNamed })),
};

/**
 * Each lazy format's code, loaded once a page: `part` once it arrived, `failed` (the reason, for
 * every payload in that format) while its last try failed. Made with load-part.ts's `oncePart`,
 * handed in by payload-formats.ts: imported here, it made the bundler move errors.ts out of the
 * entry into a chunk of its own, one more file that every page loads at once.
 */
const parts = new Map<string, OncePart<Codec>>();

/** While `format`'s code is on its way, a promise that settles when it arrived or failed; starts it if `retry` or never tried. */
export function codeLoading(format: string, retry: boolean, once: typeof oncePart): Promise<void> | undefined {
  if (!Object.hasOwn(LAZY, format)) return undefined;
  let part = parts.get(format);
  if (!part) parts.set(format, (part = once(LAZY[format]!, `format="${format}"`, 'payload-format')));
  if (part.part || (part.failed && !retry)) return undefined;
  return part.load(retry).then(
    () => {},
    () => {},
  );
}

/** `decodeFor` (payload-formats.ts) for a format that is neither text, json nor bytes. */
export function decodeWith(decoder: PayloadDecoder, format: string, path: string | undefined, registered?: FormatCodec): ElementDecoding {
  const empty = decoder.bytes.length === 0;
  const codec: Codec | undefined = registered ?? parts.get(format)?.part;
  if (!codec) return { ok: false, reason: parts.get(format)?.failed?.message ?? `the code of format="${format}" is still loading`, known: true, empty };
  if (empty) return { ok: false, reason: 'the payload is empty', known: true, empty };
  const whole = decoder.decodedAs(format, () => {
    try {
      return { ok: true, value: codec.decode(decoder.bytes, decoder.topic) };
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      // The built-in ones say what the payload is not; a registered decoder's message is quoted.
      return { ok: false, reason: registered ? `the "${format}" decoder failed: ${message}` : message };
    }
  });
  if (!whole.ok || !path) return { ...whole, known: true, empty };
  const followed = codec.follow?.(whole.value, path);
  if (followed) return { ...followed, known: true, empty };
  const result = followPath(whole.value, path);
  // Sparkplug sends only what changed: a message without the metric is no error.
  return { ...result, known: true, empty, ...(!result.ok && codec.follow ? { absent: true } : {}) };
}

/** `encodeFor` (payload-formats.ts) once the format's code is there; `payload-format` when it cannot. */
export function encodeWith(format: string, value: unknown, registered?: FormatCodec): unknown {
  const codec = registered ?? parts.get(format)?.part;
  if (!codec?.encode) {
    const error = parts.get(format)?.failed;
    if (error) throw error;
    return value;
  }
  try {
    return codec.encode(value);
  } catch (e) {
    throw new MqttElementsError('payload-format', `format="${format}" cannot encode this value: ${(e as Error)?.message ?? e}`, { cause: e });
  }
}
