// The first hour in the field (issue 8): mistakes diagnosed in words, and a client id that two
// connections share stops one of them instead of a takeover loop. Real brokers, real sockets.
import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import '../../src/define.js';
import { getBrokers, mosquittoLog, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { record, untilStatus } from './connection-helpers.js';

const CONSOLE = "The browser console shows the browser's own reason.";

describe('<mqtt-connection>: diagnosis of the common mistakes', () => {
  for (const [url, says] of [
    ['localhost:8083/mqtt', 'has no scheme: write ws://localhost:8083/mqtt'],
    ['127.0.0.1:8083/mqtt', 'has no scheme: write ws://127.0.0.1:8083/mqtt'],
    ['mqtt://localhost:1883', 'MQTT over TCP, which browsers cannot open'],
    ['tcp://localhost:1883', 'MQTT over TCP, which browsers cannot open'],
  ] as const) {
    it(`url="${url}": status error, invalid-url that says what to write`, async () => {
      const el = fixtureSync<MqttConnectionElement>(html`<mqtt-connection url=${url}></mqtt-connection>`);
      const rec = record(el);
      await untilStatus(el, 'error');
      expect(rec.errors.map((e) => e.code)).to.deep.equal(['invalid-url']);
      expect(el.error!.message).to.contain(`url "${url}"`);
      expect(el.error!.message).to.contain(says);
      expect(el.client).to.equal(undefined);
    });
  }

  it('nothing listening there: connecting → error at once, naming the URL, the path and the console', async () => {
    const url = 'ws://127.0.0.1:9/mqtt';
    const el = fixtureSync<MqttConnectionElement>(html`<mqtt-connection url=${url} reconnect-period="0"></mqtt-connection>`);
    const rec = record(el);
    const started = performance.now();
    await untilStatus(el, 'error', 3000);
    expect(performance.now() - started).to.be.below(1000);
    expect(rec.statuses).to.deep.equal(['connecting', 'error']);
    expect(el.error!.code).to.equal('connection-failed');
    expect(el.error!.message).to.contain(`could not connect to ${url}: the WebSocket did not open`);
    expect(el.error!.message).to.contain('the path is the one it serves');
    expect(el.error!.message).to.contain(CONSOLE);
  });

  it("MQTT's TCP port given to ws:// is named as such", async () => {
    // Nothing listens on 127.0.0.1:1883 here; the diagnosis comes from the URL and the failed socket.
    const el = fixtureSync<MqttConnectionElement>(html`<mqtt-connection url="ws://127.0.0.1:1883/mqtt" reconnect-period="0"></mqtt-connection>`);
    await untilStatus(el, 'error', 5000);
    expect(el.error!.code).to.equal('connection-failed');
    expect(el.error!.message).to.contain("port 1883 is MQTT's TCP port, which a browser cannot use");
  });
});

describe('<mqtt-connection>: one client id, two connections (client-id-in-use)', () => {
  it('the older one stops and says so, the newer stays connected and receives; no takeover loop', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('dash');
    const topic = `${id}/t`;
    const first = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${mosquitto.url} client-id=${id} reconnect-period="200"></mqtt-connection>`);
    await untilStatus(first, 'connected');
    const rec = record(first);
    const second = await fixture<MqttConnectionElement>(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id} reconnect-period="200">
        <mqtt-subscribe topic=${topic}></mqtt-subscribe>
      </mqtt-connection>
    `);
    await untilStatus(first, 'error');
    expect(first.error!.code).to.equal('client-id-in-use');
    expect(first.error!.message).to.contain(`client-id "${id}"`);
    const sub = second.querySelector<MqttSubscribeElement>('mqtt-subscribe')!;
    await waitFor(() => sub.status === 'subscribed');
    // Well past several reconnect periods: the stopped one must not come back and take the id.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(second.status).to.equal('connected');
    expect(first.status).to.equal('error');
    expect(rec.errors.map((e) => e.code)).to.deep.equal(['client-id-in-use']);
    const connects = await mosquittoLog(` as ${id} (`);
    expect(connects.length, connects.join('\n')).to.be.at.most(3);
    await mosquittoPub({ topic, payload: 'still here', qos: 1 });
    await waitFor(() => sub.value === 'still here');
  });
  // MQTT 5 DISCONNECT 0x8E: mosquitto 2.0.11 closes the taken-over socket without one, so that
  // path is driven through a fake client in test/core/connection-*.test.ts.
});

describe('<mqtt-connection>: credentials set, then connect(), in one task (the README pattern)', () => {
  it('asks the credentials function once and makes one client', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('cred');
    const el = fixtureSync<MqttConnectionElement>(html`<mqtt-connection manual url=${mosquitto.authUrl} client-id=${id}></mqtt-connection>`);
    let calls = 0;
    el.credentials = async () => {
      calls++;
      return { username: mosquitto.user, password: mosquitto.password };
    };
    el.connect();
    await untilStatus(el, 'connected');
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).to.equal(1);
    expect(el.status).to.equal('connected');
    expect((await mosquittoLog(` as ${id} (`)).length).to.equal(1);
  });
});
