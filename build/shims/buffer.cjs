// Stands in for the `buffer` npm package (Node's Buffer for browsers, ~8 KB gzip with base64-js and
// ieee754) in the lighter MQTT.js build (dist/vendor/mqtt.js, the CDN bundles). mqtt-packet, bl and
// MQTT.js use a small part of it: `from` (strings, byte arrays, ArrayBuffers, views), `alloc`,
// `allocUnsafe`, `byteLength`, `isBuffer`, `concat`; on a buffer `toString(encoding, start, end)`,
// `write(string, offset)`, `copy`, `slice` (a view, as in Node), and the big-endian integer reads
// and writes of the packet format. An app's own client (`mqtt-elements/mqtt`) hands its `message`
// handlers these buffers, so the rest of what app code commonly calls is here too: `toString` in
// utf8, hex, base64, latin1/binary, ascii; `equals`, `compare`, `toJSON`; every fixed-width
// integer, float and double read/write in both byte orders. Left out: utf16le/ucs2, `readIntBE`
// of variable width, `fill` with a string, `swap16/32/64`, `inspect`, and the SlowBuffer and
// kMaxLength exports. UTF-8 goes through TextEncoder/TextDecoder (invalid input becomes U+FFFD,
// as in Node). test/node/buffer-stand-in.test.js checks it against Node's own Buffer,
// and mqtt-packet running on it against mqtt-packet running on Node's.
'use strict';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Buffer extends Uint8Array {
  static from(value, encodingOrOffset, length) {
    if (typeof value === 'string') return fromString(value, encodingOrOffset);
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
      const offset = encodingOrOffset >>> 0;
      return new Buffer(value, offset, length === undefined ? value.byteLength - offset : length >>> 0);
    }
    if (value == null) throw new TypeError('Buffer.from: a string, an array, an ArrayBuffer or a buffer is needed');
    if (value.type === 'Buffer' && Array.isArray(value.data)) value = value.data; // toJSON's shape
    const bytes = new Buffer(value.length >>> 0);
    if (ArrayBuffer.isView(value)) bytes.set(value);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = value[i];
    return bytes;
  }

  static alloc(size, fill) {
    const bytes = new Buffer(size);
    if (fill !== undefined && fill !== 0) bytes.fill(fill);
    return bytes;
  }

  static allocUnsafe(size) {
    return new Buffer(size);
  }

  static allocUnsafeSlow(size) {
    return new Buffer(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static isEncoding(encoding) {
    return typeof encoding === 'string' && normal(encoding) !== undefined;
  }

  static byteLength(value, encoding) {
    if (typeof value !== 'string') return value.byteLength;
    const kind = normal(encoding);
    if (kind === 'utf8') return utf8Length(value);
    if (kind === 'hex') return value.length >>> 1;
    if (kind === 'base64') return fromString(value, 'base64').length;
    return value.length;
  }

  static concat(list, totalLength) {
    if (totalLength === undefined) {
      totalLength = 0;
      for (const item of list) totalLength += item.length;
    }
    const result = new Buffer(totalLength);
    let position = 0;
    for (const item of list) {
      if (position >= totalLength) break;
      const part = item.length > totalLength - position ? item.subarray(0, totalLength - position) : item;
      result.set(part, position);
      position += part.length;
    }
    return result;
  }

  static compare(a, b) {
    return a.compare(b);
  }

  toString(encoding, start, end) {
    const from = start === undefined ? 0 : Math.max(0, start | 0);
    const to = end === undefined ? this.length : Math.min(this.length, end | 0);
    if (to <= from) return '';
    const bytes = from === 0 && to === this.length ? this : this.subarray(from, to);
    const kind = normal(encoding);
    if (kind === undefined) throw new TypeError(`Unknown encoding: ${encoding}`);
    if (kind === 'utf8') return decoder.decode(bytes);
    if (kind === 'hex') {
      let text = '';
      for (let i = 0; i < bytes.length; i++) text += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
      return text;
    }
    let text = '';
    const mask = kind === 'ascii' ? 0x7f : 0xff;
    for (let i = 0; i < bytes.length; i += 4096) {
      text += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 4096), (b) => b & mask));
    }
    return kind === 'base64' ? btoa(text) : text;
  }

  toLocaleString(encoding, start, end) {
    return this.toString(encoding, start, end);
  }

  /** `write(string[, offset[, length]][, encoding])`: the bytes written, never past the end. */
  write(string, offset, length, encoding) {
    if (typeof offset === 'string') {
      encoding = offset;
      offset = 0;
      length = undefined;
    } else if (typeof length === 'string') {
      encoding = length;
      length = undefined;
    }
    offset = offset === undefined ? 0 : offset >>> 0;
    const room = this.length - offset;
    length = length === undefined ? room : Math.min(room, length >>> 0);
    const utf8 = normal(encoding) === 'utf8';
    let bytes = utf8 ? encoder.encode(string) : fromString(string, encoding);
    if (bytes.length > length) {
      // Node writes whole UTF-8 characters only: back up to the start of the one that does not fit.
      let cut = length;
      if (utf8) while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
      bytes = bytes.subarray(0, cut);
    }
    this.set(bytes, offset);
    return bytes.length;
  }

  copy(target, targetStart, sourceStart, sourceEnd) {
    const at = targetStart === undefined ? 0 : targetStart >>> 0;
    const from = sourceStart === undefined ? 0 : sourceStart >>> 0;
    let to = sourceEnd === undefined ? this.length : Math.min(this.length, sourceEnd >>> 0);
    if (at >= target.length || from >= to) return 0;
    to = Math.min(to, from + target.length - at);
    target.set(this.subarray(from, to), at);
    return to - from;
  }

  /** A view, as Node's `slice` is (Uint8Array's copies). */
  slice(start, end) {
    return this.subarray(start, end);
  }

  equals(other) {
    return this.compare(other) === 0;
  }

  compare(other) {
    if (this === other) return 0;
    const n = Math.min(this.length, other.length);
    for (let i = 0; i < n; i++) if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1;
    return this.length === other.length ? 0 : this.length < other.length ? -1 : 1;
  }

  toJSON() {
    return { type: 'Buffer', data: Array.from(this) };
  }

  readUInt8(offset = 0) {
    return this[check(this, offset, 1)];
  }

  readUInt16BE(offset = 0) {
    offset = check(this, offset, 2);
    return (this[offset] << 8) | this[offset + 1];
  }

  readUInt32BE(offset = 0) {
    offset = check(this, offset, 4);
    return this[offset] * 0x1000000 + ((this[offset + 1] << 16) | (this[offset + 2] << 8) | this[offset + 3]);
  }

  writeUInt8(value, offset = 0) {
    this[check(this, offset, 1)] = value;
    return offset + 1;
  }

  writeUInt16BE(value, offset = 0) {
    offset = check(this, offset, 2);
    this[offset] = value >>> 8;
    this[offset + 1] = value;
    return offset + 2;
  }

  writeUInt32BE(value, offset = 0) {
    offset = check(this, offset, 4);
    this[offset] = value >>> 24;
    this[offset + 1] = value >>> 16;
    this[offset + 2] = value >>> 8;
    this[offset + 3] = value;
    return offset + 4;
  }
}

