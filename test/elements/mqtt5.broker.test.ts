// MQTT 5 (protocol-version="5") against mosquitto: PUBLISH properties from <mqtt-publish>
// attributes arrive as message.properties on <mqtt-subscribe>, and subscription options work.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import { getBrokers, uid } from '../support/brokers.js';
import { connected, mount, nextMessages, subscribed, text } from '../support/elements.js';

describe('MQTT 5 with protocol-version="5" (mosquitto)', () => {
  it('publish properties arrive as message.properties and in the mqtt-message detail', async () => {
    const { mosquitto } = await getBrokers();
    const topic = uid('v5');
    const { $, errors } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${uid('v5')} protocol-version="5" session-expiry="30" receive-maximum="100">
        <mqtt-subscribe topic=${topic} format="json"></mqtt-subscribe>
        <mqtt-publish
          topic=${topic}
          qos="1"
          payload='{"on":true}'
          content-type="application/json"
          message-expiry="60"
          user-properties='{"site":"lab","unit":"C"}'
          response-topic=${`${topic}/reply`}
          correlation-data="req-1"
        ></mqtt-publish>
      </mqtt-connection>
    `);
    const sub = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(sub);
    const arrived = nextMessages(sub);
    await $<MqttPublishElement>('mqtt-publish').publish();
    const [event] = await arrived;
    expect(sub.value).to.deep.equal({ on: true });
    const properties = sub.message!.properties!;
    expect(properties.contentType).to.equal('application/json');
    expect(properties.userProperties).to.deep.equal({ site: 'lab', unit: 'C' });
    expect(properties.responseTopic).to.equal(`${topic}/reply`);
    expect(text(properties.correlationData as Uint8Array)).to.equal('req-1');
    expect(properties.messageExpiryInterval).to.be.a('number').within(1, 60);
    expect(event.detail.properties).to.equal(properties);
    expect(errors).to.deep.equal([]);
  });

  it('no-local: a client does not receive its own publishes (checked against a second element without it)', async () => {
    const { mosquitto } = await getBrokers();
    const topic = uid('nl');
    const id = uid('nl');
    const { $ } = await mount(html`
      <mqtt-connection id="a" url=${mosquitto.url} client-id=${id} protocol-version="5">
        <mqtt-subscribe id="local" topic=${topic} no-local></mqtt-subscribe>
        <mqtt-publish topic=${topic} qos="1"></mqtt-publish>
      </mqtt-connection>
      <mqtt-connection url=${mosquitto.url} client-id=${uid('nl-peer')} protocol-version="5">
        <mqtt-subscribe id="peer" topic=${topic}></mqtt-subscribe>
        <mqtt-publish id="peer-pub" topic=${topic} qos="1"></mqtt-publish>
      </mqtt-connection>
    `);
    const local = $<MqttSubscribeElement>('#local');
    const peer = $<MqttSubscribeElement>('#peer');
    await connected($<MqttConnectionElement>('#a'));
    await subscribed(local, peer);
    const peerGot = nextMessages(peer);
    await $<MqttPublishElement>('#a mqtt-publish').publish('own');
    await peerGot;
    // mosquitto delivers in order: once the peer's later message reached `local`, our own
    // earlier one would have too, had no-local not kept it away.
    const localGot = nextMessages(local);
    await $<MqttPublishElement>('#peer-pub').publish('peer');
    await localGot;
    expect(local.messages.map((m) => text(m.payload))).to.deep.equal(['peer']);
    expect(peer.value).to.equal('peer');
  });
});
