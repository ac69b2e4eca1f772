// <mqtt-publish> triggers and payloads: what each control sends, checked at the broker (aedes).
import { expect, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement } from '../../src/index.js';
import { getBrokers, uid, waitFor } from '../support/brokers.js';
import { brokerEvents, connected, mount, roundTrip } from '../support/elements.js';

/**
 * Mounts `<mqtt-publish topic=…>` with `inner` on its own connection; `sent()` lists the payloads
 * aedes received on the topic from this client, `waitSent(n)` waits until there are `n`.
 */
async function publisher(attrs: { trigger?: string; payload?: string }, inner: TemplateResult) {
  const { aedes } = await getBrokers();
  const id = uid('c');
  const topic = `${id}/pub`;
  const mounted = await mount(html`
    <mqtt-connection url=${aedes.url} client-id=${id}>
      <mqtt-publish topic=${topic}>${inner}</mqtt-publish>
    </mqtt-connection>
  `);
  const el = mounted.$<MqttPublishElement>('mqtt-publish');
  if (attrs.trigger) el.setAttribute('trigger', attrs.trigger);
  if (attrs.payload !== undefined) el.setAttribute('payload', attrs.payload);
  await el.updateComplete;
  const connection = mounted.$<MqttConnectionElement>('mqtt-connection');
  await connected(connection);
  const sent = async () => (await brokerEvents(id, 'publish', topic)).map((e) => e.payload);
  const waitSent = (n: number) => waitFor(async () => (await sent()).length >= n, { message: `${n} publishes on ${topic}` });
  /** Everything this client sent before is at the broker now: the list is final. */
  const settled = async () => {
    await roundTrip(connection, `${id}/sync`);
    return sent();
  };
  return { ...mounted, el, id, topic, connection, sent, waitSent, settled };
}

const change = (el: Element, type = 'change') => el.dispatchEvent(new Event(type, { bubbles: true }));

