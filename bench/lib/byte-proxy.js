// A TCP proxy in front of a broker's WebSocket port that counts what crosses it: connections, the
// bytes each way (TCP payload: the HTTP upgrade, WebSocket framing and MQTT, not IP/TCP headers),
// and the MQTT packets by type, read out of the WebSocket frames. Counting at a proxy rather than
// in the page sees every connection of every tab, whichever tab opened it.
import { connect, createServer } from 'node:net';
import { packetReader } from '../../scripts/mqtt-wire.js';

/** MQTT control packet types by their number (the high nibble of the first byte). */
export const MQTT_TYPES = ['', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Reads one direction of a WebSocket connection: skips the HTTP upgrade, unmasks the data
 * frames' payloads and hands them to `onData` as one byte stream (MQTT packets may span frames).
 */
function webSocketReader(onData) {
  let buf = Buffer.alloc(0);
  let upgraded = false;
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    if (!upgraded) {
      const end = buf.indexOf(HEADER_END);
      if (end < 0) return;
      upgraded = true;
      buf = buf.subarray(end + HEADER_END.length);
    }
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      const masked = (buf[1] & 0x80) !== 0;
      let len = buf[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (buf.length < at + len) return;
      // Continuation (0), text (1) and binary (2) carry MQTT; ping, pong and close do not.
      if (opcode <= 2) {
        const payload = Buffer.from(buf.subarray(at, at + len));
        if (masked) for (let i = 0; i < len; i++) payload[i] ^= buf[maskAt + (i & 3)];
        onData(payload);
      }
      buf = buf.subarray(at + len);
    }
  };
}

function packetCounts() {
  return Object.fromEntries(MQTT_TYPES.filter(Boolean).map((t) => [t, 0]));
}

/**
 * Listens on a free 127.0.0.1 port and forwards each connection to `target` (host, port).
 * `snapshot()` returns the running totals; subtract two to get a window's figures.
 */
export async function startByteProxy({ host = '127.0.0.1', port }) {
  const totals = {
    connections: 0,
    open: 0,
    maxOpen: 0,
    bytesToBroker: 0,
    bytesFromBroker: 0,
    toBroker: packetCounts(),
    fromBroker: packetCounts(),
  };
  /** Local ports of the upstream sockets: how the broker's log names these connections. */
  const upstreamPorts = new Set();
  const sockets = new Set();

  const server = createServer((client) => {
    totals.connections++;
    totals.open++;
    totals.maxOpen = Math.max(totals.maxOpen, totals.open);
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.once('connect', () => upstreamPorts.add(upstream.localPort));
    const readUp = webSocketReader(packetReader((type) => totals.toBroker[MQTT_TYPES[type]]++));
    const readDown = webSocketReader(packetReader((type) => totals.fromBroker[MQTT_TYPES[type]]++));
    client.on('data', (chunk) => {
      totals.bytesToBroker += chunk.length;
      readUp(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      totals.bytesFromBroker += chunk.length;
      readDown(chunk);
      client.write(chunk);
    });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      totals.open--;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.once('close', close);
      socket.once('error', close);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    port: server.address().port,
    /** A deep copy of the totals so far. */
    snapshot: () => structuredClone(totals),
    upstreamPorts: () => new Set(upstreamPorts),
    /** Starts `maxOpen` afresh from the connections open now (at the start of a window). */
    resetMaxOpen() {
      totals.maxOpen = totals.open;
    },
    /** Stops listening and drops every connection still open. */
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `after - before`, field by field (numbers and the packet counts); `open`/`maxOpen` as of `after`. */
export function difference(before, after) {
  const out = { ...after };
  for (const key of ['connections', 'bytesToBroker', 'bytesFromBroker']) out[key] = after[key] - before[key];
  for (const dir of ['toBroker', 'fromBroker']) {
    out[dir] = Object.fromEntries(Object.entries(after[dir]).map(([type, n]) => [type, n - before[dir][type]]));
  }
  return out;
}
