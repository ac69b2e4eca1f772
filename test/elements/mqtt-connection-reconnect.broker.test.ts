// `<mqtt-connection>.client.reconnect()` (README: the `client` property is the MQTT.js client)
// against aedes: the connection takes MQTT.js's reconnect timer over (transport/mqtt-internals.ts),
// and a page's own call of the public reconnect() must still reconnect at once.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement } from '../../src/index.js';
import { getBrokers, uid } from '../support/brokers.js';
import { record, untilAedes, untilConnects, untilStatus } from './connection-helpers.js';

describe('<mqtt-connection>: client.reconnect()', () => {
  it('reconnects a connected client at once: a second CONNECT reaches aedes, and the status is connected again', async () => {
    const { aedes } = await getBrokers();
    const id = uid('rc');
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} client-id=${id}></mqtt-connection>`);
    const rec = record(el);
    await untilStatus(el, 'connected');
    await untilAedes(id, 'client', 1);
    el.client!.reconnect();
    await untilAedes(id, 'client', 2);
    await untilConnects(rec, 1);
    await untilStatus(el, 'connected');
    expect(rec.errors, 'no error on the way').to.deep.equal([]);
    await el.disconnect();
  });

  it('reconnects a client the page ended itself', async () => {
    const { aedes } = await getBrokers();
    const id = uid('rc');
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} client-id=${id}></mqtt-connection>`);
    await untilStatus(el, 'connected');
    const client = el.client!;
    client.end();
    await untilStatus(el, 'closed');
    client.reconnect();
    await untilAedes(id, 'client', 2);
    await untilStatus(el, 'connected');
    expect(el.client).to.equal(client);
    await el.disconnect();
  });
});
