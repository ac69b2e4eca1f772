// The few MQTT packets the benchmark and the transport tests need, encoded and framed by hand.
// Used by the benchmark's Node side (publisher and counting subscriber over TCP: no client
// library between the broker and the clock), by its bare-WebSocket ceiling page (nothing between
// the frame and the count), and by test/transport/ws-stream.test.ts (frames split where it chooses).
// Plain ESM with Uint8Array and TextEncoder only, so Node and the browser load the same file;
// mqtt-wire.d.ts types it for the TypeScript tests.

const utf8 = new TextEncoder();

/** MQTT's variable-length "remaining length". */
function varint(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function str(s) {
  const b = utf8.encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function packet(first, body) {
  return Uint8Array.from([first, ...varint(body.length), ...body]);
}

/** CONNECT, MQTT 3.1.1, clean session. */
export function connectPacket(clientId, keepalive = 60) {
  return packet(0x10, [...str('MQTT'), 4, 0x02, keepalive >> 8, keepalive & 0xff, ...str(clientId)]);
}

/** SUBSCRIBE to several filters at QoS 0 in one packet. */
export function subscribePacket(packetId, filters) {
  const body = [packetId >> 8, packetId & 0xff];
  for (const f of filters) body.push(...str(f), 0);
  return packet(0x82, body);
}

/** PUBLISH at QoS 0 (MQTT 3.1.1). */
export function publishPacket(topic, payload, retain = false) {
  return publish(str(topic), payload, retain);
}

/** PUBLISH at QoS 0, MQTT 5: the same with an empty property list. */
export function publishPacketV5(topic, payload, retain = false) {
  return publish([...str(topic), 0], payload, retain);
}

/** A PUBLISH of `payload` after `variableHeader` (the topic, and in MQTT 5 the properties). */
function publish(variableHeader, payload, retain) {
  const p = typeof payload === 'string' ? utf8.encode(payload) : payload;
  const head = [retain ? 0x31 : 0x30, ...varint(variableHeader.length + p.length), ...variableHeader];
  const out = new Uint8Array(head.length + p.length);
  out.set(head);
  out.set(p, head.length);
  return out;
}

export const DISCONNECT = Uint8Array.from([0xe0, 0]);

/** Joins packets into one buffer (one write, one TCP burst). */
export function concat(parts) {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The payload of message `seq`: exactly `size` bytes of ASCII, the sequence number first, so a
 * page can tell which message it is showing by its text alone.
 */
export function payloadOf(seq, size = 100) {
  return String(seq).padEnd(size, '.');
}

/**
 * A streaming splitter: feed it chunks as they come, it calls `onPacket(type, bytes, start, end)`
 * for every whole packet (type = the high nibble of the first byte; the body is
 * bytes[start, end)). Partial packets are kept for the next chunk.
 */
export function packetReader(onPacket) {
  let pending = null;
  return (chunk) => {
    let bytes = chunk;
    if (pending) {
      bytes = concat([pending, chunk]);
      pending = null;
    }
    let i = 0;
    while (i < bytes.length) {
      let len = 0;
      let mult = 1;
      let j = i + 1;
      let complete = false;
      while (j < bytes.length && j < i + 5) {
        const b = bytes[j++];
        len += (b & 0x7f) * mult;
        mult *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || j + len > bytes.length) break;
      onPacket(bytes[i] >> 4, bytes, j, j + len);
      i = j + len;
    }
    if (i < bytes.length) pending = bytes.slice(i);
  };
}
