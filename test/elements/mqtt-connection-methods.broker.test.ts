// <mqtt-connection>'s methods against the real brokers: publish(), subscribe(), disconnect(), and
// publishing while offline. Status, attributes and URLs: mqtt-connection.broker.test.ts; refusals
// and the element's life in the DOM: mqtt-connection-lifecycle.broker.test.ts.
import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import type { IPublishPacket, Packet } from 'mqtt';
import '../../src/index.js';
import type { MqttConnectionElement, ReceivedMessage } from '../../src/index.js';
import { aedesDisconnectClient, getBrokers, uid, waitFor } from '../support/brokers.js';
import {
  holdsFor,
  QUIET,
  record,
  rejection,
  untilAedes,
  untilConnects,
  untilStatus,
} from './connection-helpers.js';
import { brokerEvents, text } from '../support/elements.js';

describe('<mqtt-connection>: methods', () => {
  it('publish() with QoS 1 resolves after the PUBACK; the message is at the broker', async () => {
    const { aedes } = await getBrokers();
    const id = uid('pub');
    const topic = uid('pub/topic');
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} client-id=${id}></mqtt-connection>`);
    await untilStatus(el, 'connected');
    const pubacks: number[] = [];
    el.client!.on('packetreceive', (packet: Packet) => {
      if (packet.cmd === 'puback') pubacks.push(packet.messageId!);
    });
    const sent: IPublishPacket[] = [];
    el.client!.on('packetsend', (packet: Packet) => {
      if (packet.cmd === 'publish') sent.push(packet);
    });
    await el.publish(topic, 'hello', { qos: 1 });
    expect(sent).to.have.length(1);
    expect(pubacks).to.deep.equal([sent[0].messageId]);
    const [atBroker] = await waitFor(async () => {
      const found = (await brokerEvents(id, 'publish')).filter((e) => e.topic === topic);
      return found.length ? found : undefined;
    });
    expect(atBroker).to.include({ payload: 'hello', qos: 1, retain: false });
  });

  it('publish() rejects invalid-topic, invalid-qos, and no-connection before any connect', async () => {
    const { aedes } = await getBrokers();
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url}></mqtt-connection>`);
    await untilStatus(el, 'connected');
    let published = 0;
    el.client!.on('packetsend', (packet: Packet) => {
      if (packet.cmd === 'publish') published++;
    });
    expect((await rejection(el.publish('a/+', 'x', { qos: 1 }))).code).to.equal('invalid-topic');
    expect((await rejection(el.publish('a/#', 'x'))).code).to.equal('invalid-topic');
    expect((await rejection(el.publish(uid('ok'), 'x', { qos: 3 }))).code).to.equal('invalid-qos');
    expect(published).to.equal(0);

    const manual = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} manual></mqtt-connection>`);
    const error = await rejection(manual.publish(uid('ok'), 'x', { qos: 1 }));
    expect(error.code).to.equal('no-connection');
    expect(manual.client === undefined, 'no client').to.equal(true);
  });

  it('subscribe() is refcounted with <mqtt-subscribe>: one SUBSCRIBE, UNSUBSCRIBE when the last lets go', async () => {
    const { aedes } = await getBrokers();
    const id = uid('refcount');
    const topic = uid('refcount/topic');
    const el = fixtureSync<MqttConnectionElement>(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${topic}></mqtt-subscribe></mqtt-connection>
    `);
    const got: string[] = [];
    const release = el.subscribe(topic, { qos: 1 }, (m: ReceivedMessage) => got.push(text(m.payload)));
    expect(release).to.be.a('function');
    expect(() => el.subscribe('a/#/b', {}, () => {})).to.throw().with.property('code', 'invalid-topic');
    const sub = el.querySelector('mqtt-subscribe')!;
    await untilStatus(el, 'connected');
    await waitFor(() => sub.status === 'subscribed');
    await el.publish(topic, 'one', { qos: 1 });
    await waitFor(() => got.length === 1 && sub.value === 'one');
    const subscribes = await brokerEvents(id, 'subscribe');
    expect(subscribes).to.have.length(1);
    expect(subscribes[0].topics).to.deep.equal([{ topic, qos: 1 }]); // the highest QoS asked for

    // The element lets go: subscribe() still holds the filter, so no UNSUBSCRIBE. A QoS 1
    // round trip afterwards is the barrier: an UNSUBSCRIBE would have reached aedes before it.
    sub.remove();
    await el.publish(topic, 'two', { qos: 1 });
    await waitFor(() => got.length === 2);
    expect(got).to.deep.equal(['one', 'two']);
    expect(await brokerEvents(id, 'unsubscribe')).to.deep.equal([]);

    release();
    release(); // a second call is harmless
    const [unsubscribe] = await untilAedes(id, 'unsubscribe');
    expect(unsubscribe.topics).to.deep.equal([{ topic }]);
    await el.publish(topic, 'three', { qos: 1 });
    expect(got).to.deep.equal(['one', 'two']);
    expect(await brokerEvents(id, 'unsubscribe')).to.have.length(1);
  });

  it('disconnect() resolves with status closed; the element stays closed until connect()', async () => {
    const { aedes } = await getBrokers();
    const id = uid('disconnect');
    const el = await fixture<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} reconnect-period="100"></mqtt-connection>`,
    );
    await untilStatus(el, 'connected');
    const rec = record(el);
    await el.disconnect();
    expect(el.status).to.equal('closed');
    expect(el.getAttribute('status')).to.equal('closed');
    expect(rec.statuses).to.deep.equal(['closed']);
    await untilAedes(id, 'clientDisconnect');
    // Neither a reconnect timer, a settings change nor a removal and re-insertion may bring it back.
    el.keepalive = 30;
    await el.updateComplete;
    const parent = el.parentElement!;
    el.remove();
    await new Promise((resolve) => setTimeout(resolve)); // a later task: not a DOM move
    parent.append(el);
    await el.updateComplete;
    await holdsFor(async () => el.status === 'closed' && (await brokerEvents(id, 'client')).length === 1, QUIET, 'still closed');

    el.connect();
    await untilConnects(rec, 1);
    expect(await untilAedes(id, 'client', 2)).to.have.length(2);
  });
});

describe('<mqtt-connection>: publishing while offline', () => {
  it('queues QoS 0 and 1 publishes and sends them after the reconnect', async () => {
    const { aedes } = await getBrokers();
    const id = uid('offline');
    const topic = uid('offline/topic');
    const el = await fixture<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} reconnect-period="100"></mqtt-connection>`,
    );
    await untilStatus(el, 'connected');
    const offline = new Promise<void>((resolve) =>
      el.addEventListener('mqtt-status', (e) => e.detail.status === 'offline' && resolve()),
    );
    await aedesDisconnectClient(id);
    await offline;
    expect(el.client!.connected).to.equal(false);
    const published = Promise.all([
      el.publish(topic, 'queued-1', { qos: 1 }),
      el.publish(topic, 'queued-0', { qos: 0 }),
    ]);
    await published;
    const clients = await brokerEvents(id, 'client');
    expect(clients).to.have.length(2);
    const atBroker = await waitFor(async () => {
      const found = (await brokerEvents(id, 'publish')).filter((e) => e.topic === topic);
      return found.length === 2 ? found : undefined;
    });
    expect(atBroker.map((e) => e.payload)).to.have.members(['queued-1', 'queued-0']);
    for (const e of atBroker) expect(e.time).to.be.at.least(clients[1].time);
  });
});
