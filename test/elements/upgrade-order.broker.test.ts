// Elements that upgrade before their <mqtt-connection> (its tag defined later, as with a lazily
// loaded component library) still find it once it upgrades.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import { MqttConnectionElement, type MqttPublishElement, type MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import { brokerEvents, codesFrom, mount, nextMessages, subscribed } from '../support/elements.js';

/** A fresh tag per test: a custom element name can be defined only once per page. */
const lateTag = () => `late-connection-${uid('x')}`;

async function mountLate(tag: string, url: string, clientId: string, topic: string) {
  const mounted = await mount(html``);
  // innerHTML, not a template: the connection's tag must stay unknown while its children upgrade.
  mounted.root.innerHTML = `
    <${tag} url="${url}" client-id="${clientId}">
      <mqtt-subscribe topic="${topic}"></mqtt-subscribe>
      <mqtt-publish topic="${topic}/cmd" payload="pressed"><button>go</button></mqtt-publish>
    </${tag}>`;
  const sub = mounted.$<MqttSubscribeElement>('mqtt-subscribe');
  const pub = mounted.$<MqttPublishElement>('mqtt-publish');
  expect(sub).to.be.instanceOf(customElements.get('mqtt-subscribe')!); // upgraded already
  return { ...mounted, sub, pub };
}

async function works(sub: MqttSubscribeElement, pub: MqttPublishElement, clientId: string, topic: string) {
  await subscribed(sub);
  const got = nextMessages(sub);
  await aedesPublish({ topic, payload: 'late but fine', qos: 1 });
  expect((await got)[0].detail.value).to.equal('late but fine');
  pub.querySelector('button')!.click();
  await waitFor(async () => (await brokerEvents(clientId, 'publish', `${topic}/cmd`)).length === 1);
}

describe('upgrade order', () => {
  it('children upgraded before their connection work once it is defined (same task)', async () => {
    const { aedes } = await getBrokers();
    const tag = lateTag();
    const id = uid('c');
    const topic = `${id}/t`;
    const { sub, pub, errors, uncaught } = await mountLate(tag, aedes.url, id, topic);
    customElements.define(tag, class extends MqttConnectionElement {});
    await works(sub, pub, id, topic);
    expect(errors.map((e) => e.detail.error.code)).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });

  it('children that already reported no-connection recover when their connection is defined', async () => {
    const { aedes } = await getBrokers();
    const tag = lateTag();
    const id = uid('c');
    const topic = `${id}/t`;
    const { sub, pub, errors } = await mountLate(tag, aedes.url, id, topic);
    await waitFor(() => sub.status === 'error');
    expect(codesFrom(errors, sub)).to.deep.equal(['no-connection']);
    customElements.define(tag, class extends MqttConnectionElement {});
    await works(sub, pub, id, topic);
    expect(sub.getAttribute('status')).to.equal('subscribed');
  });
});
