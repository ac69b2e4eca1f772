// The lean WebSocket transport (src/transport/ws-stream.ts) under a real MQTT.js client, against a
// scripted socket: frame boundaries, timing and bufferedAmount are ours to choose. Against the
// real brokers: ws-stream.broker.test.ts.
import { expect } from '@open-wc/testing';
import type { IDisconnectPacket } from 'mqtt';
import { connectOverWebSocket } from '../../src/transport/connect.js';
import { WebSocketStream } from '../../src/transport/ws-stream.js';
import { MqttConnection } from '../../src/core/connection.js';
import { concat, publishPacket, publishPacketV5 } from '../../scripts/mqtt-wire.js';
import { messages } from '../support/clients.js';
import { nextTask, once, uid, waitFor } from '../support/wait.js';

const CONNACK = Uint8Array.from([0x20, 0x02, 0x00, 0x00]);
const CONNACK_V5 = Uint8Array.from([0x20, 0x03, 0x00, 0x00, 0x00]);

/** A WebSocket whose frames, state and bufferedAmount the test scripts. */
class ScriptedSocket extends EventTarget {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: Uint8Array[] = [];
  send(data: Uint8Array): void {
    this.sent.push(data.slice());
  }
  close(): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    queueMicrotask(() => this.dispatchEvent(new Event('close')));
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  /** One frame, delivered as a browser delivers it: an ArrayBuffer of its own. */
  frame(bytes: Uint8Array): void {
    this.dispatchEvent(new MessageEvent('message', { data: bytes.slice().buffer }));
  }
  /** The socket goes away from the other side (no close from this client). */
  drop(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
}

/** An MQTT.js client over WebSocketStream over a scripted socket, connected. */
async function scripted(options: Parameters<typeof connectOverWebSocket>[1] = {}) {
  const socket = new ScriptedSocket();
  const client = connectOverWebSocket('ws://scripted.invalid/mqtt', {
    reconnectPeriod: 0,
    clientId: uid('s'),
    ...options,
    createWebsocket: () => socket,
  });
  expect(client.stream).to.be.instanceOf(WebSocketStream);
  socket.open();
  expect(socket.sent[0][0]).to.equal(0x10, 'CONNECT is sent once the socket opens');
  const connected = once(client, 'connect');
  socket.frame(options.protocolVersion === 5 ? CONNACK_V5 : CONNACK);
  await connected;
  return { socket, client };
}

describe('WebSocketStream: frames, batches, back-pressure (scripted socket)', () => {
  it('hands a packet that is split over several frames to the parser whole', async () => {
    const { socket, client } = await scripted();
    const got = messages(client);
    const bytes = publishPacket('split/topic', 'x'.repeat(300)); // a 2-byte remaining length
    socket.frame(bytes.subarray(0, 1)); // the type byte only
    socket.frame(bytes.subarray(1, 2)); // half the remaining length
    socket.frame(bytes.subarray(2, 10)); // the rest of the length and part of the topic
    socket.frame(bytes.subarray(10));
    await waitFor(() => got.length === 1);
    expect(got).to.deep.equal([['split/topic', 'x'.repeat(300)]]);
    client.end(true);
  });

  it('handles several packets in one frame, in order, including one cut off at its end', async () => {
    const { socket, client } = await scripted();
    const got = messages(client);
    const last = publishPacket('t/3', 'three');
    socket.frame(concat([publishPacket('t/1', 'one'), publishPacket('t/2', 'two'), last.subarray(0, 4)]));
    socket.frame(last.subarray(4));
    await waitFor(() => got.length === 3);
    expect(got).to.deep.equal([
      ['t/1', 'one'],
      ['t/2', 'two'],
      ['t/3', 'three'],
    ]);
    client.end(true);
  });

  it('parses frames that arrived back to back in one task, after the task that received them', async () => {
    const { socket, client } = await scripted();
    // A batch id that changes whenever a microtask checkpoint passed between two messages:
    // a Lit element updates at such checkpoints, so one batch means one update.
    let batch = 0;
    let open = false;
    const batches: number[] = [];
    client.on('message', () => {
      if (!open) {
        batch++;
        open = true;
        queueMicrotask(() => (open = false));
      }
      batches.push(batch);
    });
    for (let i = 0; i < 50; i++) socket.frame(publishPacket('burst', String(i)));
    expect(batches).to.have.length(0, 'nothing is parsed inside the task that received the frames');
    await waitFor(() => batches.length === 50);
    expect(new Set(batches).size).to.equal(1, 'all 50 messages between two microtask checkpoints');
    client.end(true);
  });

  it('sends what was written before the socket opened once it opens, and a corked packet as one frame', async () => {
    const socket = new ScriptedSocket();
    const client = connectOverWebSocket('ws://scripted.invalid/mqtt', {
      reconnectPeriod: 0,
      clientId: 'corked',
      createWebsocket: () => socket,
    });
    await nextTask();
    expect(socket.sent).to.have.length(0);
    socket.open();
    expect(socket.sent).to.have.length(1);
    expect(socket.sent[0][0]).to.equal(0x10);
    socket.frame(CONNACK);
    await once(client, 'connect');
    const before = socket.sent.length;
    // mqtt-packet writes a PUBLISH as several chunks and corks them until the next tick.
    await new Promise<void>((resolve) => client.publish('one/frame', 'payload', { qos: 0 }, () => resolve()));
    await waitFor(() => socket.sent.length > before);
    await nextTask();
    expect(socket.sent.slice(before)).to.have.length(1);
    expect([...socket.sent[before]]).to.deep.equal([...publishPacket('one/frame', 'payload')]);
    client.end(true);
  });

  it('holds publish callbacks while more than browserBufferSize is unsent, until the socket drains', async () => {
    const { socket, client } = await scripted({ browserBufferSize: 1000 });
    socket.bufferedAmount = 5000; // the network is slow: the browser still holds 5 KB
    let done = false;
    client.publish('slow', 'x'.repeat(100), { qos: 0 }, () => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).to.equal(false, 'the callback waits for the drain');
    expect(socket.sent.at(-1)![0]).to.equal(0x30, 'the packet itself was handed to the socket');
    socket.bufferedAmount = 0;
    await waitFor(() => done, { message: 'the callback after the drain' });
    client.end(true);
  });

  it('parses frames still queued when the socket closes: a broker DISCONNECT is not lost', async () => {
    const { socket, client } = await scripted({ protocolVersion: 5 });
    const got = messages(client);
    const disconnect = once<[IDisconnectPacket]>(client, 'disconnect');
    const closed = once(client, 'close');
    socket.frame(publishPacketV5('last/words', 'bye'));
    // MQTT 5 DISCONNECT with reason 0x8E (session taken over), then the socket closes, all in
    // the same task: nothing was parsed yet when the close arrives.
    socket.frame(Uint8Array.from([0xe0, 0x02, 0x8e, 0x00]));
    socket.drop();
    const [packet] = await disconnect;
    expect(packet.reasonCode).to.equal(0x8e);
    await closed;
    expect(got).to.deep.equal([['last/words', 'bye']]);
    client.end(true);
  });

  it('keeps parsing after a message listener throws', async () => {
    const { socket, client } = await scripted();
    const got = messages(client);
    let thrown = false;
    client.prependListener('message', (topic) => {
      if (topic === 'bad' && !thrown) {
        thrown = true;
        throw new Error('listener failed (thrown on purpose by a test)');
      }
    });
    const saved = window.onerror;
    const reported: unknown[] = [];
    window.onerror = (message) => {
      reported.push(message);
      return true;
    };
    try {
      socket.frame(publishPacket('bad', '1'));
      socket.frame(publishPacket('good', '2'));
      await waitFor(() => got.length === 1 && reported.length === 1);
      socket.frame(publishPacket('good', '3'));
      await waitFor(() => got.length === 2);
    } finally {
      window.onerror = saved;
    }
    expect(got).to.deep.equal([
      ['good', '2'],
      ['good', '3'],
    ]);
    expect(String(reported[0])).to.contain('listener failed');
    client.end(true);
  });

  // WebKit fires `error` before `close` when RabbitMQ refuses a login with 1002 "unauthenticated":
  // the stream used to tear down on the `error` and never heard the close code, so the refusal was
  // reported as connection-failed and the page kept retrying with the wrong password.
  it('keeps the close code and reason of a socket that fires error before close: a refused login is not-authorized', async () => {
    const socket = new ScriptedSocket();
    const connection = new MqttConnection();
    connection.config = { url: 'ws://scripted.invalid/mqtt', reconnectPeriod: 200, options: { createWebsocket: () => socket } as never };
    const errors: string[] = [];
    connection.listen({ error: (e) => errors.push(e.code) });
    connection.connect();
    socket.open();
    socket.readyState = 3;
    socket.dispatchEvent(new Event('error'));
    socket.dispatchEvent(new CloseEvent('close', { code: 1002, reason: 'unauthenticated' }));
    await waitFor(() => errors.length > 0);
    expect(errors).to.deep.equal(['not-authorized']);
    expect(connection.error?.message).to.contain('code 1002 "unauthenticated"');
    expect((connection.client!.stream as unknown as WebSocketStream).closeCode).to.equal(1002);
    await connection.disconnect();
  });

  it('ends cleanly: DISCONNECT goes out before the socket closes, and close is reported once', async () => {
    const { socket, client } = await scripted();
    let closes = 0;
    client.stream.on('close', () => closes++);
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    expect(socket.sent.at(-1)![0]).to.equal(0xe0, 'DISCONNECT');
    expect(socket.readyState).to.equal(3);
    await nextTask();
    expect(closes).to.equal(1);
  });
});

describe('MQTT 5 topic aliases from the broker, routed to the elements (scripted socket)', () => {
  /** A PUBLISH (QoS 0) with the Topic Alias property: `topic` empty means "the alias stands for it". */
  function aliasedPublish(topic: string, alias: number, payload: string): Uint8Array {
    const enc = new TextEncoder();
    const t = enc.encode(topic);
    const p = enc.encode(payload);
    const header = [t.length >> 8, t.length & 0xff, ...t, 3, 0x23, alias >> 8, alias & 0xff];
    return Uint8Array.from([0x30, header.length + p.length, ...header, ...p]);
  }

  it('a message on an alias reaches the subscription of the topic the alias stands for', async () => {
    const socket = new ScriptedSocket();
    const connection = new MqttConnection();
    connection.config = { url: 'ws://scripted.invalid/mqtt', protocolVersion: 5, options: { createWebsocket: () => socket as never } };
    const got: string[] = [];
    connection.subscribe('plant/+/temp', {}, (m) => got.push(`${m.topic}=${new TextDecoder().decode(m.payload)}`));
    connection.connect();
    // MQTT 5's server references load before the first attempt (core/lazy-references.ts).
    await waitFor(() => connection.client !== undefined);
    socket.open();
    socket.frame(CONNACK_V5);
    await waitFor(() => connection.status === 'connected');
    socket.frame(aliasedPublish('plant/a/temp', 1, '20'));
    socket.frame(aliasedPublish('', 1, '21'));
    socket.frame(aliasedPublish('plant/b/temp', 2, '5'));
    socket.frame(aliasedPublish('', 2, '6'));
    await waitFor(() => got.length === 4);
    expect(got).to.deep.equal(['plant/a/temp=20', 'plant/a/temp=21', 'plant/b/temp=5', 'plant/b/temp=6']);
    // Ended at once: the SUBSCRIBE was never acknowledged here, and a polite end would wait for it.
    connection.client!.end(true);
  });
});
