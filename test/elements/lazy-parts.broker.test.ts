// The parts that load on first use (issue 21: `shared`, store="indexeddb", rows from a
// <template>, request/response) while their code is still on its way: load-part.ts's
// `partsHeld` holds every part's arrival as a slow network would. Messages that come meanwhile are
// kept and shown in order; an element removed or a connection disconnected before the code
// arrives never connects or subscribes afterwards. Against aedes, whose view of clients and
// subscriptions is the proof (mosquitto for MQTT 5's request/response).
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttStatusEvent, MqttSubscribeElement } from '../../src/index.js';
import { partsHeld } from '../../src/core/load-part.js';
import { aedesClients, aedesEvents, aedesPublish, getBrokers, subscribesAt, uid, unsubscribesAt, waitFor } from '../support/brokers.js';
import { connected, mount, nextMessages, subscribed } from '../support/mount.js';
import { loadConnectionParts } from '../support/connection-parts.js';

// Their connections connect while a test holds every part's arrival (support/connection-parts.ts).
before(() => loadConnectionParts());

/** Holds every lazy part's arrival until `release()`. */
function holdParts(): () => void {
  let release!: () => void;
  partsHeld.until = new Promise<void>((resolve) => (release = resolve));
  return () => {
    partsHeld.until = undefined;
    release();
  };
}

let release = () => {};
afterEach(() => release());

/** A second connection like the first that connects: once it has, every part held before has arrived. */
async function control(attributes: 'shared' | 'store'): Promise<void> {
  const { aedes } = await getBrokers();
  const { $ } = await mount(
    attributes === 'shared'
      ? html`<mqtt-connection shared url=${aedes.url} client-id=${uid('control')}></mqtt-connection>`
      : html`<mqtt-connection store="indexeddb" url=${aedes.url} client-id=${uid('control')}></mqtt-connection>`,
  );
  await connected($<MqttConnectionElement>('mqtt-connection'));
}

