// The lean WebSocket transport (src/transport/ws-stream.ts) against the real brokers: what
// MqttConnection uses, frames as aedes splits them, back-pressure, a broker restart. Against a
// scripted socket: ws-stream.test.ts.
import { expect } from '@open-wc/testing';
import mqtt from 'mqtt';
import { MqttConnection } from '../../src/core/connection.js';
import { connectOverWebSocket } from '../../src/transport/connect.js';
import { WebSocketStream } from '../../src/transport/ws-stream.js';
import { messages } from '../support/clients.js';
import { getBrokers, once, privateMosquitto, uid, waitFor } from '../support/brokers.js';

describe('WebSocketStream against the brokers', () => {
  it('is what MqttConnection uses, and a burst from mosquitto arrives complete and in order', async function () {
    // The publisher is MQTT.js in this same page: on a loaded 2-core CI machine Firefox needs
    // more than mocha's default 10 s for the burst, so the budget is the waitFor's, plus room.
    this.timeout(30000);
    const { mosquitto } = await getBrokers();
    const topic = uid('burst');
    const connection = new MqttConnection();
    connection.config = { url: mosquitto.url, clientId: uid('c') };
    const got: string[] = [];
    let status = 'idle';
    connection.subscribe(topic, { qos: 0, onStatus: (s) => (status = s) }, (message) => got.push(message.decoder.text));
    connection.connect();
    await waitFor(() => status === 'subscribed');
    expect(connection.client!.stream).to.be.instanceOf(WebSocketStream);
    // The publisher uses MQTT.js's own transport: the two must speak the same MQTT.
    const publisher = mqtt.connect(mosquitto.url, { clientId: uid('p') });
    await once(publisher, 'connect');
    for (let i = 0; i < 1000; i++) publisher.publish(topic, String(i), { qos: i % 2 ? 1 : 0 });
    await waitFor(() => got.length === 1000, { timeout: 25000, message: '1,000 messages' });
    expect(got).to.deep.equal(Array.from({ length: 1000 }, (_, i) => String(i)));
    publisher.end(true);
    await connection.disconnect();
  });

  it('reassembles packets that aedes writes as several frames each', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('frames');
    let frames = 0;
    const client = connectOverWebSocket(aedes.url, {
      clientId: uid('c'),
      createWebsocket: (url: string, protocols: string[]) => {
        const socket = new WebSocket(url, protocols);
        socket.addEventListener('message', () => frames++);
        return socket;
      },
    });
    await once(client, 'connect');
    const got = messages(client);
    await new Promise((resolve) => client.subscribe(topic, { qos: 1 }, resolve));
    const sender = mqtt.connect(aedes.url, { clientId: uid('p') });
    await once(sender, 'connect');
    frames = 0;
    for (let i = 0; i < 100; i++) sender.publish(topic, `message ${i}`, { qos: 1 });
    await waitFor(() => got.length === 100, { timeout: 10000 });
    expect(got.map(([, payload]) => payload)).to.deep.equal(Array.from({ length: 100 }, (_, i) => `message ${i}`));
    // Not a property of this code but of the test: it only proves anything if aedes really did
    // split packets across frames.
    expect(frames).to.be.greaterThan(100);
    sender.end(true);
    client.end(true);
  });

  it('back-pressure: 4 MB published through a 64 KB buffer all arrive, the callbacks after the drains', async () => {
    // aedes: mosquitto 2.0's WebSocket listener reads a multi-megabyte frame at about 100 KB/s.
    const { aedes } = await getBrokers();
    const topic = uid('bulk');
    const receiver = mqtt.connect(aedes.url, { clientId: uid('r') });
    await once(receiver, 'connect');
    let received = 0;
    receiver.on('message', () => received++);
    await new Promise((resolve) => receiver.subscribe(topic, { qos: 0 }, resolve));
    const client = connectOverWebSocket(aedes.url, { clientId: uid('s'), browserBufferSize: 64 * 1024 });
    await once(client, 'connect');
    const stream = client.stream as unknown as WebSocketStream;
    let refused = 0;
    const write = stream.write.bind(stream);
    stream.write = (...args: Parameters<WebSocketStream['write']>) => {
      const ok = write(...args);
      if (!ok) refused++;
      return ok;
    };
    const payload = new Uint8Array(100 * 1024).fill(0x61);
    await Promise.all(
      Array.from(
        { length: 40 },
        () => new Promise<void>((resolve, reject) => client.publish(topic, payload as never, { qos: 0 }, (e) => (e ? reject(e) : resolve()))),
      ),
    );
    expect(refused).to.be.greaterThan(0, 'write said "wait" at least once');
    await waitFor(() => received === 40, { timeout: 15000, message: '40 messages of 100 KB' });
    client.end(true);
    receiver.end(true);
  });

  it('reconnects over a new stream after the broker restarts, and the subscription is restored', async () => {
    const mosquitto = await privateMosquitto();
    try {
      const topic = uid('again');
      const connection = new MqttConnection();
      connection.config = { url: mosquitto.url, clientId: uid('c'), reconnectPeriod: 200 };
      const got: string[] = [];
      connection.subscribe(topic, { qos: 1 }, (message) => got.push(message.decoder.text));
      // Every status, not the status when polled: the loss and the reconnect (200 ms) may both
      // happen while restart() still waits for the new mosquitto to listen.
      const statuses: string[] = [];
      connection.listen({ status: (status) => statuses.push(status) });
      connection.connect();
      await waitFor(() => connection.status === 'connected');
      const first = connection.client!.stream;
      const before = statuses.length;
      await mosquitto.restart();
      await waitFor(() => statuses.slice(before).some((s) => s !== 'connected'), { timeout: 5000, message: 'the restart was seen' });
      await waitFor(() => connection.status === 'connected' && connection.client!.stream !== first, { timeout: 10000 });
      expect(connection.client!.stream).to.be.instanceOf(WebSocketStream);
      expect(connection.client!.stream).to.not.equal(first);
      await waitFor(async () => {
        await connection.publish(topic, 'after the restart', { qos: 1 });
        return got.includes('after the restart');
      }, { timeout: 5000, interval: 200 });
      await connection.disconnect();
    } finally {
      await mosquitto.stop();
    }
  });
});
