/**
 * `format="cbor"`: CBOR (RFC 8949) through cborg, decoded and encoded. Loaded on first use
 * (payload-formats.ts); it imports nothing of the package, so it stands alone as a chunk (and as
 * cdn/mqtt-format-cbor.js). Pure, no DOM. Errors are plain `Error`s; the registry turns them into
 * `payload-format`.
 *
 * Integers are numbers where exact (`Number.isSafeInteger`), else BigInt (cborg's default), up to
 * 64 bits either way. Maps with text keys become plain objects (a `__proto__` key an own property,
 * never the prototype); a map with other keys, an unknown tag, or bytes left after the item is an
 * error. Tags 0 (date text) and 1 (epoch time) give their content unchanged, tags 2 and 3
 * (bignums) a BigInt.
 */
import { decode as cborDecode, encode as cborEncode, type TagDecoder } from 'cborg';

const asIs: TagDecoder = (decode) => decode();
/** A bignum's bytes (big-endian) as a BigInt. */
const bignum = (decode: () => unknown): bigint => {
  const bytes = decode();
  if (!(bytes instanceof Uint8Array)) throw new Error('a bignum (tag 2 or 3) must hold a byte string');
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
};
const tags: TagDecoder[] = [];
tags[0] = asIs;
tags[1] = asIs;
tags[2] = (decode) => bignum(decode);
tags[3] = (decode) => -1n - bignum(decode);
const options = { tags };

/** Decodes one CBOR item; throws an `Error` saying why the bytes are not one. */
export function decode(bytes: Uint8Array): unknown {
  try {
    return cborDecode(bytes, options);
  } catch (e) {
    throw new Error(`payload is not CBOR: ${(e as Error).message}`);
  }
}

/** Encodes a value as CBOR (BigInt as a 64-bit integer, Uint8Array as a byte string). */
export function encode(value: unknown): Uint8Array {
  try {
    return cborEncode(value);
  } catch (e) {
    throw new Error(`the value cannot be sent as CBOR: ${(e as Error).message}`);
  }
}