describe('parts loaded on first use, while their code is on its way', () => {
  it('rows from a <template>: messages that came meanwhile are shown in order, as if the code had been there', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyrows');
    release = holdParts();
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic="${id}/+" format="json" path="c" decimals="1">
          <template><p><b data-topic-level="1"></b>=<span data-value></span></p></template>
        </mqtt-subscribe>
      </mqtt-connection>`);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    const arrived = nextMessages(el, 6);
    // a, b, a again (a moves behind b), x cleared before it had a row, b cleared, d: a and d stay.
    for (const [topic, payload] of [['a', '{"c":1}'], ['b', '{"c":2}'], ['a', '{"c":3}'], ['x', ''], ['b', ''], ['d', '{"c":4}']]) {
      await aedesPublish({ topic: `${id}/${topic}`, payload: payload!, qos: 1 });
    }
    const events = await arrived;
    expect(events.map((e) => e.detail.topic), 'every message fired, in order, while the code was held').to.deep.equal(
      ['a', 'b', 'a', 'x', 'b', 'd'].map((t) => `${id}/${t}`),
    );
    await el.updateComplete;
    expect(el.querySelectorAll('p').length, 'no row before the code arrived').to.equal(0);
    expect(el.value).to.equal(4);

    release();
    const shown = () => [...el.querySelectorAll('p')].map((p) => p.textContent);
    await waitFor(() => shown().length === 2, { message: 'the rows once the code arrived' });
    expect(shown()).to.deep.equal(['a=3.0', 'd=4.0']);
    await aedesPublish({ topic: `${id}/e`, payload: '{"c":5}', qos: 1 });
    await waitFor(() => shown().length === 3);
    expect(shown(), 'a later message: the next row, after the others').to.deep.equal(['a=3.0', 'd=4.0', 'e=5.0']);
    expect(el.error).to.equal(undefined);
  });

  it('rows: a <mqtt-subscribe> removed before the code arrives does not subscribe again; its rows are what they would have been', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyrows-gone');
    release = holdParts();
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe id="gone" topic="${id}/gone/+"><template><p data-value></p></template></mqtt-subscribe>
        <mqtt-subscribe id="stays" topic="${id}/stays/+"><template><p data-value></p></template></mqtt-subscribe>
      </mqtt-connection>`);
    const gone = $<MqttSubscribeElement>('#gone');
    const stays = $<MqttSubscribeElement>('#stays');
    await subscribed(gone, stays);
    await aedesPublish({ topic: `${id}/gone/1`, payload: 'early', qos: 1 });
    await waitFor(() => gone.value === 'early');
    gone.remove();
    await waitFor(async () => (await unsubscribesAt(id, `${id}/gone/+`)) === 1, { message: 'released after the removal' });

    release();
    await aedesPublish({ topic: `${id}/stays/1`, payload: 'later', qos: 1 });
    await waitFor(() => stays.querySelector('p')?.textContent === 'later', { message: 'the code arrived: the other element shows its row' });
    await gone.updateComplete;
    // As when the code was there: the row of the message before the removal (a removal clears no rows).
    expect([...gone.querySelectorAll('p')].map((p) => p.textContent)).to.deep.equal(['early']);
    expect(await subscribesAt(id, `${id}/gone/+`), 'one SUBSCRIBE, none after the code arrived').to.have.length(1);
    expect(await unsubscribesAt(id, `${id}/gone/+`)).to.equal(1);
  });

  it('shared: disconnect() while the code loads: closed, and nothing joins or connects when it arrives', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyshared');
    release = holdParts();
    const { $ } = await mount(html`<mqtt-connection manual shared url=${aedes.url} client-id=${id}></mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const statuses: string[] = [];
    connection.addEventListener('mqtt-status', (e: MqttStatusEvent) => statuses.push(e.detail.status));
    connection.connect();
    expect(connection.status, 'connecting at once, as before the code loaded lazily').to.equal('connecting');
    await connection.disconnect();
    expect(connection.status).to.equal('closed');

    release();
    await control('shared');
    expect(statuses).to.deep.equal(['connecting', 'closed']);
    expect(connection.status).to.equal('closed');
    expect(connection.client).to.equal(undefined);
    expect(await aedesClients()).not.to.include(id);
  });

  it('shared: a <mqtt-connection> removed while the code loads never connects', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyshared-gone');
    release = holdParts();
    const { $ } = await mount(html`<mqtt-connection shared url=${aedes.url} client-id=${id}></mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    expect(connection.status).to.equal('connecting');
    connection.remove();
    await waitFor(() => connection.status === 'closed', { message: 'closed after a lasting removal' });

    release();
    await control('shared');
    expect(connection.status).to.equal('closed');
    expect(connection.client).to.equal(undefined);
    expect(await aedesClients()).not.to.include(id);
  });

  it('shared: a publish made while the code loads waits for it, then goes out and is answered', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyshared-pub');
    release = holdParts();
    const { $ } = await mount(html`
      <mqtt-connection shared url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic="${id}/t"></mqtt-subscribe>
      </mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    let settled = false;
    // Retained: the subscription may reach the broker after the publish, which went first.
    const published = connection.publish(`${id}/t`, 'sent while loading', { qos: 1, retain: true }).finally(() => (settled = true));
    expect(connection.status).to.equal('connecting');

    const arrived = nextMessages(el);
    release();
    await published;
    expect(settled).to.equal(true);
    expect((await arrived)[0]!.detail.value).to.equal('sent while loading');
    expect(connection.status).to.equal('connected');
  });

  it('shared: two connections of one group, a publish from each made while the code loads: one leads, both publishes are answered, one CONNECT', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazyshared-two');
    release = holdParts();
    const { $ } = await mount(html`
      <mqtt-connection id="one" shared url=${aedes.url} client-id=${id}><mqtt-subscribe topic="${id}/t" history="2"></mqtt-subscribe></mqtt-connection>
      <mqtt-connection id="two" shared url=${aedes.url} client-id=${id}></mqtt-connection>`);
    const one = $<MqttConnectionElement>('#one');
    const two = $<MqttConnectionElement>('#two');
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    const sent = [one.publish(`${id}/t`, 'from one', { qos: 1 }), two.publish(`${id}/t`, 'from two', { qos: 1 })];
    expect([one.status, two.status]).to.deep.equal(['connecting', 'connecting']);

    release();
    await Promise.all(sent);
    await Promise.all([connected(one), connected(two)]);
    expect(await aedesClients()).to.include(id);
    const connects = (await aedesEvents(id)).filter((e) => e.type === 'client').length;
    expect(connects, 'one broker connection for the two').to.equal(1);
    await subscribed(el);
    await two.publish(`${id}/t`, 'after', { qos: 1 });
    await waitFor(() => el.messages.some((m) => new TextDecoder().decode(m.payload) === 'after'));
  });

  it('store="indexeddb": a <mqtt-connection> removed while the store loads never connects', async () => {
    const { aedes } = await getBrokers();
    const id = uid('lazystore');
    release = holdParts();
    const { $ } = await mount(html`<mqtt-connection store="indexeddb" url=${aedes.url} client-id=${id}></mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    expect(connection.status).to.equal('connecting');
    connection.remove();
    await waitFor(() => connection.status === 'closed', { message: 'closed after a lasting removal' });

    release();
    await control('store');
    expect(connection.status).to.equal('closed');
    expect(connection.client).to.equal(undefined);
    expect(await aedesClients()).not.to.include(id);
  });

  it('request/response: a request made while its code loads is answered, and mqtt-response follows the reply', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('lazyreq');
    release = holdParts();
    const { $ } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id} protocol-version="5">
        <mqtt-publish topic="${id}/ask" expect-response format="json"></mqtt-publish>
        <mqtt-subscribe topic="${id}/ask"></mqtt-subscribe>
      </mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await connected(connection);
    const asks = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(asks);
    // The responder: answers each request on its response topic with its correlation data.
    asks.addEventListener('mqtt-message', (e) => {
      const { responseTopic, correlationData } = e.detail.properties ?? {};
      if (responseTopic) void connection.publish(responseTopic, '{"ok":true}', { properties: { correlationData } });
    });
    const pub = $<MqttPublishElement>('mqtt-publish');
    const order: string[] = [];
    pub.addEventListener('mqtt-response', () => order.push('mqtt-response'));
    const reply = pub.request('{}').then((value) => (order.push('resolved'), value));
    await pub.updateComplete;
    expect(pub.getAttribute('status')).to.equal('pending');

    release();
    expect(await reply).to.deep.equal({ ok: true });
    expect(order).to.deep.equal(['mqtt-response', 'resolved']);
    expect(pub.getAttribute('status')).to.equal('sent');
  });
});