describe('<mqtt-publish> default triggers', () => {
  it('a button click publishes the fixed payload, and mqtt-published tells', async () => {
    const { $, el, topic, waitSent, settled, published } = await publisher(
      { payload: 'pressed' },
      html`<button><span class="icon">*</span> go</button>`,
    );
    $('button').click();
    await waitSent(1);
    $('.icon').click(); // a click on something inside the button is the button's
    await waitSent(2);
    expect(await settled()).to.deep.equal(['pressed', 'pressed']);
    await waitFor(() => published.length === 2);
    expect(published[0].target).to.equal(el);
    expect(published[0].detail).to.deep.equal({ topic, payload: 'pressed' });
    expect(published[0].bubbles && published[0].composed).to.equal(true);
  });

  it('a button without payload publishes its value as text', async () => {
    const { $, settled, waitSent } = await publisher({}, html`<button value='{"not":"parsed"}'>go</button>`);
    $('button').click();
    await waitSent(1);
    expect(await settled()).to.deep.equal(['{"not":"parsed"}']);
  });

  it('a checkbox publishes true/false on change, once per change', async () => {
    const { $, settled, waitSent } = await publisher({}, html`<label><input type="checkbox" /> lamp</label>`);
    const box = $<HTMLInputElement>('input');
    box.click();
    await waitSent(1);
    box.click();
    await waitSent(2);
    $('label').click(); // a label click toggles the box: one change, one publish
    await waitSent(3);
    expect(await settled()).to.deep.equal(['true', 'false', 'true']);
  });

  it('a number or range input publishes the number', async () => {
    const { $, settled, waitSent } = await publisher(
      {},
      html`<input id="n" type="number" /><input id="r" type="range" min="0" max="100" />`,
    );
    const n = $<HTMLInputElement>('#n');
    n.value = '42';
    change(n);
    await waitSent(1);
    n.value = '-2.5';
    change(n);
    await waitSent(2);
    const r = $<HTMLInputElement>('#r');
    r.value = '7';
    change(r);
    await waitSent(3);
    expect(await settled()).to.deep.equal(['42', '-2.5', '7']);
  });

  it('a text input, select and textarea publish their value as text on change', async () => {
    const { $, settled, waitSent } = await publisher(
      {},
      html`<input id="t" /><select id="s"><option>a</option><option value="b-value">b</option></select
        ><textarea id="a"></textarea>`,
    );
    const t = $<HTMLInputElement>('#t');
    t.value = '{"a":1}'; // sent as it is, not as a JSON string
    change(t, 'input'); // not the default trigger of an input
    change(t);
    await waitSent(1);
    const s = $<HTMLSelectElement>('#s');
    s.value = 'b-value';
    change(s);
    await waitSent(2);
    const a = $<HTMLTextAreaElement>('#a');
    a.value = 'two\nlines';
    change(a);
    await waitSent(3);
    expect(await settled()).to.deep.equal(['{"a":1}', 'b-value', 'two\nlines']);
  });

  it('a form submit publishes its fields as a JSON object, repeated names as arrays, and stays on the page', async () => {
    const { $, settled, waitSent } = await publisher(
      {},
      html`<form action="/navigated-away" method="get">
        <input name="name" value="kitchen" />
        <input type="checkbox" name="tags" value="a" checked />
        <input type="checkbox" name="tags" value="b" />
        <input type="checkbox" name="tags" value="c" checked />
        <select name="modes" multiple>
          <option selected>x</option>
          <option>y</option>
          <option selected>z</option>
        </select>
        <input type="hidden" name="h" value="1" />
        <button name="action" value="save">save</button>
      </form>`,
    );
    const prevented: boolean[] = [];
    const guard = (e: Event) => {
      prevented.push(e.defaultPrevented);
      e.preventDefault(); // keeps the test page if the element did not
    };
    document.addEventListener('submit', guard);
    const href = location.href;
    try {
      change($('input[name=name]')); // changes inside a form wait for its submit
      $('button').click();
      await waitSent(1);
    } finally {
      document.removeEventListener('submit', guard);
    }
    expect(prevented).to.deep.equal([true]);
    expect(location.href).to.equal(href);
    const sent = await settled();
    expect(sent).to.have.length(1);
    expect(JSON.parse(sent[0]!)).to.deep.equal({
      name: 'kitchen',
      tags: ['a', 'c'],
      modes: ['x', 'z'],
      h: '1',
      action: 'save',
    });
  });
});

describe('<mqtt-publish> trigger and payload attributes', () => {
  it('trigger="input" publishes on input events, not on change', async () => {
    const { $, settled, waitSent } = await publisher({ trigger: 'input' }, html`<input />`);
    const input = $<HTMLInputElement>('input');
    input.value = 'typed';
    change(input); // not the chosen trigger
    change(input, 'input');
    await waitSent(1);
    input.value = 'typed more';
    change(input, 'input');
    await waitSent(2);
    expect(await settled()).to.deep.equal(['typed', 'typed more']);
  });

  it('trigger="click" on a checkbox publishes on click (with the new state), not on change', async () => {
    const { $, settled, waitSent } = await publisher({ trigger: 'click' }, html`<input type="checkbox" />`);
    $('input').click(); // dispatches click, then change
    await waitSent(1);
    expect(await settled()).to.deep.equal(['true']);
  });

  it('a fixed payload overrides the control value, also for a form (still no navigation)', async () => {
    const { $, settled, waitSent } = await publisher(
      { payload: 'fixed' },
      html`<input id="box" type="checkbox" /><form><input name="a" value="1" /><button>ok</button></form>`,
    );
    $('#box').click();
    await waitSent(1);
    const prevented: boolean[] = [];
    const guard = (e: Event) => {
      prevented.push(e.defaultPrevented);
      e.preventDefault();
    };
    document.addEventListener('submit', guard);
    try {
      $('form button').click();
      await waitSent(2);
    } finally {
      document.removeEventListener('submit', guard);
    }
    expect(prevented).to.deep.equal([true]);
    expect(await settled()).to.deep.equal(['fixed', 'fixed']);
  });
});
