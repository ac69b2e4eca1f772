// <mqtt-subscribe target/property/attribute>: values written into page elements, as text or
// property/attribute values only, never parsed as HTML; unsafe sinks refused.
import { expect, html } from '@open-wc/testing';
import { render } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../src/index.js';
import type { MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid } from '../support/brokers.js';
import { codesFrom, mount, mountSubscribed, nextMessages, subscribed } from '../support/elements.js';

/** A small host with an open shadow root, as a component using the elements inside would have. */
const HOST_TAG = `binding-host-${uid('x')}`;
customElements.define(
  HOST_TAG,
  class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
    }
  },
);

/** Publishes `payload` on `topic` and waits until every element in `els` had it and updated. */
async function deliver(topic: string, payload: string, els: MqttSubscribeElement[]): Promise<void> {
  const all = Promise.all(els.map((el) => nextMessages(el)));
  await aedesPublish({ topic, payload, qos: 1 });
  await all;
  await Promise.all(els.map((el) => el.updateComplete));
}

describe('<mqtt-subscribe> bindings', () => {
  it('writes textContent by default, value and checked as properties', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('b');
    const { root, $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <p id="text">before</p>
        <input id="field" />
        <input id="box" type="checkbox" />
        <mqtt-subscribe id="s-text" topic="${topic}/text" target="#text"></mqtt-subscribe>
        <mqtt-subscribe id="s-obj" topic="${topic}/obj" target="#text" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="s-field" topic="${topic}/text" target="#field" property="value"></mqtt-subscribe>
        <mqtt-subscribe id="s-box" topic="${topic}/box" target="#box" property="checked" format="json"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const subs = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
    await subscribed(...subs);
    await deliver(`${topic}/text`, 'hello <i>there</i>', [$('#s-text'), $('#s-field')]);
    expect($('#text').textContent).to.equal('hello <i>there</i>');
    expect($('#text').children).to.have.length(0);
    expect($<HTMLInputElement>('#field').value).to.equal('hello <i>there</i>');
    // The subscribe elements with a target render nothing themselves.
    expect($('#s-text').textContent).to.equal('');

    await deliver(`${topic}/obj`, '{"a":1}', [$('#s-obj')]);
    expect($('#text').textContent).to.equal('{"a":1}');

    const box = $<HTMLInputElement>('#box');
    await deliver(`${topic}/box`, 'true', [$('#s-box')]);
    expect(box.checked).to.equal(true);
    await deliver(`${topic}/box`, 'false', [$('#s-box')]);
    expect(box.checked).to.equal(false);
  });

  it('sets attributes: text as is, objects as JSON, true present, false absent', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('b');
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <button id="btn">b</button>
        <mqtt-subscribe id="dis" topic="${topic}/dis" target="#btn" attribute="disabled" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="title" topic="${topic}/title" target="#btn" attribute="title"></mqtt-subscribe>
        <mqtt-subscribe id="data" topic="${topic}/data" target="#btn" attribute="data-v" format="json"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const [dis, title, data] = ['#dis', '#title', '#data'].map((s) => $<MqttSubscribeElement>(s));
    await subscribed(dis, title, data);
    const btn = $<HTMLButtonElement>('#btn');
    await deliver(`${topic}/dis`, 'true', [dis]);
    expect(btn.getAttribute('disabled')).to.equal('');
    expect(btn.disabled).to.equal(true);
    await deliver(`${topic}/dis`, 'false', [dis]);
    expect(btn.hasAttribute('disabled')).to.equal(false);
    await deliver(`${topic}/title`, '"quoted" <b>', [title]);
    expect(btn.getAttribute('title')).to.equal('"quoted" <b>');
    await deliver(`${topic}/data`, '{"x":[1,2]}', [data]);
    expect(btn.getAttribute('data-v')).to.equal('{"x":[1,2]}');
    expect(btn.textContent).to.equal('b');
  });

  it('resolves target in its own shadow root, not in the document', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('b');
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <span id="out">document</span>
        ${document.createElement(HOST_TAG)}
      </mqtt-connection>
    `);
    const host = $(HOST_TAG);
    render(
      html`<span id="out">shadow</span><mqtt-subscribe topic=${topic} target="#out"></mqtt-subscribe>`,
      host.shadowRoot!,
    );
    const el = host.shadowRoot!.querySelector<MqttSubscribeElement>('mqtt-subscribe')!;
    await subscribed(el); // found its connection through the shadow boundary
    await deliver(topic, 'in shadow', [el]);
    expect(host.shadowRoot!.querySelector('#out')!.textContent).to.equal('in shadow');
    expect($('#out').textContent).to.equal('document');
  });

  it('writes a markup payload as text everywhere: no element is ever created', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('xss');
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const alerts: unknown[] = [];
    const alert = window.alert;
    window.alert = (message?: unknown) => alerts.push(message);
    try {
      const { root, $ } = await mount(html`
        <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
          <div id="div"></div>
          <input id="field" />
          <mqtt-subscribe id="plain" topic=${topic}></mqtt-subscribe>
          <mqtt-subscribe id="list" topic=${topic} history="2"></mqtt-subscribe>
          <mqtt-subscribe topic=${topic} target="#div"></mqtt-subscribe>
          <mqtt-subscribe topic=${topic} target="#div" property="innerText"></mqtt-subscribe>
          <mqtt-subscribe topic=${topic} target="#field" property="value"></mqtt-subscribe>
          <mqtt-subscribe topic=${topic} target="#field" attribute="title"></mqtt-subscribe>
          ${document.createElement(HOST_TAG)}
        </mqtt-connection>
      `);
      const shadow = $(HOST_TAG).shadowRoot!;
      render(html`<p id="p"></p><mqtt-subscribe topic=${topic} target="#p"></mqtt-subscribe>`, shadow);
      const subs = [
        ...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe'),
        shadow.querySelector<MqttSubscribeElement>('mqtt-subscribe')!,
      ];
      await subscribed(...subs);
      await deliver(topic, payload, subs);
      expect($('#plain').textContent).to.equal(payload);
      expect($('#list').querySelector('li')!.textContent).to.equal(payload);
      expect($('#div').textContent).to.equal(payload);
      expect($<HTMLInputElement>('#field').value).to.equal(payload);
      expect($('#field').getAttribute('title')).to.equal(payload);
      expect(shadow.querySelector('#p')!.textContent).to.equal(payload);
      expect(document.querySelector('img')).to.equal(null);
      expect(root.querySelector('script')).to.equal(null);
      expect(shadow.querySelector('img')).to.equal(null);
      expect(shadow.querySelector('script')).to.equal(null);
      expect(alerts).to.deep.equal([]);
    } finally {
      window.alert = alert;
    }
  });

  it('refuses innerHTML, outerHTML, srcdoc and on* with unsafe-binding and leaves the target alone', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('unsafe');
    const bindings: Array<{ target: string; property?: string; attribute?: string }> = [
      { target: '#div', property: 'innerHTML' },
      { target: '#div', property: 'outerHTML' },
      { target: '#frame', property: 'srcdoc' },
      { target: '#btn', property: 'onclick' },
      { target: '#btn', attribute: 'onclick' },
      { target: '#btn', attribute: 'OnMouseOver' },
      { target: '#frame', attribute: 'srcdoc' },
      { target: '#div', attribute: 'innerHTML' },
      // An empty attribute falls back to the property: that property must be checked too.
      { target: '#div', property: 'innerHTML', attribute: '' },
    ];
    const { root, $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <div id="div"><span>kept</span></div>
        <iframe id="frame"></iframe>
        <button id="btn">b</button>
        <mqtt-subscribe id="ok" topic=${topic}></mqtt-subscribe>
        ${bindings.map(
          (b) => html`<mqtt-subscribe
            class="unsafe"
            topic=${topic}
            target=${b.target}
            property=${ifDefined(b.property)}
            attribute=${ifDefined(b.attribute)}
          ></mqtt-subscribe>`,
        )}
      </mqtt-connection>
    `);
    const unsafe = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe.unsafe')];
    await Promise.all(unsafe.map((el) => el.updateComplete));
    for (const [i, el] of unsafe.entries()) {
      expect(codesFrom(errors, el), JSON.stringify(bindings[i])).to.deep.equal(['unsafe-binding']);
      expect(el.getAttribute('status'), JSON.stringify(bindings[i])).to.equal('error');
    }
    // The subscription itself stands (shared with #ok): messages arrive, and are not written.
    await subscribed($<MqttSubscribeElement>('#ok'));
    await deliver(topic, '<img src=x onerror=alert(1)>', unsafe);
    for (const el of unsafe) expect(el.value).to.equal('<img src=x onerror=alert(1)>');
    expect($('#div').innerHTML).to.equal('<span>kept</span>');
    expect($('#div').attributes).to.have.length(1); // id only
    expect($('#frame').hasAttribute('srcdoc')).to.equal(false);
    expect($<HTMLIFrameElement>('#frame').srcdoc).to.equal('');
    expect($('#btn').onclick).to.equal(null);
    expect($('#btn').hasAttribute('onclick')).to.equal(false);
    expect($('#btn').hasAttribute('onmouseover')).to.equal(false);
    expect(root.querySelector('img')).to.equal(null);
    expect(uncaught).to.deep.equal([]);
  });

  it('refuses a javascript: URL for href/src, then writes the next safe value', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('url');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <a id="link" href="/start">link</a>
        <iframe id="frame"></iframe>
        <mqtt-subscribe id="href" topic=${topic} target="#link" attribute="href"></mqtt-subscribe>
        <mqtt-subscribe id="src" topic=${topic} target="#frame" property="src"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const els = [$<MqttSubscribeElement>('#href'), $<MqttSubscribeElement>('#src')];
    await Promise.all(els.map((el) => subscribed(el)));
    await deliver(topic, ' java\tscript:window.pwned=1', els);
    for (const el of els) {
      expect(codesFrom(errors, el)).to.deep.equal(['unsafe-binding']);
      expect(el.getAttribute('status')).to.equal('error');
    }
    expect($('#link').getAttribute('href')).to.equal('/start');
    expect($('#frame').hasAttribute('src')).to.equal(false);
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
    await deliver(topic, 'about:blank', els);
    expect($('#link').getAttribute('href')).to.equal('about:blank');
    for (const el of els) expect(el.getAttribute('status')).to.equal('subscribed');
    expect(uncaught).to.deep.equal([]);
  });

  it('refuses a binding made unsafe later and keeps the target as it was', async () => {
    const { el, topic, $, errors } = await mountSubscribed({ target: '#div', before: html`<div id="div"></div>` });
    await deliver(topic, '<b>first</b>', [el]);
    expect($('#div').textContent).to.equal('<b>first</b>');
    el.setAttribute('property', 'innerHTML');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['unsafe-binding']);
    expect(el.getAttribute('status')).to.equal('error');
    await deliver(topic, '<b>second</b>', [el]);
    expect($('#div').textContent).to.equal('<b>first</b>');
    expect($('#div').children).to.have.length(0);
    // Back to a safe property: the latest value is written, and the status recovers.
    el.setAttribute('property', 'textContent');
    await el.updateComplete;
    expect($('#div').textContent).to.equal('<b>second</b>');
    expect(el.getAttribute('status')).to.equal('subscribed');
  });
});
