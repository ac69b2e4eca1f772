// A scripted MQTT 5 broker over WebSocket, for what no real broker in the tests can be made to do:
// send a server reference (DISCONNECT or CONNACK 0x9C/0x9D). It records every TCP connection and
// every CONNECT (client id, user name, password: what a redirect would hand a stranger), and
// answers each CONNECT as its script says. Only CONNECT and PINGREQ are read; nothing is routed.
// A web-test-runner plugin (scriptedBrokerPlugin) lets browser tests start, script and read
// instances through executeServerCommand (test/support/scripted-broker.ts).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { concat, packetReader } from './mqtt-wire.js';
import { closeWithin } from './time-limit.js';

const utf8 = new TextEncoder();
const CONNECT = 1;
const PINGREQ = 12;
const PINGRESP = Uint8Array.from([0xd0, 0]);
/** MQTT 5 property identifiers (§2.2.2.2). */
const SERVER_REFERENCE = 0x1c;
const REASON_STRING = 0x1f;

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

/** An MQTT 5 CONNACK or DISCONNECT body: its reason code and properties. */
function withReason(first, head, reasonCode, { reference, reason } = {}) {
  const props = [];
  if (reference !== undefined) props.push(SERVER_REFERENCE, ...str(reference));
  if (reason !== undefined) props.push(REASON_STRING, ...str(reason));
  const body = [...head, reasonCode, ...varint(props.length), ...props];
  return Uint8Array.from([first, ...varint(body.length), ...body]);
}

/** CONNACK, MQTT 5, no session present. */
export const connackV5 = (reasonCode, extra) => withReason(0x20, [0], reasonCode, extra);
/** DISCONNECT from the server, MQTT 5. */
export const disconnectV5 = (reasonCode, extra) => withReason(0xe0, [], reasonCode, extra);

/**
 * What a CONNECT carries (MQTT 3.1.1 or 5): the fields a redirect must not give away.
 * @param {Uint8Array} bytes
 * @param {number} start
 */
export function readConnect(bytes, start) {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let at = start;
  const u16 = () => {
    const v = view.getUint16(at);
    at += 2;
    return v;
  };
  const binary = () => {
    const len = u16();
    const out = bytes.slice(at, at + len);
    at += len;
    return out;
  };
  const text = () => new TextDecoder().decode(binary());
  const skipProperties = () => {
    let len = 0;
    let mult = 1;
    let b;
    do {
      b = bytes[at++];
      len += (b & 0x7f) * mult;
      mult *= 128;
    } while (b & 0x80);
    at += len;
  };
  text(); // "MQTT"
  const protocolVersion = bytes[at++];
  const flags = bytes[at++];
  u16(); // keepalive
  if (protocolVersion === 5) skipProperties();
  const clientId = text();
  if (flags & 0x04) {
    if (protocolVersion === 5) skipProperties();
    text();
    binary();
  }
  const username = flags & 0x80 ? text() : null;
  const password = flags & 0x40 ? new TextDecoder().decode(binary()) : null;
  return { protocolVersion, clientId, username, password };
}

/**
 * One step of a script, for one CONNECT: `{ connack: 0 }` accepts and stays; `{ connack: 0,
 * disconnect: 0x9c, reference }` accepts, then sends DISCONNECT and closes; `{ connack: 0x9d,
 * reference }` refuses with that reason and reference, then closes.
 * @typedef {{ connack: number, disconnect?: number, reference?: string, reason?: string }} Step
 */

/**
 * Starts a scripted broker on 127.0.0.1 (a free port), path /mqtt. The n-th CONNECT gets
 * `script[n]`, the last step repeating; `setScript` replaces it and starts counting again.
 * @param {Step[]} [script]
 */
export async function startScriptedBroker(script = [{ connack: 0 }]) {
  let steps = script;
  let turn = 0;
  const seen = { sockets: 0, connects: /** @type {object[]} */ ([]) };
  const sockets = new Set();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('connection', (socket) => {
    seen.sockets++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server, path: '/mqtt', handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    const read = packetReader((type, bytes, start) => {
      if (type === PINGREQ) return ws.send(PINGRESP);
      if (type !== CONNECT) return;
      seen.connects.push({ ...readConnect(bytes, start), time: Date.now() });
      const step = steps[Math.min(turn++, steps.length - 1)];
      const extra = { reference: step.reference, reason: step.reason };
      if (step.connack !== 0) {
        ws.send(connackV5(step.connack, extra));
        return ws.close();
      }
      if (step.disconnect === undefined) return ws.send(connackV5(0));
      // One frame, as a broker that drops a client at once would write them.
      ws.send(concat([connackV5(0), disconnectV5(step.disconnect, extra)]));
      ws.close();
    });
    ws.on('message', (data) => read(new Uint8Array(data)));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    url: `ws://127.0.0.1:${port}/mqtt`,
    seen,
    /** @param {Step[]} next */
    setScript(next) {
      steps = next;
      turn = 0;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** web-test-runner plugin: scripted brokers by id, for the tests; all closed when the run stops. */
export function scriptedBrokerPlugin() {
  /** @type {Map<string, Awaited<ReturnType<typeof startScriptedBroker>>>} */
  const brokers = new Map();
  let count = 0;
  const get = (id) => {
    const found = brokers.get(id);
    if (!found) throw new Error(`no scripted broker ${id}`);
    return found;
  };
  const commands = {
    'scripted-broker-start': async ({ script }) => {
      const id = String(++count);
      const broker = await startScriptedBroker(script);
      brokers.set(id, broker);
      return { id, url: broker.url, port: broker.port };
    },
    'scripted-broker-script': ({ id, script }) => {
      get(id).setScript(script);
      return true;
    },
    'scripted-broker-seen': ({ id }) => get(id).seen,
    'scripted-broker-stop': async ({ id }) => {
      await brokers.get(id)?.close();
      brokers.delete(id);
      return true;
    },
  };
  return {
    name: 'scripted-broker',
    async serverStop() {
      await Promise.all([...brokers.values()].map((b) => closeWithin(b.close(), 5000, 'a scripted broker', () => {})));
    },
    async executeCommand({ command, payload }) {
      const run = commands[command];
      return run ? run(payload ?? {}) : undefined;
    },
  };
}
