// MQTT 5 request/response without script (README: Request/response, <mqtt-publish expect-response>)
// against mosquitto and ejabberd, with a responder peer: a plain MQTT.js client that answers
// requests.
import { expect, html } from '@open-wc/testing';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement } from '../../src/index.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { brokerEndpoint, once, uid, waitFor, type BrokerEndpoint } from '../support/brokers.js';
import { connected, mount } from '../support/mount.js';

/**
 * A device that answers requests on `topic`: `answer(text)` gives the reply's JSON, after
 * `delay(text)` ms. It also sends a decoy to the same response topic with other correlation data.
 */
async function responder(at: BrokerEndpoint, topic: string, answer: (text: string) => unknown, delay: (text: string) => number = () => 0) {
  const login = at.username ? { username: at.username, password: at.password } : {};
  const client: MqttClient = mqtt.connect(at.url, { protocolVersion: 5, clientId: uid('dev'), reconnectPeriod: 0, ...login });
  await once(client, 'connect');
  await new Promise<void>((resolve, reject) => client.subscribe(topic, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
  const requests: string[] = [];
  client.on('message', (_t, payload, packet) => {
    const text = new TextDecoder().decode(payload);
    requests.push(text);
    const { responseTopic, correlationData } = packet.properties ?? {};
    if (!responseTopic) return;
    const decoy = { properties: { correlationData: new TextEncoder().encode('someone else') as never } };
    client.publish(responseTopic, JSON.stringify({ result: 'not yours' }), { qos: 1, ...decoy });
    setTimeout(() => {
      client.publish(responseTopic, JSON.stringify(answer(text)), { qos: 1, properties: { correlationData } });
    }, delay(text));
  });
  return { requests, end: () => client.end(true) };
}

async function panel(broker: 'mosquitto' | 'ejabberd', version: 4 | 5) {
  const at = await brokerEndpoint(broker);
  const id = uid('req');
  const m = await mount(html`
    <mqtt-connection url=${at.url} client-id=${id} protocol-version=${version} username=${ifDefined(at.username)} password=${ifDefined(at.password)}>
      <mqtt-publish topic="${id}/ask" expect-response format="json" path="result" target="#out" response-timeout="800">
        <button>ask</button>
      </mqtt-publish>
      <output id="out"></output>
    </mqtt-connection>`);
  await connected(m.$<MqttConnectionElement>('mqtt-connection'));
  return { ...m, id, at, el: m.$<MqttPublishElement>('mqtt-publish') };
}

for (const broker of ['mosquitto', 'ejabberd'] as const) describe(`<mqtt-publish expect-response> (${broker}, MQTT 5)`, () => {
  it('a click sends a request; the reply is shown, is `response`, fires mqtt-response; pending until it came', async () => {
    const { id, at, el, $ } = await panel(broker, 5);
    const device = await responder(at, `${id}/ask`, (text) => ({ result: `got ${text}` }), () => 200);
    try {
      el.payload = 'ping';
      const events: unknown[] = [];
      el.addEventListener('mqtt-response', (e) => events.push(e.detail.value));
      $('button').click();
      await waitFor(() => device.requests.length === 1);
      expect(el.status, 'waiting for the reply').to.equal('pending');
      await waitFor(() => el.status === 'sent');
      expect($('#out').textContent).to.equal('got ping');
      expect(el.response).to.equal('got ping');
      expect(events).to.deep.equal(['got ping']);
      expect(el.error, 'the decoy for another request was ignored').to.equal(undefined);
    } finally {
      device.end();
    }
  });

  it('two requests at once each get their own reply (answered in the other order)', async () => {
    const { id, at, el } = await panel(broker, 5);
    const device = await responder(at, `${id}/ask`, (text) => ({ result: text.toUpperCase() }), (text) => (text === 'first' ? 300 : 0));
    try {
      const [a, b] = await Promise.all([el.request('first'), el.request('second')]);
      expect([a, b]).to.deep.equal(['FIRST', 'SECOND']);
    } finally {
      device.end();
    }
  });

  it('no reply in time: response-timeout, status error; a reply after that changes nothing', async () => {
    const { id, at, el, $ } = await panel(broker, 5);
    const device = await responder(at, `${id}/ask`, () => ({ result: 'too late' }), () => 1500);
    try {
      let caught: { code?: string; message?: string } | undefined;
      await el.request('slow').catch((e: { code?: string }) => (caught = e));
      expect(caught?.code).to.equal('response-timeout');
      expect(caught?.message).to.equal(`no reply to the request on "${id}/ask" within 800 ms (on "mqtt-elements/response/${id}")`);
      expect(el.status).to.equal('error');
      await new Promise((resolve) => setTimeout(resolve, 1000)); // past the late reply
      expect(el.response).to.equal(undefined);
      expect($('#out').textContent).to.equal('');
      expect(el.status).to.equal('error');
    } finally {
      device.end();
    }
  });

  it('a response-timeout that does not parse is a payload-format error naming it, and the request still waits the default', async () => {
    const { id, at, el } = await panel(broker, 5);
    el.setAttribute('response-timeout', 'soon');
    await el.updateComplete;
    const device = await responder(at, `${id}/ask`, (text) => ({ result: `got ${text}` }), () => 1000);
    try {
      const errors: { code?: string; message?: string }[] = [];
      el.addEventListener('mqtt-error', (e) => errors.push(e.detail.error));
      // Answered after 1 s: past the 800 ms the attribute said before, within the default 10 s.
      expect(await el.request('ping')).to.match(/^got .*ping/);
      expect(errors.map((e) => e.code)).to.deep.equal(['payload-format']);
      expect(errors[0]!.message).to.equal('response-timeout="soon" is not a number above 0; the default 10000 applies until it is set to one (or removed)');
    } finally {
      device.end();
    }
  });

  it('on MQTT 3.1.1 a request fails at once with unsupported', async () => {
    const { el } = await panel(broker, 4);
    let caught: { code?: string; message?: string } | undefined;
    await el.request('x').catch((e: { code?: string }) => (caught = e));
    expect(caught?.code).to.equal('unsupported');
    expect(caught?.message).to.match(/needs MQTT 5 .*protocol-version="5"/);
    expect(el.error?.code).to.equal('unsupported');
  });
});
