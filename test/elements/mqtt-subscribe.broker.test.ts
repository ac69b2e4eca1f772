// <mqtt-subscribe> against real brokers: filters, QoS, formats, rendering, messages and status.
// Messages and status, bindings, sharing and connection lookup: mqtt-subscribe-*.broker.test.ts;
// against a fake connection, with no broker: mqtt-subscribe.test.ts.
import { expect, html, oneEvent } from '@open-wc/testing';
import '../../src/index.js';
import { topicFilterError, type MqttMessage, type MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid } from '../support/brokers.js';
import {
  BROKER_NAMES,
  brokerUnderTest,
  codesFrom,
  mount,
  mountSubscribed,
  nextMessages,
  subscribed,
  subscribesAt,
  text,
} from '../support/elements.js';

const payloads = (list: readonly MqttMessage[]) => list.map((m) => text(m.payload));

describe('<mqtt-subscribe> topic filters', () => {
  for (const name of BROKER_NAMES) {
    it(`receives what matches + and # from an outside peer, nothing else (${name})`, async () => {
      const broker = await brokerUnderTest(name);
      const base = uid('wild');
      const { $ } = await mount(html`
        <mqtt-connection url=${broker.url} client-id=${uid('c')}>
          <mqtt-subscribe id="plus" topic="${base}/+/temp"></mqtt-subscribe>
          <mqtt-subscribe id="plus2" topic="${base}/+/+/v"></mqtt-subscribe>
          <mqtt-subscribe id="hash" topic="${base}/#"></mqtt-subscribe>
          <mqtt-subscribe id="subtree" topic="${base}/x/#"></mqtt-subscribe>
        </mqtt-connection>
      `);
      const ids = ['plus', 'plus2', 'hash', 'subtree'] as const;
      const els = ids.map((id) => $<MqttSubscribeElement>(`#${id}`));
      await subscribed(...els);
      const seen: Record<string, string[]> = {};
      els.forEach((el, i) => {
        seen[ids[i]] = [];
        el.addEventListener('mqtt-message', (e) => seen[ids[i]].push(`${e.detail.topic}=${e.detail.value}`));
      });
      // One client holds all four: the broker routes to it in order, so once the last message
      // reached #plus, every earlier one has reached whoever it matched.
      const last = nextMessages(els[0]);
      const sent = [
        [`other/${base}/a/temp`, 'elsewhere'],
        [`${base}/a/temp/x`, 'too deep for +'],
        [`${base}/a/b/temp`, 'deep'],
        [base, 'parent'],
        [`${base}/x/1`, 'x one'],
        [`${base}/y/1/w`, 'not v'],
        [`${base}/y/1/v/z`, 'below v'],
        [`${base}/x/1/v`, 'x one v'],
        [`${base}/a/temp`, 'match'],
      ];
      // QoS 1: each publish is with the broker before the next one starts.
      for (const [topic, payload] of sent) await broker.publish({ topic, payload, qos: 1 });
      await last;
      expect(seen.plus).to.deep.equal([`${base}/a/temp=match`]);
      expect(seen.plus2).to.deep.equal([`${base}/x/1/v=x one v`]);
      expect(seen.subtree).to.deep.equal([`${base}/x/1=x one`, `${base}/x/1/v=x one v`]);
      expect(seen.hash).to.deep.equal(sent.slice(1).map(([topic, payload]) => `${topic}=${payload}`));
      expect(els[0].value).to.equal('match');
    });
  }

  it('refuses invalid filters with invalid-topic, status error, and throws nothing', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const bad = ['a/#/b', 'a+', '', '#/a', 'a/b#', 'a/+b'];
    const { root, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        ${bad.map((topic) => html`<mqtt-subscribe topic=${topic}></mqtt-subscribe>`)}
        <mqtt-subscribe id="ok" topic="${id}/ok"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const elements = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe:not(#ok)')];
    await Promise.all(elements.map((el) => el.updateComplete)); // rejects if an update threw
    for (const el of elements) {
      expect(codesFrom(errors, el), `topic "${el.topic}"`).to.deep.equal(['invalid-topic']);
      expect(el.status).to.equal('error');
      expect(el.getAttribute('status')).to.equal('error');
      expect(el.error?.code).to.equal('invalid-topic');
      expect(el.error).to.be.instanceOf(Error);
      // The core's reason for this filter (its wording is tested in test/core/topic.test.ts).
      expect(el.error!.message).to.equal(topicFilterError(el.topic));
      expect(el.error!.message).to.contain(el.topic === '' ? 'empty' : `"${el.topic}"`);
    }
    // The good element on the same connection is not held up, and no bad filter reached the broker.
    await subscribed(root.querySelector<MqttSubscribeElement>('#ok')!);
    for (const topic of bad) expect(await subscribesAt(id, topic)).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });

  it('accepts the valid edge cases of the filter grammar', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const good = [`+/${id}/#`, `${id}//x`, `${id}/+/+`, `${id}/`, `/${id}`];
    const { root, errors } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        ${good.map((topic) => html`<mqtt-subscribe topic=${topic}></mqtt-subscribe>`)}
      </mqtt-connection>
    `);
    await subscribed(...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe'));
    for (const topic of good) expect(await subscribesAt(id, topic), topic).to.deep.equal([0]);
    expect(errors).to.deep.equal([]);
  });

  it('reports a filter made invalid later, from the attribute, without throwing', async () => {
    const { el, topic, errors, uncaught } = await mountSubscribed();
    el.setAttribute('topic', `${topic}/#/x`);
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['invalid-topic']);
    expect(el.getAttribute('status')).to.equal('error');
    // Fixing it recovers.
    el.setAttribute('topic', `${topic}/+/x`);
    await subscribed(el);
    expect(el.getAttribute('status')).to.equal('subscribed');
    expect(uncaught).to.deep.equal([]);
  });

  it('sends qos 0, 1 and 2 to the broker', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const { root } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic="${id}/q0"></mqtt-subscribe>
        <mqtt-subscribe topic="${id}/q1" qos="1"></mqtt-subscribe>
        <mqtt-subscribe topic="${id}/q2" qos="2"></mqtt-subscribe>
      </mqtt-connection>
    `);
    await subscribed(...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe'));
    expect(await subscribesAt(id, `${id}/q0`)).to.deep.equal([0]);
    expect(await subscribesAt(id, `${id}/q1`)).to.deep.equal([1]);
    expect(await subscribesAt(id, `${id}/q2`)).to.deep.equal([2]);
  });

  it('refuses qos 3 and x with invalid-qos', async () => {
    const { aedes } = await getBrokers();
    const id = uid('c');
    const { root, errors, uncaught } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic="${id}/a" qos="3"></mqtt-subscribe>
        <mqtt-subscribe topic="${id}/b" qos="x"></mqtt-subscribe>
        <mqtt-subscribe id="ok" topic="${id}/ok" qos="1"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const [three, x] = root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe');
    await Promise.all([three.updateComplete, x.updateComplete]);
    expect(codesFrom(errors, three)).to.deep.equal(['invalid-qos']);
    expect(codesFrom(errors, x)).to.deep.equal(['invalid-qos']);
    expect(three.getAttribute('status')).to.equal('error');
    expect(x.getAttribute('status')).to.equal('error');
    await subscribed(root.querySelector<MqttSubscribeElement>('#ok')!);
    expect(await subscribesAt(id, `${id}/a`)).to.deep.equal([]);
    expect(await subscribesAt(id, `${id}/b`)).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
  });
});

describe('<mqtt-subscribe> formats', () => {
  async function one(attrs: { format?: string; path?: string }) {
    const mounted = await mountSubscribed(attrs);
    const { el, connection, topic } = mounted;
    /** Publishes from the page's own client and waits for the element to have it. */
    const send = async (payload: unknown) => {
      const got = oneEvent(el, 'mqtt-message');
      await connection.publish(topic, payload, { qos: 1 });
      await got;
      await el.updateComplete;
    };
    return { ...mounted, send };
  }

  it('text: the UTF-8 string', async () => {
    const { el, send } = await one({});
    await send('héllo €');
    expect(el.value).to.equal('héllo €');
    expect(el.textContent).to.equal('héllo €');
  });

  it('json: the parsed value', async () => {
    const { el, send } = await one({ format: 'json' });
    await send('{"a":[1,2,{"b":null}],"ok":true}');
    expect(el.value).to.deep.equal({ a: [1, 2, { b: null }], ok: true });
    await send('42');
    expect(el.value).to.equal(42);
  });

  it('bytes: a Uint8Array with exactly the bytes sent', async () => {
    const { el, send } = await one({ format: 'bytes' });
    const bytes = new Uint8Array([0, 255, 1, 128, 0xc3, 0x28]); // not valid UTF-8 on purpose
    await send(bytes);
    const value = el.value as Uint8Array;
    expect(value).to.be.instanceOf(Uint8Array);
    expect(Array.from(value)).to.deep.equal(Array.from(bytes));
    expect(value.byteLength).to.equal(6);
    expect(Array.from(el.message!.payload)).to.deep.equal(Array.from(bytes));
  });

  it('json with path sensors.0.celsius', async () => {
    const { el, send } = await one({ format: 'json', path: 'sensors.0.celsius' });
    await send('{"sensors":[{"celsius":21.5},{"celsius":3}]}');
    expect(el.value).to.equal(21.5);
    expect(el.textContent).to.equal('21.5');
  });

  it('json with a path the payload lacks: payload-format, the last good value kept', async () => {
    const { el, send, errors } = await one({ format: 'json', path: 'sensors.0.celsius' });
    await send('{"sensors":[{"celsius":20}]}');
    await send('{"sensors":[]}');
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.getAttribute('status')).to.equal('error');
    expect(el.value).to.equal(20);
    expect(el.textContent).to.equal('20');
    await send('{"sensors":[{"celsius":0}]}');
    expect(el.value).to.equal(0);
    expect(el.getAttribute('status')).to.equal('subscribed');
  });

  it('bad JSON: payload-format and status error, the last good value kept; the next good one recovers', async () => {
    const { el, send, errors, uncaught } = await one({ format: 'json' });
    await send('{"v":1}');
    expect(el.getAttribute('status')).to.equal('subscribed');
    await send('{"v":');
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.error?.code).to.equal('payload-format');
    expect(el.status).to.equal('error');
    expect(el.getAttribute('status')).to.equal('error');
    expect(el.value).to.deep.equal({ v: 1 });
    expect(el.textContent).to.equal('{"v":1}');
    await send('{"v":2}');
    expect(el.value).to.deep.equal({ v: 2 });
    expect(el.status).to.equal('subscribed');
    expect(el.getAttribute('status')).to.equal('subscribed');
    expect(uncaught).to.deep.equal([]);
  });
});

describe('<mqtt-subscribe> rendering', () => {
  it('with no children shows the value as text, objects as JSON, never as HTML', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('r');
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <mqtt-subscribe id="t" topic=${topic}></mqtt-subscribe>
        <mqtt-subscribe id="j" topic=${topic} format="json"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const t = $<MqttSubscribeElement>('#t');
    const j = $<MqttSubscribeElement>('#j');
    await subscribed(t, j);
    let got = nextMessages(j);
    await aedesPublish({ topic, payload: '{"a": [1, "<b>x</b>"]}' });
    await got;
    await Promise.all([t.updateComplete, j.updateComplete]);
    expect(t.textContent).to.equal('{"a": [1, "<b>x</b>"]}');
    expect(j.textContent).to.equal('{"a":[1,"<b>x</b>"]}');
    expect(t.children).to.have.length(0);
    expect(j.children).to.have.length(0);
    got = nextMessages(j);
    await aedesPublish({ topic, payload: '"plain"' });
    await got;
    await j.updateComplete;
    expect(j.textContent).to.equal('plain');
  });

  it('history=3 keeps the last 3 messages, oldest first, and renders them as a list', async () => {
    const { el, topic } = await mountSubscribed({ history: '3' });
    const got = nextMessages(el, 4);
    for (const payload of ['m1', 'm2', 'm3', 'm4']) await aedesPublish({ topic, payload, qos: 1 });
    await got;
    await el.updateComplete;
    expect(payloads(el.messages)).to.deep.equal(['m2', 'm3', 'm4']);
    expect(el.value).to.equal('m4');
    expect(text(el.message!.payload)).to.equal('m4');
    const items = [...el.querySelectorAll('li')];
    expect(items.map((li) => li.textContent)).to.deep.equal(['m2', 'm3', 'm4']);
    expect(el.querySelectorAll('ul, ol')).to.have.length(1);
  });

  it('history=1 (default) keeps only the latest message', async () => {
    const { el, topic } = await mountSubscribed();
    expect(el.messages).to.deep.equal([]);
    expect(el.value).to.equal(undefined);
    expect(el.message).to.equal(undefined);
    const got = nextMessages(el, 2);
    for (const payload of ['a', 'b']) await aedesPublish({ topic, payload, qos: 1 });
    await got;
    expect(payloads(el.messages)).to.deep.equal(['b']);
  });

  it('renders nothing over element children', async () => {
    const { aedes } = await getBrokers();
    const topic = uid('r');
    const { $ } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${uid('c')}>
        <mqtt-subscribe id="one" topic=${topic}><span class="mine">static</span></mqtt-subscribe>
        <mqtt-subscribe id="list" topic=${topic} history="3"><em class="mine">static</em></mqtt-subscribe>
      </mqtt-connection>
    `);
    const one = $<MqttSubscribeElement>('#one');
    const list = $<MqttSubscribeElement>('#list');
    await subscribed(one, list);
    const got = nextMessages(list, 2);
    await aedesPublish({ topic, payload: 'v1', qos: 1 });
    await aedesPublish({ topic, payload: 'v2', qos: 1 });
    await got;
    await Promise.all([one.updateComplete, list.updateComplete]);
    for (const el of [one, list]) {
      expect(el.children).to.have.length(1);
      expect(el.children[0].className).to.equal('mine');
      expect(el.textContent).to.equal('static');
    }
    expect(one.value).to.equal('v2');
    expect(payloads(list.messages)).to.deep.equal(['v1', 'v2']);
  });
});
