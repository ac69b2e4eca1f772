// <mqtt-publish status> against mosquitto (README, `<mqtt-publish>`: `status`): pending while the
// latest publish is queued offline or waits for its acknowledgement, sent once acknowledged, error
// when it failed.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement } from '../../src/index.js';
import { getBrokers, privateMosquitto, uid, waitFor } from '../support/brokers.js';
import { connected, mount } from '../support/mount.js';

/** Every value `status` took, in order (the attribute, as CSS sees it). */
function statuses(el: HTMLElement): string[] {
  const seen = [el.getAttribute('status') ?? ''];
  new MutationObserver(() => seen.push(el.getAttribute('status') ?? '')).observe(el, { attributes: true, attributeFilter: ['status'] });
  return seen;
}

describe('<mqtt-publish status> (mosquitto)', () => {
  it('is idle, then pending until the QoS 1 acknowledgement, then sent', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('ps');
    const { $ } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id}>
        <mqtt-publish topic="${id}/set" qos="1" payload="on"><button>on</button></mqtt-publish>
      </mqtt-connection>`);
    await connected($<MqttConnectionElement>('mqtt-connection'));
    const el = $<MqttPublishElement>('mqtt-publish');
    expect(el.getAttribute('status')).to.equal('idle');
    const seen = statuses(el);
    $('button').click();
    expect(el.status, 'at once, before the broker answered').to.equal('pending');
    await waitFor(() => el.status === 'sent');
    await waitFor(() => seen.at(-1) === 'sent');
    expect(seen).to.deep.equal(['idle', 'pending', 'sent']);
  });

  it('stays pending while queued offline, and becomes sent when the broker is back and acknowledges', async () => {
    const broker = await privateMosquitto();
    const id = uid('ps');
    const { $ } = await mount(html`
      <mqtt-connection url=${broker.url} client-id=${id} reconnect-period="100" reconnect-max="200">
        <mqtt-publish topic="${id}/set" qos="1" payload="on"><button>on</button></mqtt-publish>
      </mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await connected(connection);
    const el = $<MqttPublishElement>('mqtt-publish');
    const seen = statuses(el);
    let reconnects = 0;
    connection.addEventListener('mqtt-connect', () => reconnects++);
    const restarting = broker.restart();
    await waitFor(() => connection.status !== 'connected', { message: 'the connection noticed the broker go' });
    $('button').click();
    // Offline: queued by MQTT.js, not failed; sent only once the broker is back.
    expect(el.status).to.equal('pending');
    await restarting;
    await waitFor(() => el.status === 'sent', { timeout: 10000, message: 'sent after the broker came back' });
    // MQTT.js emits `connect` only once it has sent what it kept for the broker, so the PUBACK may
    // be handled first: `sent` can come just before `connected`.
    await waitFor(() => connection.status === 'connected', { message: 'connected again' });
    expect(reconnects, 'acknowledged over the new connection').to.equal(1);
    expect(seen.filter((s) => s !== 'idle')).to.deep.equal(['pending', 'sent']);
    expect(el.error).to.equal(undefined);
    await broker.stop();
  });

  it('is error when the publish fails, and only the latest publish sets it', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('ps');
    const { $ } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id}>
        <mqtt-publish topic="${id}/set" qos="1"></mqtt-publish>
      </mqtt-connection>`);
    await connected($<MqttConnectionElement>('mqtt-connection'));
    const el = $<MqttPublishElement>('mqtt-publish');
    const first = el.publish('a');
    el.topic = 'bad/+';
    await el.publish('b').catch(() => {});
    expect(el.status).to.equal('error');
    expect(el.error!.code).to.equal('invalid-topic');
    await first;
    expect(el.status, 'the earlier publish succeeding does not hide the later failure').to.equal('error');
  });
});
