// <mqtt-subscribe> against a fake connection provided through mqttContext: no broker, no MQTT.js
// client. What it asks the connection for, and what it makes of the messages the connection
// delivers. The same element against aedes and mosquitto: mqtt-subscribe*.broker.test.ts.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import { MqttElementsError, type MqttSubscribeElement } from '../../src/index.js';
import { underFakeConnection } from '../support/fake-mount.js';
import { codesFrom, mount, text } from '../support/mount.js';
import { nextTask, waitFor } from '../support/wait.js';

const ctx = underFakeConnection<MqttSubscribeElement>('mqtt-subscribe');
const mounted = ctx.mounted;

/** Delivers through the fake and waits for the element's update. */
async function deliver(el: MqttSubscribeElement, topic: string, payload: string | Uint8Array, fields = {}) {
  expect(ctx.fake.deliver(topic, payload, fields), `subscriptions matching ${topic}`).to.be.at.least(1);
  await el.updateComplete;
}

describe('<mqtt-subscribe> with a fake connection: what it asks for', () => {
  it('subscribes once, with its filter, QoS and MQTT 5 options', async () => {
    const { el } = await mounted(html`
      <mqtt-subscribe topic="home/+/temp" qos="2" no-local retain-as-published retain-handling="1"></mqtt-subscribe>
    `);
    expect(ctx.fake.subscriptions).to.have.length(1);
    const [{ filter, options }] = ctx.fake.subscriptions;
    expect(filter).to.equal('home/+/temp');
    const { onStatus, ...rest } = options;
    expect(rest).to.deep.equal({ qos: 2, replay: true, nl: true, rap: true, rh: 1 });
    expect(onStatus).to.be.instanceOf(Function);
    await el.updateComplete;
    expect(ctx.fake.subscriptions, 'no second subscribe on a later update').to.have.length(1);
  });

  it('asks for QoS 0 and no MQTT 5 options by default', async () => {
    await mounted(html`<mqtt-subscribe topic="plain"></mqtt-subscribe>`);
    const { onStatus: _onStatus, ...rest } = ctx.fake.subscriptions[0].options;
    expect(rest).to.deep.equal({ qos: 0, replay: true });
  });

  it('a new topic releases the old filter and subscribes the new one; a new QoS re-subscribes without replay', async () => {
    const { el } = await mounted(html`<mqtt-subscribe topic="a"></mqtt-subscribe>`);
    el.setAttribute('topic', 'b');
    await el.updateComplete;
    expect(ctx.fake.subscriptions.map((s) => [s.filter, s.releases, s.options.replay])).to.deep.equal([
      ['a', 1, true],
      ['b', 0, true],
    ]);
    // Only the QoS changed: the element already shows the latest message, so none is replayed.
    el.setAttribute('qos', '1');
    await el.updateComplete;
    expect(ctx.fake.subscriptions.map((s) => [s.filter, s.releases, s.options.qos, s.options.replay])).to.deep.equal([
      ['a', 1, 0, true],
      ['b', 1, 0, true],
      ['b', 0, 1, false],
    ]);
  });

  it('lets go when removed, but not for a DOM move within one task', async () => {
    const { el, root } = await mounted(html`
      <section id="from"><mqtt-subscribe topic="moving"></mqtt-subscribe></section>
      <section id="to"></section>
    `);
    const to = root.querySelector('#to')!;
    el.remove();
    to.append(el); // still under the provider, in the same task: a move
    await el.updateComplete;
    await nextTask(); // when a removal that lasts lets go
    expect(ctx.fake.subscriptions.map((s) => [s.filter, s.releases])).to.deep.equal([['moving', 0]]);

    el.remove();
    await nextTask();
    expect(ctx.fake.subscriptions.map((s) => [s.filter, s.releases])).to.deep.equal([['moving', 1]]);

    to.append(el); // back after a removal that lasted: a new subscription, with replay
    await el.updateComplete;
    expect(ctx.fake.held.map((s) => [s.filter, s.options.replay])).to.deep.equal([['moving', true]]);
  });

  it('moved out from under its provider: lets go and reports no-connection', async () => {
    const { el, root } = await mounted(html`<mqtt-subscribe topic="t"></mqtt-subscribe>`);
    const codes: string[] = [];
    el.addEventListener('mqtt-error', (e) => codes.push(e.detail.error.code ?? '?'));
    const outside = document.createElement('section');
    root.after(outside);
    try {
      outside.append(el);
      await waitFor(() => el.status === 'error', { message: `status error, is ${el.status}` });
      expect(ctx.fake.subscriptions.map((s) => s.releases)).to.deep.equal([1]);
      expect(codes).to.deep.equal(['no-connection']);
      expect(el.error?.message).to.equal('this element is not inside an <mqtt-connection> and names none with connection="id"');
    } finally {
      outside.remove();
    }
  });

  it('refuses an invalid filter with invalid-topic, before and without any connection', async () => {
    // No provider at all: the filter is checked first.
    const { $, errors, uncaught } = await mount(html`<mqtt-subscribe topic="a/#/b"></mqtt-subscribe>`);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-topic']);
    expect(errors[0].detail.error.message).to.equal('"a/#/b": "#" must be the last level of a filter');
    expect(el.status).to.equal('error');
    expect(el.getAttribute('status')).to.equal('error');
    expect(ctx.fake.subscriptions).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });
});

