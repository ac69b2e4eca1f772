// The payload formats against a real broker (aedes), in the browser (README, "Payload formats"):
// a device peer (a second <mqtt-connection>) publishes CBOR and Sparkplug B payloads, encoded
// here with cborg and with this package's own Sparkplug encoder (checked against Eclipse Tahu's
// sparkplug-payload in test/node/sparkplug-reference.test.js). The elements decode them, with
// `path` and Sparkplug's `metrics.NAME`, as rows per device and as a chart; an invalid payload and
// a decoder that throws keep the last good value; registerFormat refuses a name taken and serves
// an element that named it first; <mqtt-publish format="cbor"> sends CBOR; and messages that come
// while a format's code is still on its way are decoded in order once it is there.
import { expect, html } from '@open-wc/testing';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import '../../src/index.js';
import '../../src/chart/index.js';
import { registerFormat, type MqttConnectionElement, type MqttErrorEvent, type MqttPublishElement, type MqttSubscribeElement } from '../../src/index.js';
import type { MqttChartElement } from '../../src/chart/index.js';
import { encode as sparkplugEncode } from '../../src/core/formats/sparkplug.js';
import { partsHeld } from '../../src/core/load-part.js';
import { HELD_AT_MOST } from '../../src/core/format-queue.js';
import mqtt from 'mqtt';
import { brokerEndpoint, getBrokers, once, uid, waitFor } from '../support/brokers.js';
import { codesFrom, connected, mount, nextMessages, subscribed } from '../support/mount.js';
import { loadConnectionParts } from '../support/connection-parts.js';

// Their connections connect while a test holds every part's arrival (support/connection-parts.ts).
before(() => loadConnectionParts());

/** A connection holding `inner`, beside a device peer that publishes raw bytes. */
async function withDevice(id: string, inner: ReturnType<typeof html>) {
  const { aedes } = await getBrokers();
  const m = await mount(html`
    <mqtt-connection id="device" url=${aedes.url} client-id=${`${id}-device`}></mqtt-connection>
    <mqtt-connection id="page" url=${aedes.url} client-id=${id}>${inner}</mqtt-connection>`);
  const device = m.$<MqttConnectionElement>('#device');
  await connected(device);
  const send = (topic: string, payload: Uint8Array | string) => device.publish(topic, payload, { qos: 1 });
  return { ...m, send };
}

const ddata = (metrics: Array<{ name?: string; alias?: number; type: string; value: unknown }>, seq = 0) => sparkplugEncode({ timestamp: Date.now(), seq, metrics });

