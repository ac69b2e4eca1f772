// The contract with MQTT.js (src/transport/mqtt-internals.ts): each behaviour of the real MQTT.js
// client that this package relies on beyond its public API, checked as a behaviour (not only that
// a name exists), over a scripted socket. A newer MQTT.js that changes one fails here, by name.
// Against a real broker: mqtt-contract.broker.test.ts.
import { expect } from '@open-wc/testing';
import type { MqttClient } from 'mqtt';
import { connectOverWebSocket } from '../../src/transport/connect.js';
import {
  closeAgain,
  PARSER_PRIVATE_MEMBERS,
  parseChunk,
  setNextOptions,
  socketState,
  takeOverReconnects,
  type ParserSink,
} from '../../src/transport/mqtt-internals.js';
import { WebSocketStream } from '../../src/transport/ws-stream.js';
import { concat, publishPacket } from '../../scripts/mqtt-wire.js';
import { once, uid, waitFor } from '../support/wait.js';

const CONNACK = Uint8Array.from([0x20, 0x02, 0x00, 0x00]);

/** A WebSocket the test scripts; it remembers the URL it was made for. */
class ScriptedSocket extends EventTarget {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: Uint8Array[] = [];
  constructor(readonly url: string) {
    super();
  }
  send(data: Uint8Array): void {
    this.sent.push(data.slice());
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    queueMicrotask(() => this.dispatchEvent(new CloseEvent('close', { code, reason })));
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  frame(bytes: Uint8Array): void {
    this.dispatchEvent(new MessageEvent('message', { data: bytes.slice().buffer }));
  }
}

/** A real MQTT.js client (connectOverWebSocket) whose every attempt gets a scripted socket. */
function scriptedClient(options: Parameters<typeof connectOverWebSocket>[1] = {}) {
  const sockets: ScriptedSocket[] = [];
  const client = connectOverWebSocket('ws://first.invalid/mqtt', {
    reconnectPeriod: 0,
    clientId: uid('c'),
    ...options,
    createWebsocket: (url: string) => {
      const socket = new ScriptedSocket(url);
      sockets.push(socket);
      queueMicrotask(() => socket.open());
      return socket;
    },
  });
  return { client, sockets };
}

async function connected(client: MqttClient, socket: ScriptedSocket): Promise<void> {
  await waitFor(() => socket.sent.length > 0, { message: 'CONNECT sent' });
  const connect = once(client, 'connect');
  socket.frame(CONNACK);
  await connect;
}

/** The text of the CONNECT packet a socket carried (user name and client id are in it as UTF-8). */
const connectText = (socket: ScriptedSocket) => new TextDecoder().decode(socket.sent[0]);

describe('the contract with MQTT.js (transport/mqtt-internals)', () => {
  describe('_reconnect', () => {
    it("is what MQTT.js's reconnect timer calls; once taken over, the timer reconnects nothing", async () => {
      const { client, sockets } = scriptedClient({ reconnectPeriod: 20 });
      await connected(client, sockets[0]);
      takeOverReconnects(client);
      // Count the timer's calls, through the gate takeOverReconnects put there.
      const target = client as unknown as { _reconnect: () => void };
      const gate = target._reconnect;
      let ticks = 0;
      target._reconnect = () => {
        ticks++;
        gate();
      };
      sockets[0].close();
      await waitFor(() => ticks >= 3, { message: 'the reconnect timer called _reconnect three times' });
      expect(sockets, 'no attempt was made by the timer').to.have.length(1);
      client.end(true);
    });

    it('the function takeOverReconnects returns emits reconnect and makes a new attempt', async () => {
      const { client, sockets } = scriptedClient({ reconnectPeriod: 20 });
      await connected(client, sockets[0]);
      const reconnect = takeOverReconnects(client);
      sockets[0].close();
      await once(client, 'close');
      const reconnecting = once(client, 'reconnect');
      reconnect();
      await reconnecting;
      await connected(client, sockets[1]!);
      expect(sockets).to.have.length(2);
      client.end(true);
    });

    it("the public client.reconnect() still reconnects at once after the take-over", async () => {
      const { client, sockets } = scriptedClient({ reconnectPeriod: 20 });
      await connected(client, sockets[0]);
      takeOverReconnects(client);
      const reconnecting = once(client, 'reconnect');
      client.reconnect();
      await reconnecting;
      await waitFor(() => sockets.length === 2, { message: 'a new socket for the new attempt' });
      await connected(client, sockets[1]!);
      expect(client.connected).to.equal(true);
      client.end(true);
    });
  });

  describe('_write of the parser Writable', () => {
    it(`(${PARSER_PRIVATE_MEMBERS.join(', ')}) parses a chunk of two packets and calls back once both were handled`, async () => {
      // The Writable MqttClient.connect() pipes its stream into, caught as WebSocketStream.pipe receives it.
      let sink: ParserSink | undefined;
      const pipe = WebSocketStream.prototype.pipe;
      WebSocketStream.prototype.pipe = function <T>(this: WebSocketStream, destination: T): T {
        sink = destination as unknown as ParserSink;
        return pipe.call(this, destination) as T;
      };
      let made: ReturnType<typeof scriptedClient>;
      try {
        made = scriptedClient();
      } finally {
        WebSocketStream.prototype.pipe = pipe;
      }
      const { client, sockets } = made;
      expect(sink, 'MqttClient.connect() piped its stream into a Writable').to.not.equal(undefined);
      await waitFor(() => sockets[0]!.sent.length > 0, { message: 'CONNECT sent' });
      const topic = uid('t');
      const got: string[] = [];
      client.on('connect', () => got.push('connect'));
      client.on('message', (t, payload) => got.push(`${t}=${new TextDecoder().decode(payload)}`));
      await new Promise<void>((resolve, reject) =>
        parseChunk(sink!, concat([CONNACK, publishPacket(topic, 'x')]), (error) => (error ? reject(error) : resolve())),
      );
      expect(got, 'both packets handled when it called back').to.deep.equal(['connect', `${topic}=x`]);
      client.end(true);
    });
  });

  describe('client.options, read at each attempt', () => {
    it("setNextOptions changes the next CONNECT's user name and the next socket's URL", async () => {
      const { client, sockets } = scriptedClient({ username: 'first-user' });
      await connected(client, sockets[0]!);
      expect(connectText(sockets[0]!)).to.contain('first-user');
      const reconnect = takeOverReconnects(client);
      setNextOptions(client, { username: 'second-user', password: 'pw', protocol: 'wss', host: 'second.invalid', hostname: 'second.invalid', port: 8443, path: '/next' });
      sockets[0]!.close();
      await once(client, 'close');
      reconnect();
      await waitFor(() => sockets[1]?.sent.length, { message: 'the second CONNECT' });
      expect(sockets[1]!.url).to.equal('wss://second.invalid:8443/next');
      expect(connectText(sockets[1]!)).to.contain('second-user').and.not.contain('first-user');
      client.end(true);
    });
  });

  describe("emitting 'close' on the client", () => {
    it("runs MQTT.js's close handling again: not connected, and it goes offline to retry", async () => {
      const { client, sockets } = scriptedClient({ reconnectPeriod: 60000 });
      await connected(client, sockets[0]!);
      expect(client.connected).to.equal(true);
      const offline = once(client, 'offline');
      closeAgain(client);
      await offline;
      expect(client.connected).to.equal(false);
      expect(client.reconnecting, 'the reconnect timer is set up').to.equal(true);
      client.end(true);
    });
  });

  describe('socketState', () => {
    it("reads the transport's stream: opened, then destroyed with the close code and reason", async () => {
      const { client, sockets } = scriptedClient();
      expect(socketState(client)).to.include({ opened: false, destroyed: false });
      await connected(client, sockets[0]!);
      expect(socketState(client)).to.include({ opened: true, destroyed: false });
      sockets[0]!.close(1002, 'unauthenticated');
      await once(client, 'close');
      expect(socketState(client)).to.deep.equal({ opened: true, destroyed: true, closeCode: 1002, closeReason: 'unauthenticated' });
      client.end(true);
    });
  });
});
