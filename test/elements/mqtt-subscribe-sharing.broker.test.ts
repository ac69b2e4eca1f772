// <mqtt-subscribe> sharing: one broker subscription per filter and connection, checked at the
// broker (aedes events, mosquitto's log); topic/qos changes and DOM moves.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import {
  BROKER_NAMES,
  brokerUnderTest,
  mount,
  mountSubscribed,
  nextMessages,
  roundTrip,
  subscribed,
  subscribesAt,
  text,
  unsubscribesAt as unsubscribes,
} from '../support/elements.js';

describe('<mqtt-subscribe> sharing one broker subscription', () => {
  for (const name of BROKER_NAMES) {
    it(`3 elements on one filter → one SUBSCRIBE at the highest QoS; the last one out → one UNSUBSCRIBE (${name})`, async () => {
      const broker = await brokerUnderTest(name);
      const id = uid('c');
      const filter = `${id}/+/v`;
      const { root, $ } = await mount(html`
        <mqtt-connection url=${broker.url} client-id=${id}>
          <mqtt-subscribe topic=${filter}></mqtt-subscribe>
          <mqtt-subscribe topic=${filter} qos="2"></mqtt-subscribe>
          <mqtt-subscribe topic=${filter} qos="1"></mqtt-subscribe>
        </mqtt-connection>
      `);
      const connection = $<MqttConnectionElement>('mqtt-connection');
      const subs = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
      await subscribed(...subs);
      await roundTrip(connection, `${id}/sync`);
      expect(await broker.subscribes(id, filter)).to.deep.equal([2]);

      // A late fourth element at a QoS already granted joins without a packet.
      const late = document.createElement('mqtt-subscribe');
      late.topic = filter;
      late.qos = 1;
      connection.append(late);
      await subscribed(late);
      await roundTrip(connection, `${id}/sync`);
      expect(await broker.subscribes(id, filter)).to.deep.equal([2]);

      // Every element gets the message, from a peer outside the page.
      const all = [...subs, late];
      let got = Promise.all(all.map((el) => nextMessages(el)));
      await broker.publish({ topic: `${id}/a/v`, payload: 'one', qos: 1 });
      for (const [event] of await got) expect(event.detail.value).to.equal('one');

      // Removing all but one: no UNSUBSCRIBE, and messages still reach the one left.
      subs[0].remove();
      subs[1].remove();
      late.remove();
      await roundTrip(connection, `${id}/sync`);
      expect(await broker.unsubscribes(id, filter)).to.equal(0);
      got = Promise.all([nextMessages(subs[2])]);
      await broker.publish({ topic: `${id}/b/v`, payload: 'two', qos: 1 });
      expect((await got)[0][0].detail.value).to.equal('two');
      expect(subs[0].value).to.equal('one');

      // The last one out: exactly one UNSUBSCRIBE.
      subs[2].remove();
      await waitFor(async () => (await broker.unsubscribes(id, filter)) > 0, { message: `UNSUBSCRIBE at ${name}` });
      await roundTrip(connection, `${id}/sync`);
      expect(await broker.unsubscribes(id, filter)).to.equal(1);
      expect(await broker.subscribes(id, filter)).to.deep.equal([2]);
    });
  }

  it('a late element on a shared filter gets the retained message too, without a SUBSCRIBE', async () => {
    const topic = uid('r');
    await aedesPublish({ topic, payload: 'retained', qos: 1, retain: true });
    const { el: first, connection, id } = await mountSubscribed({ topic });
    await waitFor(() => first.message?.retained === true);
    const late = document.createElement('mqtt-subscribe');
    late.topic = topic;
    const got = nextMessages(late);
    connection.append(late);
    const [event] = await got;
    expect(event.detail).to.include({ topic, value: 'retained', retained: true });
    await subscribed(late);
    await late.updateComplete;
    expect(late.textContent).to.equal('retained');
    await roundTrip(connection, `${id}/sync`);
    expect(await subscribesAt(id, topic)).to.deep.equal([0]);
    await aedesPublish({ topic, payload: '', retain: true });
  });

  it('changing topic moves the subscription: UNSUBSCRIBE old, SUBSCRIBE new, messages from the new topic only', async () => {
    const { el, id, topic: a } = await mountSubscribed();
    const b = `${id}/b`;
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
    const { el, id, topic } = await mountSubscribed();
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
    const { el, connection, id } = await mountSubscribed();
    const b = `${id}/b`;
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
