// <mqtt-publish> against a fake connection provided through mqttContext: no broker, no MQTT.js
// client. What each control hands to the connection's publish(), and what the element makes of
// the answer. The same element against aedes and mosquitto: mqtt-publish*.broker.test.ts.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import { MqttElementsError, type MqttPublishElement } from '../../src/index.js';
import { underFakeConnection } from '../support/fake-mount.js';
import { codesFrom, mount } from '../support/mount.js';
import { waitFor } from '../support/wait.js';

const ctx = underFakeConnection<MqttPublishElement>('mqtt-publish');
const mounted = ctx.mounted;

const change = (el: Element) => el.dispatchEvent(new Event('change', { bubbles: true }));

/** The publishes so far, as [topic, payload, options]. */
const calls = () => ctx.fake.publishes.map((p) => [p.topic, p.payload, p.options]);

describe('<mqtt-publish> with a fake connection: what it publishes', () => {
  it('a click publishes the fixed payload with its QoS and retain flag', async () => {
    const { $ } = await mounted(html`
      <mqtt-publish topic="lamp/set" qos="1" retain payload="on"><button><span class="icon">*</span> go</button></mqtt-publish>
    `);
    $('button').click();
    $('.icon').click(); // a click inside the button is the button's
    expect(calls()).to.deep.equal([
      ['lamp/set', 'on', { qos: '1', retain: true }],
      ['lamp/set', 'on', { qos: '1', retain: true }],
    ]);
  });

  it("a change publishes the control's value: a checkbox its state, a number input its number, a text input its text", async () => {
    const { $ } = await mounted(html`
      <mqtt-publish topic="c">
        <input id="box" type="checkbox" />
        <input id="n" type="number" />
        <input id="t" />
        <select id="s"><option>a</option><option value="b-value">b</option></select>
      </mqtt-publish>
    `);
    $<HTMLInputElement>('#box').click();
    const n = $<HTMLInputElement>('#n');
    n.value = '-2.5';
    change(n);
    const t = $<HTMLInputElement>('#t');
    t.value = '{"a":1}';
    t.dispatchEvent(new Event('input', { bubbles: true })); // not an input's default trigger
    change(t);
    const s = $<HTMLSelectElement>('#s');
    s.value = 'b-value';
    change(s);
    expect(ctx.fake.publishes.map((p) => p.payload)).to.deep.equal([true, -2.5, '{"a":1}', 'b-value']);
    expect(ctx.fake.publishes.map((p) => p.options)).to.deep.equal(Array(4).fill({ qos: 0, retain: false }));
  });

  it('a form submit publishes its fields as an object and does not navigate', async () => {
    const { $ } = await mounted(html`
      <mqtt-publish topic="f" qos="2">
        <form action="/navigated-away">
          <input name="room" value="kitchen" />
          <input type="checkbox" name="tags" value="a" checked />
          <input type="checkbox" name="tags" value="b" checked />
          <button name="action" value="save">save</button>
        </form>
      </mqtt-publish>
    `);
    const prevented: boolean[] = [];
    const guard = (e: Event) => {
      prevented.push(e.defaultPrevented);
      e.preventDefault(); // keeps the test page if the element did not
    };
    document.addEventListener('submit', guard);
    try {
      change($('input[name=room]')); // a change inside a form waits for its submit
      $('button').click();
    } finally {
      document.removeEventListener('submit', guard);
    }
    expect(prevented).to.deep.equal([true]);
    expect(calls()).to.deep.equal([['f', { room: 'kitchen', tags: ['a', 'b'], action: 'save' }, { qos: '2', retain: false }]]);
  });

  it('MQTT 5 attributes become the publish properties', async () => {
    const { el } = await mounted(html`
      <mqtt-publish
        topic="v5"
        content-type="application/json"
        message-expiry="60"
        user-properties='{"site":"lab"}'
        response-topic="v5/reply"
        correlation-data="req-1"
      ></mqtt-publish>
    `);
    await el.publish({ on: true });
    const [{ payload, options }] = ctx.fake.publishes;
    expect(payload).to.deep.equal({ on: true });
    const { correlationData, ...properties } = options.properties!;
    expect(properties).to.deep.equal({
      contentType: 'application/json',
      messageExpiryInterval: 60,
      responseTopic: 'v5/reply',
      userProperties: { site: 'lab' },
    });
    expect(new TextDecoder().decode(correlationData as Uint8Array)).to.equal('req-1');
  });
});