// The rest of the fixed-width reads and writes, through a DataView: name → [DataView type, bytes].
const VIEW = {
  Int8: ['Int8', 1],
  UInt16LE: ['Uint16', 2],
  Int16BE: ['Int16', 2],
  Int16LE: ['Int16', 2],
  UInt32LE: ['Uint32', 4],
  Int32BE: ['Int32', 4],
  Int32LE: ['Int32', 4],
  FloatBE: ['Float32', 4],
  FloatLE: ['Float32', 4],
  DoubleBE: ['Float64', 8],
  DoubleLE: ['Float64', 8],
  BigUInt64BE: ['BigUint64', 8],
  BigUInt64LE: ['BigUint64', 8],
  BigInt64BE: ['BigInt64', 8],
  BigInt64LE: ['BigInt64', 8],
};
const proto = Buffer.prototype;
for (const name of Object.keys(VIEW)) {
  const [type, size] = VIEW[name];
  const little = name.endsWith('LE');
  const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  proto[`read${name}`] = function read(offset = 0) {
    return view(this)[`get${type}`](check(this, offset, size), little);
  };
  proto[`write${name}`] = function write(value, offset = 0) {
    view(this)[`set${type}`](check(this, offset, size), value, little);
    return offset + size;
  };
}
// Node's lower-case aliases (readUint8 for readUInt8, …).
for (const name of Object.getOwnPropertyNames(proto)) {
  if (/^(read|write)(Big)?UInt/.test(name)) proto[name.replace('UInt', 'Uint')] = proto[name];
}

