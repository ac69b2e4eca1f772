// <mqtt-publish> and the broker: QoS and retain, publish(), errors, offline queueing, and the
// a one-page example (a temperature and a lamp, as in the README's Usage) end to end.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import { aedesDisconnectClient, aedesEvents, aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import { brokerEvents, codesFrom, connected, mount, nextMessages, roundTrip, subscribed } from '../support/elements.js';

/** The error a promise rejected with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error & { code?: string }) => e,
  );
}

describe('<mqtt-publish> and the broker', () => {
  it('sends qos and retain; a later subscriber gets the retained message', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/state`;
    const { $, root } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-publish id="r1" topic=${topic} qos="1" retain payload="kept"><button>go</button></mqtt-publish>
        <mqtt-publish id="q2" topic="${topic}/2" qos="2"></mqtt-publish>
        <mqtt-publish id="q0" topic="${topic}/0"></mqtt-publish>
      </mqtt-connection>
    `);
    $('#r1 button').click();
    await waitFor(async () => (await brokerEvents(id, 'publish', topic)).length === 1);
    await $<MqttPublishElement>('#q2').publish('two');
    await $<MqttPublishElement>('#q0').publish('zero');
    await waitFor(async () => (await brokerEvents(id, 'publish', `${topic}/0`)).length === 1);
    await waitFor(async () => (await brokerEvents(id, 'publish', `${topic}/2`)).length === 1);
    const [retained] = await brokerEvents(id, 'publish', topic);
    expect(retained).to.include({ payload: 'kept', qos: 1, retain: true });
    expect((await brokerEvents(id, 'publish', `${topic}/2`))[0]).to.include({ payload: 'two', qos: 2, retain: false });
    expect((await brokerEvents(id, 'publish', `${topic}/0`))[0]).to.include({ payload: 'zero', qos: 0, retain: false });

    const later = document.createElement('mqtt-subscribe');
    later.topic = topic;
    const got = nextMessages(later);
    $('mqtt-connection').append(later);
    const [event] = await got;
    expect(event.detail).to.include({ value: 'kept', retained: true, topic });
    await aedesPublish({ topic, payload: '', retain: true }); // clears it
    expect(root.querySelectorAll('mqtt-subscribe')).to.have.length(1);
  });

  it('publish(payload?) resolves once done (QoS 1: acknowledged), with mqtt-published', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/p`;
    const { $, published } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-publish topic=${topic} qos="1" payload="default"></mqtt-publish>
      </mqtt-connection>
    `);
    const el = $<MqttPublishElement>('mqtt-publish');
    const done = el.publish();
    expect(published).to.have.length(0); // mqtt-published only once it completed
    await done;
    expect(published.map((e) => e.detail)).to.deep.equal([{ topic, payload: 'default' }]);
    await el.publish({ on: true, level: 3 });
    await el.publish(new Uint8Array([104, 105]));
    await el.publish(7);
    await waitFor(async () => (await brokerEvents(id, 'publish', topic)).length === 4);
    expect((await brokerEvents(id, 'publish', topic)).map((e) => e.payload)).to.deep.equal([
      'default',
      '{"on":true,"level":3}',
      'hi',
      '7',
    ]);
    expect(published[1].detail).to.deep.equal({ topic, payload: '{"on":true,"level":3}' });
    expect(Array.from(published[2].detail.payload as Uint8Array)).to.deep.equal([104, 105]);
  });

  it('invalid topics: invalid-topic from publish(), clicks and attribute changes, never thrown', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-publish topic="${id}/ok" payload="x"><button>go</button></mqtt-publish>
      </mqtt-connection>
    `);
    const el = $<MqttPublishElement>('mqtt-publish');
    await connected($<MqttConnectionElement>('mqtt-connection'));
    for (const topic of ['a/+', 'a/#', '', `${id}/+/x`]) {
      errors.length = 0;
      el.setAttribute('topic', topic); // must not throw
      await el.updateComplete;
      expect(codesFrom(errors, el), `attribute "${topic}"`).to.deep.equal(['invalid-topic']);
      expect((await rejection(el.publish('x'))).code).to.equal('invalid-topic');
      $('button').click();
      expect(codesFrom(errors, el)).to.deep.equal(['invalid-topic', 'invalid-topic', 'invalid-topic']);
      expect(el.error?.code).to.equal('invalid-topic');
    }
    el.removeAttribute('topic');
    await el.updateComplete;
    expect((await rejection(el.publish('x'))).code).to.equal('invalid-topic');
    await roundTrip($<MqttConnectionElement>('mqtt-connection'), `${id}/sync`);
    const published = (await aedesEvents(id)).filter((e) => e.type === 'publish' && !e.topic!.startsWith(`${id}/sync/`));
    expect(published).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });

  it('qos 3 is invalid-qos, from the attribute and from publish()', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-publish topic="${id}/q" qos="3" payload="x"><button>go</button></mqtt-publish>
      </mqtt-connection>
    `);
    const el = $<MqttPublishElement>('mqtt-publish');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-qos']);
    expect((await rejection(el.publish())).code).to.equal('invalid-qos');
    $('button').click();
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-qos', 'invalid-qos', 'invalid-qos']);
    el.setAttribute('qos', 'x');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.have.length(4);
    el.setAttribute('qos', '1');
    await el.publish();
    await waitFor(async () => (await brokerEvents(id, 'publish', `${id}/q`)).length > 0);
    expect((await brokerEvents(id, 'publish', `${id}/q`)).map((e) => e.qos)).to.deep.equal([1]);
    expect(uncaught).to.deep.equal([]);
  });

  it('with no connection: no-connection from publish() and from a click', async () => {
    const { $, errors, uncaught } = await mount(html`
      <mqtt-publish topic=${uid('t')} payload="x"><button>go</button></mqtt-publish>
    `);
    const el = $<MqttPublishElement>('mqtt-publish');
    $('button').click();
    await waitFor(() => errors.length === 1);
    expect(codesFrom(errors, el)).to.deep.equal(['no-connection']);
    expect((await rejection(el.publish())).code).to.equal('no-connection');
    expect(uncaught).to.deep.equal([]);
  });

  it('connection="id" publishes through a connection elsewhere in the page', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const connectionId = uid('conn');
    const { $ } = await mount(html`
      <mqtt-connection id=${connectionId} url=${aedes.url} client-id=${id}></mqtt-connection>
      <aside><mqtt-publish topic="${id}/by-id" qos="1" connection=${connectionId}></mqtt-publish></aside>
    `);
    await $<MqttPublishElement>('mqtt-publish').publish('via id');
    await waitFor(async () => (await brokerEvents(id, 'publish', `${id}/by-id`)).length > 0);
    expect((await brokerEvents(id, 'publish', `${id}/by-id`)).map((e) => e.payload)).to.deep.equal(['via id']);
  });

  it('queues publishes while the connection is down and sends them after the reconnect', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const topic = `${id}/offline`;
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id} reconnect-period="300">
        <mqtt-publish id="q0" topic="${topic}/0"></mqtt-publish>
        <mqtt-publish id="q1" topic="${topic}/1" qos="1"></mqtt-publish>
      </mqtt-connection>
    `);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await connected(connection);
    expect(await aedesDisconnectClient(id)).to.equal(true);
    await waitFor(() => connection.status !== 'connected');
    let resolvedAt = 0;
    const sent = Promise.all([
      $<MqttPublishElement>('#q0').publish('while down 0'),
      $<MqttPublishElement>('#q1').publish('while down 1'),
    ]).then(() => (resolvedAt = Date.now()));
    expect(connection.status).to.not.equal('connected');
    await sent;
    await waitFor(async () => (await brokerEvents(id, 'publish')).length === 2);
    const events = await aedesEvents(id);
    const reconnectedAt = events.filter((e) => e.type === 'client').at(-1)!.time;
    expect(events.filter((e) => e.type === 'client')).to.have.length(2);
    const publishes = events.filter((e) => e.type === 'publish');
    expect(publishes.map((e) => e.payload).sort()).to.deep.equal(['while down 0', 'while down 1']);
    for (const p of publishes) expect(p.time).to.be.at.least(reconnectedAt);
    // publish() resolved only once they were through (same machine, same clock as aedes).
    expect(resolvedAt).to.be.at.least(reconnectedAt);
  });

  it('runs a one-page example end to end (thermostat and lamp)', async () => {
    const { aedes } = await getBrokers();
    const id = uid('dash');
    const home = `${id}/home`;
    const { $, root } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        Temperature: <mqtt-subscribe topic="${home}/+/temperature" format="json" path="celsius"></mqtt-subscribe> °C

        <mqtt-subscribe topic="${home}/light/state" target="#lamp" property="checked" format="json"></mqtt-subscribe>
        <mqtt-publish topic="${home}/light/set" qos="1">
          <input id="lamp" type="checkbox" />
        </mqtt-publish>
      </mqtt-connection>
    `);
    const [temperature, state] = root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe');
    const lamp = $<HTMLInputElement>('#lamp');
    await subscribed(temperature, state);

    // The user switches the lamp on: the set topic gets `true` at QoS 1.
    lamp.click();
    await waitFor(async () => (await brokerEvents(id, 'publish', `${home}/light/set`)).length === 1);
    expect((await brokerEvents(id, 'publish', `${home}/light/set`))[0]).to.include({ payload: 'true', qos: 1 });

    // The device reports its state: the checkbox follows, without publishing again.
    let got = nextMessages(state);
    await aedesPublish({ topic: `${home}/light/state`, payload: 'false', qos: 1, retain: true });
    await got;
    await state.updateComplete;
    expect(lamp.checked).to.equal(false);
    got = nextMessages(state);
    await aedesPublish({ topic: `${home}/light/state`, payload: 'true', qos: 1, retain: true });
    await got;
    await state.updateComplete;
    expect(lamp.checked).to.equal(true);

    got = nextMessages(temperature);
    await aedesPublish({ topic: `${home}/kitchen/temperature`, payload: '{"celsius": 21.5, "rh": 40}' });
    await got;
    await temperature.updateComplete;
    expect(temperature.textContent).to.equal('21.5');
    expect($('mqtt-connection').textContent!.replace(/\s+/g, ' ')).to.contain('Temperature: 21.5 °C');

    await roundTrip($<MqttConnectionElement>('mqtt-connection'), `${id}/sync`);
    expect(await brokerEvents(id, 'publish', `${home}/light/set`)).to.have.length(1);
    await aedesPublish({ topic: `${home}/light/state`, payload: '', retain: true });
  });
});