describe('<mqtt-publish> with a fake connection: the answer', () => {
  it('mqtt-published carries what the connection resolved with, once it has', async () => {
    const sent = new Uint8Array([104, 105]);
    let resolve!: (value: Uint8Array) => void;
    ctx.fake.answer = () => new Promise((r) => (resolve = r));
    const { el, $, published } = await mounted(html`<mqtt-publish topic="p" payload="hi"><button>go</button></mqtt-publish>`);
    $('button').click();
    expect(calls()).to.deep.equal([['p', 'hi', { qos: 0, retain: false }]]);
    await Promise.resolve();
    expect(published, 'nothing before the connection answered').to.deep.equal([]);
    resolve(sent);
    await waitFor(() => published.length === 1);
    expect(published[0].target).to.equal(el);
    expect(published[0].detail.topic).to.equal('p');
    expect(published[0].detail.payload).to.equal(sent);
  });

  it('a rejected publish becomes mqtt-error with its code, and publish() rejects with it', async () => {
    const refused = new MqttElementsError('publish-failed', 'the broker refused the PUBLISH (quota exceeded)', { reasonCode: 0x97 });
    ctx.fake.answer = () => Promise.reject(refused);
    const { el, $, errors, published, uncaught } = await mounted(
      html`<mqtt-publish topic="r" qos="1" payload="x"><button>go</button></mqtt-publish>`,
    );
    $('button').click();
    await waitFor(() => errors.length === 1);
    expect(errors[0].detail.error).to.equal(refused);
    expect(el.error).to.equal(refused);
    let thrown: unknown;
    await el.publish().catch((e: unknown) => (thrown = e));
    expect(thrown).to.equal(refused);
    expect(codesFrom(errors, el)).to.deep.equal(['publish-failed', 'publish-failed']);
    expect(published).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });

  it('a failure that is not coded becomes publish-failed, naming the topic and keeping the cause', async () => {
    const cause = new Error('socket closed');
    ctx.fake.answer = () => Promise.reject(cause);
    const { el, errors } = await mounted(html`<mqtt-publish topic="r/2"></mqtt-publish>`);
    await el.publish('x').catch(() => {});
    expect(codesFrom(errors, el)).to.deep.equal(['publish-failed']);
    expect(el.error!.message).to.equal('publish to "r/2" failed: socket closed');
    expect((el.error as { cause?: unknown }).cause).to.equal(cause);
  });

  it('a bad topic or QoS is reported and never reaches the connection', async () => {
    const { el, $, errors } = await mounted(html`<mqtt-publish topic="a/+" payload="x"><button>go</button></mqtt-publish>`);
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-topic']);
    expect(el.error!.message).to.equal('"a/+" is a topic name: wildcards (+, #) are not allowed');
    $('button').click();
    el.setAttribute('topic', 'ok');
    el.setAttribute('qos', '3');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-topic', 'invalid-topic', 'invalid-qos']);
    expect(el.error!.message).to.equal('qos must be 0, 1 or 2, not "3"');
    expect(ctx.fake.publishes).to.deep.equal([]);
  });

  it('without a connection: no-connection from a click, with the reason', async () => {
    const { $, errors, uncaught } = await mount(html`<mqtt-publish topic="t" payload="x"><button>go</button></mqtt-publish>`);
    $('button').click();
    await waitFor(() => errors.length === 1);
    expect(errors[0].detail.error.code).to.equal('no-connection');
    expect(errors[0].detail.error.message).to.equal('this <mqtt-publish> has no <mqtt-connection> to publish through');
    expect(uncaught).to.deep.equal([]);
  });
});