/** The offset as an integer, or the RangeError Node throws for one outside the buffer. */
function check(bytes, offset, size) {
  if (offset !== offset >>> 0 || offset + size > bytes.length) {
    throw new RangeError(`The value of "offset" is out of range. It must be >= 0 and <= ${bytes.length - size}. Received ${offset}`);
  }
  return offset;
}

/** The encoding's canonical name, or undefined for one this stand-in does not have. */
function normal(encoding) {
  if (encoding === undefined || encoding === null) return 'utf8';
  switch (String(encoding).toLowerCase()) {
    case 'utf8':
    case 'utf-8':
      return 'utf8';
    case 'hex':
      return 'hex';
    case 'base64':
      return 'base64';
    case 'latin1':
    case 'binary':
      return 'latin1';
    case 'ascii':
      return 'ascii';
    default:
      return undefined;
  }
}

function fromString(string, encoding) {
  const kind = normal(encoding);
  if (kind === undefined) throw new TypeError(`Unknown encoding: ${encoding}`);
  if (kind === 'utf8') {
    const bytes = encoder.encode(string);
    return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  if (kind === 'hex') {
    const bytes = new Buffer(string.length >>> 1);
    let n = 0;
    for (; n < bytes.length; n++) {
      // Node reads each UTF-16 unit by its low byte ('\uD835' as '5'), and stops at the first pair
      // that is not hex.
      const pair = String.fromCharCode(string.charCodeAt(n * 2) & 0xff, string.charCodeAt(n * 2 + 1) & 0xff);
      if (!/^[0-9a-f]{2}$/i.test(pair)) break;
      bytes[n] = parseInt(pair, 16);
    }
    return n === bytes.length ? bytes : bytes.subarray(0, n);
  }
  if (kind === 'base64') {
    // Node accepts URL-safe characters, whitespace and missing padding, and stops at the first '=';
    // atob does none of that.
    let clean = string.split('=')[0].replace(/[^A-Za-z0-9+/\-_]/g, '').replace(/-/g, '+').replace(/_/g, '/');
    if (clean.length % 4 === 1) clean = clean.slice(0, -1);
    string = atob(clean + '==='.slice((clean.length + 3) % 4));
  }
  const bytes = new Buffer(string.length);
  for (let i = 0; i < string.length; i++) bytes[i] = string.charCodeAt(i);
  return bytes;
}

/** UTF-8 bytes of a string without encoding it (an unpaired surrogate counts 3, as U+FFFD). */
function utf8Length(string) {
  let length = string.length;
  for (let i = 0; i < string.length; i++) {
    const code = string.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code < 0xdc00 && (string.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2; // a pair: 2 UTF-16 units, 4 bytes
      i++;
    } else length += 2;
  }
  return length;
}

module.exports = { Buffer, INSPECT_MAX_BYTES: 50, kMaxLength: 0x7fffffff };