describe('payload formats against aedes', () => {
  // First in the file: the formats' code has not loaded in this page yet.
  it('messages that arrive while the format\'s code loads are kept and decoded in arrival order once it is there', async () => {
    const id = uid('fmt-held');
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    try {
      const { $, send } = await withDevice(
        id,
        html`<mqtt-subscribe id="el" topic="${id}/+" format="sparkplug" path="metrics.n" history="10"></mqtt-subscribe>
          <mqtt-subscribe id="witness" topic="${id}/+" format="bytes" history="10"></mqtt-subscribe>`,
      );
      const el = $<MqttSubscribeElement>('#el');
      const witness = $<MqttSubscribeElement>('#witness');
      await subscribed(el, witness);
      const arrived = nextMessages(el, 4);
      for (const n of [1, 2, 3]) await send(`${id}/d${n % 2}`, ddata([{ name: 'n', type: 'Int32', value: n }], n));
      // The witness (same filter, same connection: the same dispatch) has them: so has `el`.
      await waitFor(() => witness.messages.length === 3);
      expect(el.value, 'nothing decoded while the code is held').to.equal(undefined);
      expect(el.messages, 'kept, not yet taken').to.deep.equal([]);
      release();
      partsHeld.until = undefined;
      await send(`${id}/d0`, ddata([{ name: 'n', type: 'Int32', value: 4 }], 4));
      const events = await arrived;
      expect(events.map((e) => e.detail.value), 'every message, in arrival order').to.deep.equal([1, 2, 3, 4]);
      expect(el.messages.map((m) => m.topic)).to.deep.equal([`${id}/d1`, `${id}/d0`, `${id}/d1`, `${id}/d0`]);
      expect(el.value).to.equal(4);
      await el.updateComplete;
      expect(el.textContent, 'the history list, in order').to.equal('1234');
      expect(el.error).to.equal(undefined);
    } finally {
      partsHeld.until = undefined;
      release();
    }
  });

  // Second in the file: cbor's code has not loaded in this page yet.
  it(`a load that hangs keeps at most ${HELD_AT_MOST} messages: the oldest go, one payload-format error says so, the newest are decoded in order once the code is there`, async () => {
    const id = uid('fmt-bound');
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    try {
      const { $, send } = await withDevice(
        id,
        html`<mqtt-subscribe id="el" topic="${id}/t" format="cbor" history="3"></mqtt-subscribe>
          <mqtt-subscribe id="witness" topic="${id}/t" format="bytes"></mqtt-subscribe>`,
      );
      const el = $<MqttSubscribeElement>('#el');
      const witness = $<MqttSubscribeElement>('#witness');
      await subscribed(el, witness);
      const errors: MqttErrorEvent[] = [];
      el.addEventListener('mqtt-error', (e) => errors.push(e));
      const total = HELD_AT_MOST + 500;
      let seen = 0;
      witness.addEventListener('mqtt-message', () => seen++);
      // QoS 0 in one burst from the device; the last at QoS 1, so the burst has reached the broker.
      const device = $<MqttConnectionElement>('#device');
      for (let n = 0; n < total - 1; n++) void device.publish(`${id}/t`, cborgEncode(n), { qos: 0 });
      await send(`${id}/t`, cborgEncode(total - 1));
      await waitFor(() => seen === total, { timeout: 20000 });
      expect(el.value, 'nothing decoded while the code is held').to.equal(undefined);
      expect(errors.map((e) => e.detail.error.code), 'told once that messages are dropped').to.deep.equal(['payload-format']);
      expect(errors[0]!.detail.error.message).to.include(`format="cbor" has not arrived after ${HELD_AT_MOST} messages`).and.include('served beside it');
      await el.updateComplete;
      expect(el.status).to.equal('error');

      const arrived = nextMessages(el, HELD_AT_MOST);
      release();
      partsHeld.until = undefined;
      const events = await arrived;
      const expected = Array.from({ length: HELD_AT_MOST }, (_, i) => total - HELD_AT_MOST + i);
      expect(events.map((e) => e.detail.value), 'the newest, in arrival order').to.deep.equal(expected);
      expect(el.value).to.equal(total - 1);
      await el.updateComplete;
      expect(el.status, 'a good message clears it').to.equal('subscribed');
      expect(errors).to.have.length(1);
    } finally {
      partsHeld.until = undefined;
      release();
    }
  });

  it('format="cbor": path into the item, 64-bit integers exact (BigInt shown as its digits); invalid CBOR keeps the last good value', async () => {
    const id = uid('fmt-cbor');
    const { $, send, errors } = await withDevice(
      id,
      html`<mqtt-subscribe id="c" topic="${id}/s" format="cbor" path="celsius" decimals="1"></mqtt-subscribe>
        <mqtt-subscribe id="big" topic="${id}/s" format="cbor" path="count"></mqtt-subscribe>`,
    );
    const c = $<MqttSubscribeElement>('#c');
    const big = $<MqttSubscribeElement>('#big');
    await subscribed(c, big);
    await send(`${id}/s`, cborgEncode({ celsius: 21.5, count: 2n ** 63n + 5n }));
    await waitFor(() => c.value === 21.5 && big.value === 2n ** 63n + 5n);
    await Promise.all([c.updateComplete, big.updateComplete]);
    expect(c.textContent).to.equal('21.5');
    expect(big.textContent).to.equal('9223372036854775813');

    await send(`${id}/s`, new Uint8Array([0xa1, 0x61])); // a map cut short
    await waitFor(() => c.status === 'error');
    expect(c.error?.code).to.equal('payload-format');
    expect(c.error?.message).to.include(`${id}/s`).and.include('payload is not CBOR');
    expect(c.value, 'the last good value is kept').to.equal(21.5);
    await c.updateComplete;
    expect(c.textContent).to.equal('21.5');
    expect(codesFrom(errors, c)).to.deep.equal(['payload-format']);

    await send(`${id}/s`, cborgEncode({ celsius: 22, count: 1 }));
    await waitFor(() => c.value === 22);
    await waitFor(() => c.status === 'subscribed');
    expect(big.value).to.equal(1);
  });

  it('format="sparkplug": metrics.NAME, rows per device, a DDATA without the metric changes nothing, garbage is payload-format', async () => {
    const id = uid('fmt-spb');
    const base = `spBv1.0/${id}/DDATA/edge`;
    const { $, send } = await withDevice(
      id,
      html`<mqtt-subscribe id="one" topic="${base}/boiler" format="sparkplug" path="metrics.Temperature/Inlet"></mqtt-subscribe>
        <mqtt-subscribe id="rows" topic="${base}/+" format="sparkplug" path="metrics.Temperature/Inlet" decimals="1">
          <template><p><b data-topic-level="4"></b>=<span data-value></span></p></template>
        </mqtt-subscribe>`,
    );
    const one = $<MqttSubscribeElement>('#one');
    const rows = $<MqttSubscribeElement>('#rows');
    await subscribed(one, rows);
    await send(`${base}/boiler`, ddata([{ name: 'Temperature/Inlet', type: 'Float', value: 60.5 }, { name: 'On', type: 'Boolean', value: true }]));
    await send(`${base}/pump`, ddata([{ name: 'Temperature/Inlet', type: 'Double', value: 18.25 }]));
    const shown = () => [...rows.querySelectorAll('p')].map((p) => p.textContent);
    await waitFor(() => shown().length === 2, { message: 'a row per device' });
    expect(shown()).to.deep.equal(['boiler=60.5', 'pump=18.3']);
    expect(one.value).to.equal(60.5);

    // Report by exception: a DDATA with only another metric is no error and changes nothing.
    const next = nextMessages(one);
    await send(`${base}/boiler`, ddata([{ name: 'On', type: 'Boolean', value: false }], 1));
    await next;
    expect(one.value).to.equal(60.5);
    expect(one.status).to.equal('subscribed');

    await send(`${base}/boiler`, new Uint8Array([0x12, 0x09, 0x0a]));
    await waitFor(() => one.status === 'error');
    expect(one.error?.code).to.equal('payload-format');
    expect(one.error?.message).to.include('payload is not Sparkplug B');
    expect(one.value).to.equal(60.5);
    await rows.updateComplete;
    expect(shown(), 'the rows keep their last good values').to.deep.equal(['boiler=60.5', 'pump=18.3']);
  });

  it('format="sparkplug": metrics.NAME selects a metric a DDATA sends by alias alone, named by the device\'s DBIRTH', async () => {
    const id = uid('fmt-alias');
    const { $, send } = await withDevice(
      id,
      html`<mqtt-subscribe id="el" topic="spBv1.0/${id}/+/edge/boiler" format="sparkplug" path="metrics.Temperature"></mqtt-subscribe>`,
    );
    const el = $<MqttSubscribeElement>('#el');
    await subscribed(el);
    const births = nextMessages(el);
    await send(`spBv1.0/${id}/DBIRTH/edge/boiler`, ddata([{ name: 'Temperature', alias: 5, type: 'Double', value: 20.5 }, { name: 'On', alias: 6, type: 'Boolean', value: true }]));
    await births;
    expect(el.value).to.equal(20.5);
    const next = nextMessages(el, 2);
    await send(`spBv1.0/${id}/DDATA/edge/boiler`, ddata([{ alias: 5, type: 'Double', value: 22.25 }], 1));
    await send(`spBv1.0/${id}/DDATA/edge/boiler`, ddata([{ alias: 6, type: 'Boolean', value: false }], 2));
    const events = await next;
    expect(events.map((e) => e.detail.value), 'by alias, then a DDATA without it (no change)').to.deep.equal([22.25, undefined]);
    expect(el.value).to.equal(22.25);
    expect(el.status).to.equal('subscribed');
  });

  it('a burst of 5,000 Sparkplug devices, their DBIRTHs then their DDATAs by alias: 100 rows, the newest, each named through its own birth', async () => {
    const id = uid('fmt-burst');
    const devices = 5000;
    const { $, send } = await withDevice(
      id,
      html`<mqtt-subscribe id="births" topic="spBv1.0/${id}/DBIRTH/edge/+" format="sparkplug"></mqtt-subscribe>
        <mqtt-subscribe id="rows" topic="spBv1.0/${id}/DDATA/edge/+" format="sparkplug" path="metrics.temp" limit="100" throttle="200">
          <template><p><b data-topic-level="4"></b>=<span data-value></span></p></template>
        </mqtt-subscribe>`,
    );
    const births = $<MqttSubscribeElement>('#births');
    const rows = $<MqttSubscribeElement>('#rows');
    await subscribed(births, rows);
    const device = $<MqttConnectionElement>('#device');
    // Neighbouring devices swap their aliases: a DDATA named through another device's birth would
    // select `other`, and its row would show nothing.
    const birth = (i: number) => ddata([{ name: 'temp', alias: 1 + (i % 2), type: 'Int32', value: -1 }, { name: 'other', alias: 2 - (i % 2), type: 'Int32', value: -1 }]);
    const data = (i: number) => ddata([{ alias: 1 + (i % 2), type: 'Int32', value: i % 100 }], 1);
    // Every birth first, then every DDATA: each must find its own device's birth among 5,000.
    for (let i = 0; i < devices; i++) void device.publish(`spBv1.0/${id}/DBIRTH/edge/d${i}`, birth(i), { qos: 0 });
    const last = devices - 1;
    for (let i = 0; i < last; i++) void device.publish(`spBv1.0/${id}/DDATA/edge/d${i}`, data(i), { qos: 0 });
    await send(`spBv1.0/${id}/DDATA/edge/d${last}`, data(last));
    const shown = () => [...rows.querySelectorAll('p')].map((p) => p.textContent);
    await waitFor(() => shown().at(-1) === `d${last}=${last % 100}`, { timeout: 20000, message: 'the last device has its row' });
    expect(shown()).to.deep.equal(Array.from({ length: 100 }, (_, k) => `d${devices - 100 + k}=${(devices - 100 + k) % 100}`));
    expect(rows.status).to.equal('subscribed');
    expect(births.status).to.equal('subscribed');
  });

  it('<mqtt-chart> charts a CBOR sensor and a Sparkplug metric', async () => {
    const id = uid('fmt-chart');
    const { $, send } = await withDevice(
      id,
      html`<mqtt-chart id="c" topic="${id}/cbor/+" format="cbor" path="v"></mqtt-chart>
        <mqtt-chart id="s" topic="${id}/spb/+" format="sparkplug" path="metrics.t"></mqtt-chart>`,
    );
    const cbor = $<MqttChartElement>('#c');
    const spb = $<MqttChartElement>('#s');
    await waitFor(() => cbor.status === 'subscribed' && spb.status === 'subscribed');
    for (const v of [1, 2.5, 3]) await send(`${id}/cbor/a`, cborgEncode({ v }));
    await send(`${id}/cbor/a`, cborgEncode({ v: 2n ** 53n + 2n })); // plotted as the nearest number
    for (const t of [10, 11]) await send(`${id}/spb/x`, ddata([{ name: 't', type: 'Int64', value: t }]));
    await send(`${id}/spb/x`, ddata([{ name: 'other', type: 'Int64', value: 0 }])); // no point, no error
    await waitFor(() => cbor.series[0]?.points.length === 4 && spb.series[0]?.points.length === 2);
    expect(cbor.series[0]!.points.map(([, v]) => v)).to.deep.equal([1, 2.5, 3, 2 ** 53 + 2]);
    expect(spb.series[0]!.points.map(([, v]) => v)).to.deep.equal([10, 11]);
    expect(spb.status).to.equal('subscribed');
    expect(cbor.error).to.equal(undefined);
  });

  it('registerFormat: a registered format decodes, with path; a decoder that throws keeps the last good value; a name taken throws', async () => {
    const id = uid('fmt-reg');
    registerFormat('kv-broker-test', {
      decode(payload) {
        const text = new TextDecoder().decode(payload);
        if (!text.includes('=')) throw new Error(`no key=value pairs in "${text}"`);
        return Object.fromEntries(text.split(';').map((pair) => pair.split('=')));
      },
    });
    expect(() => registerFormat('kv-broker-test', { decode: () => 1 })).to.throw('taken').with.property('code', 'payload-format');
    expect(() => registerFormat('cbor', { decode: () => 1 })).to.throw('taken').with.property('code', 'payload-format');
    const { $, send } = await withDevice(id, html`<mqtt-subscribe topic="${id}/kv" format="kv-broker-test" path="temp"></mqtt-subscribe>`);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    await send(`${id}/kv`, 'temp=21;hum=40');
    await waitFor(() => el.value === '21');
    await send(`${id}/kv`, 'garbage');
    await waitFor(() => el.status === 'error');
    expect(el.error?.code).to.equal('payload-format');
    expect(el.error?.message).to.include('no key=value pairs in "garbage"');
    expect(el.value).to.equal('21');
    await el.updateComplete;
    expect(el.textContent).to.equal('21');
  });

  it('a format named before it is registered: payload-format listing the formats, text meanwhile; registered, it applies from the next message', async () => {
    const id = uid('fmt-late');
    const { $, send, errors } = await withDevice(
      id,
      html`<mqtt-subscribe id="el" topic="${id}/x" format="late-broker-test"></mqtt-subscribe>
        <mqtt-subscribe id="witness" topic="${id}/x"></mqtt-subscribe>`,
    );
    const el = $<MqttSubscribeElement>('#el');
    // One broker subscription for both: once the witness has its SUBACK, so has `el` (whose status says error).
    await subscribed($<MqttSubscribeElement>('#witness'));
    await waitFor(() => codesFrom(errors, el).includes('payload-format'));
    expect(el.error?.message).to.include('text, json, bytes, cbor, sparkplug').and.include('registerFormat("late-broker-test"');
    await waitFor(() => el.status === 'error');
    await send(`${id}/x`, 'abc');
    await waitFor(() => el.value === 'abc');
    registerFormat('late-broker-test', { decode: (payload) => new TextDecoder().decode(payload).toUpperCase() });
    await send(`${id}/x`, 'def');
    await waitFor(() => el.value === 'DEF');
    await waitFor(() => el.status === 'subscribed');
    expect(el.error?.code).to.equal('payload-format');
  });

  it('<mqtt-publish format="cbor"> and format="sparkplug" encode what they send', async () => {
    const id = uid('fmt-pub');
    const { $ } = await withDevice(
      id,
      html`<mqtt-subscribe id="raw" topic="${id}/+" format="bytes" history="5"></mqtt-subscribe>
        <mqtt-subscribe id="spb" topic="${id}/spb" format="sparkplug" path="metrics.level"></mqtt-subscribe>
        <mqtt-publish id="c" topic="${id}/cbor" format="cbor" qos="1"></mqtt-publish>
        <mqtt-publish id="s" topic="${id}/spb" format="sparkplug" qos="1"></mqtt-publish>`,
    );
    const raw = $<MqttSubscribeElement>('#raw');
    const spb = $<MqttSubscribeElement>('#spb');
    await subscribed(raw, spb);
    await $<MqttPublishElement>('#c').publish({ on: true, big: 2n ** 64n - 1n });
    await waitFor(() => raw.messages.length === 1);
    expect(cborgDecode(raw.messages[0]!.payload)).to.deep.equal({ on: true, big: 2n ** 64n - 1n });
    await $<MqttPublishElement>('#s').publish({ metrics: [{ name: 'level', type: 'UInt16', value: 512 }] });
    await waitFor(() => spb.value === 512);
    const bad = $<MqttPublishElement>('#s');
    const error = await bad.publish('not an object').catch((e: unknown) => e);
    expect((error as { code?: string }).code).to.equal('payload-format');
    expect(bad.status).to.equal('error');
  });

  it('<mqtt-publish expect-response format="cbor">: the request goes as CBOR and the reply is decoded as CBOR (mosquitto, MQTT 5)', async () => {
    const at = await brokerEndpoint('mosquitto');
    const id = uid('fmt-req');
    // A device that answers a CBOR request with a CBOR reply: {echo: the request, n: 2^63}.
    const device = mqtt.connect(at.url, { protocolVersion: 5, clientId: uid('dev'), reconnectPeriod: 0 });
    await once(device, 'connect');
    await new Promise<void>((resolve, reject) => device.subscribe(`${id}/ask`, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
    device.on('message', (_topic, payload, packet) => {
      const { responseTopic, correlationData } = packet.properties ?? {};
      const reply = cborgEncode({ echo: cborgDecode(new Uint8Array(payload)), n: 2n ** 63n });
      if (responseTopic) device.publish(responseTopic, reply as never, { qos: 1, properties: { correlationData } });
    });
    try {
      const { $ } = await mount(html`
        <mqtt-connection url=${at.url} client-id=${id} protocol-version="5">
          <mqtt-publish topic="${id}/ask" expect-response format="cbor" path="n" response-timeout="3000"></mqtt-publish>
        </mqtt-connection>`);
      await connected($<MqttConnectionElement>('mqtt-connection'));
      const el = $<MqttPublishElement>('mqtt-publish');
      expect(await el.request({ ask: [1, 2] })).to.equal(2n ** 63n);
      el.path = 'echo';
      expect(await el.request({ ask: [3] })).to.deep.equal({ ask: [3] });
    } finally {
      device.end(true);
    }
  });
});
