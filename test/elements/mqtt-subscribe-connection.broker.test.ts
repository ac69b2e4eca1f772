// How <mqtt-subscribe> finds its connection: the nearest ancestor, connection="id", or none.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import { brokerEvents, codesFrom, mount, mountSubscribed, nextMessages, subscribed, subscribesAt } from '../support/elements.js';

describe('<mqtt-subscribe> connection lookup', () => {
  it('connection="id" uses a connection outside its subtree', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const connectionId = uid('conn');
    const topic = `${id}/t`;
    const { $ } = await mount(html`
      <mqtt-connection id=${connectionId} url=${aedes.url} client-id=${id}></mqtt-connection>
      <section><mqtt-subscribe topic=${topic} connection=${connectionId}></mqtt-subscribe></section>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    expect(await subscribesAt(id, topic)).to.deep.equal([0]);
    const got = nextMessages(el);
    await aedesPublish({ topic, payload: 'by id', qos: 1 });
    expect((await got)[0].detail.value).to.equal('by id');
  });

  it('connection="id" wins over the nearest ancestor', async () => {
    const { aedes } = await getBrokers();
    const [outer, named] = [uid('c'), uid('c')];
    const connectionId = uid('conn');
    const topic = uid('t');
    const { $ } = await mount(html`
      <mqtt-connection id=${connectionId} url=${aedes.url} client-id=${named}></mqtt-connection>
      <mqtt-connection url=${aedes.url} client-id=${outer}>
        <mqtt-subscribe topic=${topic} connection=${connectionId}></mqtt-subscribe>
      </mqtt-connection>
    `);
    await subscribed($<MqttSubscribeElement>('mqtt-subscribe'));
    expect(await subscribesAt(named, topic)).to.deep.equal([0]);
    expect(await subscribesAt(outer, topic)).to.deep.equal([]);
  });

  it('with no connection at all: no-connection error, status error, nothing thrown', async () => {
    const { errors, uncaught, $ } = await mount(html`
      <mqtt-subscribe id="none" topic=${uid('t')}></mqtt-subscribe>
      <mqtt-subscribe id="bad-id" topic=${uid('t')} connection="no-such-connection"></mqtt-subscribe>
    `);
    const none = $<MqttSubscribeElement>('#none');
    const badId = $<MqttSubscribeElement>('#bad-id');
    await waitFor(() => none.status === 'error' && badId.status === 'error');
    await Promise.all([none.updateComplete, badId.updateComplete]);
    expect(codesFrom(errors, none)).to.deep.equal(['no-connection']);
    expect(codesFrom(errors, badId)).to.deep.equal(['no-connection']);
    expect(none.getAttribute('status')).to.equal('error');
    expect(badId.getAttribute('status')).to.equal('error');
    expect(none.error?.code).to.equal('no-connection');
    expect(uncaught).to.deep.equal([]);
  });

  it('moved out of its connection: lets go of the subscription and reports no-connection', async () => {
    const { el, id, topic, root, errors } = await mountSubscribed();
    const outside = document.createElement('section');
    root.append(outside);
    outside.append(el);
    await waitFor(() => el.status === 'error', { message: `status error, is ${el.status}` });
    expect(codesFrom(errors, el)).to.deep.equal(['no-connection']);
    await waitFor(async () => (await brokerEvents(id, 'unsubscribe', topic)).length === 1, { message: 'UNSUBSCRIBE' });
  });
});
