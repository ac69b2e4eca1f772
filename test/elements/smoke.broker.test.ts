import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement, MqttPublishElement } from '../../src/index.js';
import { getBrokers, uid, waitFor, aedesEvents } from '../support/brokers.js';

describe('smoke', () => {
  it('subscribe shows a value published by a publish element', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('smoke');
    const id = uid('c');
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic=${topic} format="json" path="v"></mqtt-subscribe>
        <mqtt-subscribe topic=${topic} format="json" path="v"></mqtt-subscribe>
        <mqtt-publish topic=${topic} payload='{"v": 42}'><button>go</button></mqtt-publish>
      </mqtt-connection>
    `);
    if (el.status !== 'connected') await oneEvent(el, 'mqtt-connect');
    const subs = el.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe');
    await waitFor(() => subs[0].status === 'subscribed');
    el.querySelector<MqttPublishElement>('mqtt-publish')!.querySelector('button')!.click();
    await oneEvent(subs[0], 'mqtt-message');
    await subs[0].updateComplete;
    expect(subs[0].value).to.equal(42);
    expect(subs[0].textContent).to.equal('42');
    expect(subs[0].getAttribute('status')).to.equal('subscribed');
    const subscribes = (await aedesEvents(id)).filter((e) => e.type === 'subscribe');
    expect(subscribes).to.have.length(1);
  });
});
