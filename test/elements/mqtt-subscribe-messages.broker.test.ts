// <mqtt-subscribe> messages and status: message/messages/value, the mqtt-message event, retained
// messages, the status attribute's course, and a refused SUBSCRIBE.
import { expect, html, oneEvent } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import { codesFrom, mount, mountSubscribed, subscribed, subscribesAt, text } from '../support/elements.js';

describe('<mqtt-subscribe> messages and status', () => {
  it('exposes message, messages, value and an mqtt-message event that bubbles out of shadow roots', async () => {
    const { el, topic, root } = await mountSubscribed({ qos: '2', format: 'json' });
    const atRoot = oneEvent(root, 'mqtt-message');
    await aedesPublish({ topic, payload: '{"n":1}', qos: 1 });
    const event = await atRoot;
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
    expect(event.target).to.equal(el);
    const { detail } = event;
    expect(detail.topic).to.equal(topic);
    expect(detail.payload).to.be.instanceOf(Uint8Array);
    expect(text(detail.payload)).to.equal('{"n":1}');
    expect(detail.value).to.deep.equal({ n: 1 });
    expect(detail.retained).to.equal(false);
    expect(detail.qos).to.equal(1);
    expect(el.message).to.include({ topic, retained: false, qos: 1 });
    expect(text(el.message!.payload)).to.equal('{"n":1}');
    expect(el.messages).to.have.length(1);
    expect(el.messages[0]).to.equal(el.message);
    expect(el.value).to.deep.equal({ n: 1 });
    // QoS 2 end to end (the subscription asked for 2).
    const two = oneEvent(el, 'mqtt-message');
    await aedesPublish({ topic, payload: '2', qos: 2 });
    expect((await two).detail.qos).to.equal(2);
  });

  it('marks retained messages retained, and live ones not', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('ret');
    await aedesPublish({ topic, payload: 'kept', qos: 1, retain: true });
    const { root } = await mount(html`<div></div>`);
    const el = document.createElement('mqtt-subscribe');
    el.topic = topic;
    const first = oneEvent(el, 'mqtt-message');
    const connection = document.createElement('mqtt-connection');
    connection.url = aedes.url;
    connection.clientId = uid('c');
    connection.append(el);
    root.append(connection);
    const retained = await first;
    expect(retained.detail.retained).to.equal(true);
    expect(retained.detail.value).to.equal('kept');
    expect(el.message!.retained).to.equal(true);
    await subscribed(el);
    const live = oneEvent(el, 'mqtt-message');
    await aedesPublish({ topic, payload: 'live' });
    expect((await live).detail.retained).to.equal(false);
    expect(el.message!.retained).to.equal(false);
    await aedesPublish({ topic, payload: '', retain: true }); // clears the retained message
  });

  it('goes idle → pending → subscribed, reflected as the status attribute', async () => {
    const { aedes } = await getBrokers();
    const el = document.createElement('mqtt-subscribe');
    el.topic = uid('s');
    expect(el.status).to.equal('idle');
    // Every value the attribute takes, in order: each record carries the value it replaced.
    const records: MutationRecord[] = [];
    const observer = new MutationObserver((list) => records.push(...list));
    observer.observe(el, { attributes: true, attributeFilter: ['status'], attributeOldValue: true });
    const connection = document.createElement('mqtt-connection');
    connection.url = aedes.url;
    connection.clientId = uid('c');
    connection.append(el);
    const { root } = await mount(html`<div></div>`);
    root.append(connection);
    await subscribed(el);
    records.push(...observer.takeRecords());
    observer.disconnect();
    const values = [...records.map((r) => r.oldValue), el.getAttribute('status')].filter(
      (v, i, all) => v !== null && v !== all[i - 1],
    );
    expect(values).to.deep.equal(['idle', 'pending', 'subscribed']);
  });

  it('reports a refused SUBSCRIBE as subscribe-denied with reasonCode 128', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `forbidden/${id}`;
    const { $, errors } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${topic}></mqtt-subscribe></mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await waitFor(() => el.status === 'error');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['subscribe-denied']);
    const error = el.error as Error & { code: string; reasonCode?: number };
    expect(error.code).to.equal('subscribe-denied');
    expect(error.reasonCode).to.equal(128);
    expect(el.getAttribute('status')).to.equal('error');
    expect(await subscribesAt(id, topic)).to.deep.equal([128]);
  });
});