describe('<mqtt-subscribe> with a fake connection: status', () => {
  it("follows the subscription's onStatus, and a refusal becomes its error", async () => {
    const { el, errors } = await mounted(html`<mqtt-subscribe topic="s"></mqtt-subscribe>`);
    const { onStatus } = ctx.fake.subscriptions[0].options;
    expect(el.status).to.equal('idle');
    onStatus!('pending');
    expect([el.status, el.getAttribute('status')]).to.deep.equal(['pending', 'pending']);
    onStatus!('subscribed');
    expect([el.status, el.getAttribute('status')]).to.deep.equal(['subscribed', 'subscribed']);
    const refused = new MqttElementsError('subscribe-denied', 'the broker refused "s" (SUBACK 0x80)', { reasonCode: 128 });
    onStatus!('error', refused);
    expect([el.status, el.getAttribute('status')]).to.deep.equal(['error', 'error']);
    expect(errors.map((e) => e.detail.error)).to.deep.equal([refused]);
    expect(el.error).to.equal(refused);
  });
});

describe('<mqtt-subscribe> with a fake connection: what it makes of messages', () => {
  it('shows the text, and exposes value, message and an mqtt-message event', async () => {
    const { el, messages } = await mounted(html`<mqtt-subscribe topic="t/#">placeholder</mqtt-subscribe>`);
    expect(el.textContent).to.equal('placeholder');
    await deliver(el, 't/a', 'héllo <b>€</b>', { qos: 1, retain: true });
    expect(el.textContent).to.equal('héllo <b>€</b>');
    expect(el.children).to.have.length(0);
    expect(el.value).to.equal('héllo <b>€</b>');
    expect(el.message).to.include({ topic: 't/a', qos: 1, retained: true });
    expect(text(el.message!.payload)).to.equal('héllo <b>€</b>');
    expect(messages).to.have.length(1);
    expect(messages[0].target).to.equal(el);
    expect(messages[0].detail).to.include({ topic: 't/a', value: 'héllo <b>€</b>', qos: 1, retained: true });
  });

  it('json: objects shown as JSON; with a path, the value at the path', async () => {
    const { el, $ } = await mounted(html`
      <mqtt-subscribe id="whole" topic="j" format="json"></mqtt-subscribe>
      <mqtt-subscribe id="part" topic="j" format="json" path="sensors.0.celsius"></mqtt-subscribe>
    `);
    const part = $<MqttSubscribeElement>('#part');
    ctx.fake.deliver('j', '{"sensors":[{"celsius":21.5},{"celsius":3}]}');
    await Promise.all([el.updateComplete, part.updateComplete]);
    expect(el.value).to.deep.equal({ sensors: [{ celsius: 21.5 }, { celsius: 3 }] });
    expect(el.textContent).to.equal('{"sensors":[{"celsius":21.5},{"celsius":3}]}');
    expect(part.value).to.equal(21.5);
    expect(part.textContent).to.equal('21.5');
  });

  it('payload-format: the last good value stays, the error says why, the next good one recovers', async () => {
    const { el, errors } = await mounted(html`<mqtt-subscribe topic="p" format="json" path="v"></mqtt-subscribe>`);
    ctx.fake.subscriptions[0].options.onStatus!('subscribed');
    await deliver(el, 'p', '{"v":1}');
    await deliver(el, 'p', '{"v":');
    await deliver(el, 'p', '{"w":2}');
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format', 'payload-format']);
    expect(errors[0].detail.error.message).to.match(/^p: payload is not JSON: /);
    expect(errors[1].detail.error.message).to.equal('p: payload has no "v" (missing at "v")');
    expect(el.value).to.equal(1);
    expect(el.textContent).to.equal('1');
    expect(el.status).to.equal('error');
    await deliver(el, 'p', '{"v":0}');
    expect(el.value).to.equal(0);
    expect(el.textContent).to.equal('0');
    expect(el.status).to.equal('subscribed');
  });

  it('history: one <li> appended per message, the oldest removed, the others left as they were', async () => {
    const { el } = await mounted(html`<mqtt-subscribe topic="h" history="3"></mqtt-subscribe>`);
    for (const payload of ['m1', 'm2', 'm3']) await deliver(el, 'h', payload);
    const list = el.querySelector('ul')!;
    const before = [...list.children];
    expect(before.map((li) => [li.localName, li.textContent])).to.deep.equal([
      ['li', 'm1'],
      ['li', 'm2'],
      ['li', 'm3'],
    ]);
    await deliver(el, 'h', 'm4');
    const after = [...el.querySelectorAll('li')];
    expect(after.map((li) => li.textContent)).to.deep.equal(['m2', 'm3', 'm4']);
    // O(1) DOM work per message: the same list, the same two items, one new one.
    expect(el.querySelector('ul')).to.equal(list);
    expect(after[0]).to.equal(before[1]);
    expect(after[1]).to.equal(before[2]);
    expect(before[0].isConnected).to.equal(false);
    expect(el.messages.map((m) => text(m.payload))).to.deep.equal(['m2', 'm3', 'm4']);
  });

  it('binds to a target property and attributes, and writes nothing of its own', async () => {
    const { el, $ } = await mounted(html`
      <input id="field" />
      <button id="btn">b</button>
      <mqtt-subscribe id="value" topic="v" target="#field" property="value"></mqtt-subscribe>
      <mqtt-subscribe id="disabled" topic="d" target="#btn" attribute="disabled" format="json"></mqtt-subscribe>
      <mqtt-subscribe id="title" topic="v" target="#btn" attribute="title"></mqtt-subscribe>
    `);
    const [disabled, title] = ['#disabled', '#title'].map((s) => $<MqttSubscribeElement>(s));
    ctx.fake.deliver('v', '"quoted" <b>');
    ctx.fake.deliver('d', 'true');
    await Promise.all([el, disabled, title].map((s) => s.updateComplete));
    expect($<HTMLInputElement>('#field').value).to.equal('"quoted" <b>');
    expect($('#btn').getAttribute('title')).to.equal('"quoted" <b>');
    expect($('#btn').getAttribute('disabled')).to.equal('');
    expect(el.textContent).to.equal('');
    await deliver(disabled, 'd', 'false');
    expect($('#btn').hasAttribute('disabled')).to.equal(false);
    expect($('#btn').textContent).to.equal('b');
  });

  it('unsafe-binding: refuses innerHTML and on* sinks and javascript: URLs, and leaves the targets alone', async () => {
    const { $, errors } = await mounted(html`
      <div id="div"><span>kept</span></div>
      <a id="link" href="/start">link</a>
      <mqtt-subscribe id="html" topic="u" target="#div" property="innerHTML"></mqtt-subscribe>
      <mqtt-subscribe id="handler" topic="u" target="#div" attribute="onclick"></mqtt-subscribe>
      <mqtt-subscribe id="href" topic="u" target="#link" attribute="href"></mqtt-subscribe>
    `);
    const [htmlSink, handler, href] = ['#html', '#handler', '#href'].map((s) => $<MqttSubscribeElement>(s));
    for (const s of ctx.fake.subscriptions) s.options.onStatus!('subscribed');
    expect(codesFrom(errors, htmlSink)).to.deep.equal(['unsafe-binding']);
    expect(htmlSink.error?.message).to.equal('binding to "innerHTML" is refused: payloads are never parsed as HTML');
    expect(handler.error?.message).to.equal('binding to "onclick" is refused: payloads never become event handlers');
    expect(codesFrom(errors, href)).to.deep.equal([]); // a URL sink is refused per value

    ctx.fake.deliver('u', 'javascript:alert(1)');
    await Promise.all([htmlSink, handler, href].map((s) => s.updateComplete));
    expect(codesFrom(errors, href)).to.deep.equal(['unsafe-binding']);
    expect(href.error?.message).to.equal('a "javascript:" value for "href" is refused: payloads never become script');
    expect(href.status).to.equal('error');
    expect($('#div').innerHTML).to.equal('<span>kept</span>');
    expect($('#div').hasAttribute('onclick')).to.equal(false);
    expect($('#link').getAttribute('href')).to.equal('/start');
    // The refused elements still hold their value; a safe one is written and clears the error.
    expect(htmlSink.value).to.equal('javascript:alert(1)');
    await deliver(href, 'u', 'https://example.com/');
    expect($('#link').getAttribute('href')).to.equal('https://example.com/');
    expect(href.status).to.equal('subscribed');
    expect(htmlSink.status).to.equal('error');
  });
});
