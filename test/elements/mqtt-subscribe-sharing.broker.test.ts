// <mqtt-subscribe> sharing: one broker subscription per filter and connection, checked at the
// broker (aedes events, mosquitto's log); topic/qos changes and DOM moves.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, mosquittoLog, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { brokerEvents, mount, nextMessages, roundTrip, subscribed, subscribesAt, text } from '../support/elements.js';

/** How many UNSUBSCRIBE packets aedes saw from `clientId` for `filter`. */
async function unsubscribes(clientId: string, filter: string): Promise<number> {
  return (await brokerEvents(clientId, 'unsubscribe', filter)).length;
}

describe('<mqtt-subscribe> sharing one broker subscription', () => {
  it('aedes: 3 elements on one filter → one SUBSCRIBE at the highest QoS; the last one out → one UNSUBSCRIBE', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const filter = `${id}/+/v`;
    const { root, $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic=${filter}></mqtt-subscribe>
        <mqtt-subscribe topic=${filter} qos="2"></mqtt-subscribe>
        <mqtt-subscribe topic=${filter} qos="1"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const subs = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
    await subscribed(...subs);
    await roundTrip(connection, `${id}/sync`);
    expect(await subscribesAt(id, filter)).to.deep.equal([2]);

    // A late fourth element at a QoS already granted joins without a packet.
    const late = document.createElement('mqtt-subscribe');
    late.topic = filter;
    late.qos = 1;
    connection.append(late);
    await subscribed(late);
    await roundTrip(connection, `${id}/sync`);
    expect(await subscribesAt(id, filter)).to.deep.equal([2]);

    // Every element gets each message once.
    const all = [...subs, late];
    let got = Promise.all(all.map((el) => nextMessages(el)));
    await aedesPublish({ topic: `${id}/a/v`, payload: 'one', qos: 1 });
    for (const [event] of await got) expect(event.detail.value).to.equal('one');

    // Removing all but one: no UNSUBSCRIBE, and messages still reach the one left.
    subs[0].remove();
    subs[1].remove();
    late.remove();
    await roundTrip(connection, `${id}/sync`);
    expect(await unsubscribes(id, filter)).to.equal(0);
    got = Promise.all([nextMessages(subs[2])]);
    await aedesPublish({ topic: `${id}/b/v`, payload: 'two', qos: 1 });
    expect((await got)[0][0].detail.value).to.equal('two');
    expect(subs[0].value).to.equal('one');

    // The last one out: exactly one UNSUBSCRIBE.
    subs[2].remove();
    await waitFor(async () => (await unsubscribes(id, filter)) > 0, { message: 'UNSUBSCRIBE at aedes' });
    await roundTrip(connection, `${id}/sync`);
    expect(await unsubscribes(id, filter)).to.equal(1);
    expect(await subscribesAt(id, filter)).to.deep.equal([2]);
  });

  it('mosquitto: 3 elements on one filter → one SUBSCRIBE in its log, one UNSUBSCRIBE when all are gone', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('c');
    const filter = `${id}/#`;
    const { root, $ } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id}>
        <mqtt-subscribe topic=${filter} qos="1"></mqtt-subscribe>
        <mqtt-subscribe topic=${filter}></mqtt-subscribe>
        <mqtt-subscribe topic=${filter} qos="1"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const subs = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
    await subscribed(...subs);
    const got = Promise.all(subs.map((el) => nextMessages(el)));
    await mosquittoPub({ topic: `${id}/x`, payload: 'from outside', qos: 1 });
    for (const [event] of await got) expect(event.detail.value).to.equal('from outside');

    const subscribeLines = () => mosquittoLog(`Received SUBSCRIBE from ${id}`);
    const unsubscribeLines = () => mosquittoLog(`Received UNSUBSCRIBE from ${id}`);
    // mosquitto logs the granted filter and QoS on the line after "Received SUBSCRIBE".
    const log = await mosquittoLog();
    const at = log.findIndex((l) => l.includes(`Received SUBSCRIBE from ${id}`));
    expect(log[at + 1]).to.contain(`${filter} (QoS 1)`);
    subs[0].remove();
    subs[1].remove();
    // Round trip through mosquitto (its log is in order): anything sent before it is logged first.
    await roundTrip(connection, `${id}-sync`);
    expect(await unsubscribeLines()).to.have.length(0);
    subs[2].remove();
    await waitFor(async () => (await unsubscribeLines()).length > 0, { message: 'UNSUBSCRIBE in mosquitto log' });
    expect(await unsubscribeLines()).to.have.length(1);
    expect(await subscribeLines()).to.have.length(1);
  });

  it('a late element on a shared filter gets the retained message too, without a SUBSCRIBE', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/r`;
    await aedesPublish({ topic, payload: 'retained', qos: 1, retain: true });
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${topic}></mqtt-subscribe></mqtt-connection>
    `);
    const first = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(first);
    await waitFor(() => first.message?.retained === true);
    const late = document.createElement('mqtt-subscribe');
    late.topic = topic;
    const got = nextMessages(late);
    $('mqtt-connection').append(late);
    const [event] = await got;
    expect(event.detail).to.include({ topic, value: 'retained', retained: true });
    await subscribed(late);
    await late.updateComplete;
    expect(late.textContent).to.equal('retained');
    await roundTrip($<MqttConnectionElement>('mqtt-connection'), `${id}/sync`);
    expect(await subscribesAt(id, topic)).to.deep.equal([0]);
    await aedesPublish({ topic, payload: '', retain: true });
  });

  it('changing topic moves the subscription: UNSUBSCRIBE old, SUBSCRIBE new, messages from the new topic only', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const [a, b] = [`${id}/a`, `${id}/b`];
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${a}></mqtt-subscribe></mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    el.setAttribute('topic', b);
    await subscribed(el);
    await waitFor(async () => (await unsubscribes(id, a)) === 1, { message: `UNSUBSCRIBE ${a}` });
    expect(await subscribesAt(id, b)).to.deep.equal([0]);
    const seen: string[] = [];
    el.addEventListener('mqtt-message', (e) => seen.push(e.detail.topic));
    const got = nextMessages(el);
    await aedesPublish({ topic: a, payload: 'old', qos: 1 });
    await aedesPublish({ topic: b, payload: 'new', qos: 1 });
    await got;
    expect(seen).to.deep.equal([b]);
    expect(el.value).to.equal('new');
    expect(await subscribesAt(id, a)).to.deep.equal([0]);
  });

  it('changing qos re-subscribes at the new QoS, up and down', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/q`;
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${topic}></mqtt-subscribe></mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    const qosOfNext = async () => {
      const got = nextMessages(el);
      await aedesPublish({ topic, payload: 'x', qos: 2 });
      return (await got)[0].detail.qos;
    };
    expect(await qosOfNext()).to.equal(0);
    el.setAttribute('qos', '2');
    await waitFor(async () => (await subscribesAt(id, topic)).length === 2, { message: 'second SUBSCRIBE' });
    await subscribed(el);
    expect(await subscribesAt(id, topic)).to.deep.equal([0, 2]);
    expect(await qosOfNext()).to.equal(2);
    el.setAttribute('qos', '1');
    await waitFor(async () => (await subscribesAt(id, topic)).length === 3, { message: 'third SUBSCRIBE' });
    await subscribed(el);
    expect(await subscribesAt(id, topic)).to.deep.equal([0, 2, 1]);
    expect(await qosOfNext()).to.equal(1);
    expect(await unsubscribes(id, topic)).to.equal(0);
  });

  it('a DOM move (remove and re-insert in one task) sends no UNSUBSCRIBE and no SUBSCRIBE', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/m`;
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <section id="from"><mqtt-subscribe topic=${topic} history="3"></mqtt-subscribe></section>
        <section id="to"></section>
      </mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await subscribed(el);
    let got = nextMessages(el);
    await aedesPublish({ topic, payload: 'before', qos: 1 });
    await got;
    await el.updateComplete; // nothing pending: the move below starts from a settled element
    const events: string[] = [];
    el.addEventListener('mqtt-message', (e) => events.push(text(e.detail.payload)));

    el.remove();
    $('#to').append(el);
    $('#from').append(el); // and once more, with append's own implicit remove
    await el.updateComplete;
    await roundTrip(connection, `${id}/sync`);
    expect(await unsubscribes(id, topic)).to.equal(0);
    expect(await subscribesAt(id, topic)).to.deep.equal([0]);
    expect(el.status).to.equal('subscribed');

    got = nextMessages(el);
    await aedesPublish({ topic, payload: 'after', qos: 1 });
    await got;
    // Nothing replayed by the move: the element had 'before' and now has 'after', once each.
    expect(events).to.deep.equal(['after']);
    expect(el.messages.map((m) => text(m.payload))).to.deep.equal(['before', 'after']);
  });

  it('a topic changed while detached counts when it is re-inserted in the same task', async () => {
    // The element keeps its subscription across a DOM move; an update that ran while it was out
    // of the document must still move the subscription once it is back.
    const { aedes } = await getBrokers();
    const id = uid('c');
    const [a, b] = [`${id}/a`, `${id}/b`];
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}><mqtt-subscribe topic=${a}></mqtt-subscribe></mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await subscribed(el);
    el.remove();
    el.topic = b;
    await el.updateComplete; // the update runs while detached (a microtask: still the same task)
    connection.append(el);
    await el.updateComplete;
    await waitFor(async () => (await subscribesAt(id, b)).length === 1, { message: `SUBSCRIBE ${b}` });
    await subscribed(el);
    const got = nextMessages(el);
    await aedesPublish({ topic: b, payload: 'new', qos: 1 });
    await got;
    expect(el.value).to.equal('new');
  });

  it('moved under another connection, it moves its subscription there', async () => {
    const { aedes } = await getBrokers();
    const [id1, id2] = [uid('c'), uid('c')];
    const topic = uid('mv');
    const { $ } = await mount(html`
      <mqtt-connection id="one" url=${aedes.url} client-id=${id1}><mqtt-subscribe topic=${topic}></mqtt-subscribe></mqtt-connection>
      <mqtt-connection id="two" url=${aedes.url} client-id=${id2}></mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    $('#two').append(el);
    await waitFor(async () => (await subscribesAt(id2, topic)).length === 1, { message: 'SUBSCRIBE on two' });
    await waitFor(async () => (await unsubscribes(id1, topic)) === 1, { message: 'UNSUBSCRIBE on one' });
    await subscribed(el);
    const got = nextMessages(el);
    await aedesPublish({ topic, payload: 'via two', qos: 1 });
    expect((await got)[0].detail.value).to.equal('via two');
  });
});
