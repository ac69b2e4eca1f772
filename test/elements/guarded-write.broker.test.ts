// Issue 18 item 1 (README: Security; SECURITY.md): every path that writes a received or replied
// value into the page goes through one guarded writer. Attacked as a hostile device would, against
// mosquitto in the browser: a JSON array that a URL sink turns into `javascript:`, a reply aimed at
// `innerHTML` or a handler, a `<script>` in a row template, and targets that throw.
import { expect, html } from '@open-wc/testing';
import fc from 'fast-check';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import { brokerEndpoint, once, uid, waitFor, type BrokerEndpoint } from '../support/brokers.js';
import { codesFrom, connected, mount, subscribed } from '../support/elements.js';
import { hostilePayload, PARSED, reportRuns, runsAsUrl } from '../support/hostile.js';

type Hit = { __xss?: unknown };
const ran = () => (window as Hit).__xss;

afterEach(() => {
  delete (window as Hit).__xss;
});

/** A peer on the broker: publishes payloads, and answers MQTT 5 requests with `reply`. */
async function peer(at: BrokerEndpoint, reply?: { topic: string; payload: () => string }): Promise<{ client: MqttClient; send(topic: string, payload: string): Promise<void> }> {
  const client: MqttClient = mqtt.connect(at.url, { protocolVersion: 5, clientId: uid('dev'), reconnectPeriod: 0 });
  await once(client, 'connect');
  if (reply) {
    await new Promise<void>((resolve, reject) => client.subscribe(reply.topic, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
    client.on('message', (_t, _p, packet) => {
      const { responseTopic, correlationData } = packet.properties ?? {};
      if (responseTopic) client.publish(responseTopic, reply.payload(), { qos: 1, properties: { correlationData } });
    });
  }
  const send = (topic: string, payload: string) =>
    new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
  return { client, send };
}

describe('one guarded writer (mosquitto)', () => {
  let at: BrokerEndpoint;
  let device: Awaited<ReturnType<typeof peer>> | undefined;
  before(async () => {
    at = await brokerEndpoint('mosquitto');
  });
  afterEach(() => {
    device?.client.end(true);
    device = undefined;
  });

  it('a JSON array, nested array or disguised scheme bound to a URL property is refused as the sink would read it', async () => {
    const t = uid('url');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${at.url} client-id=${uid('c')}>
        <a id="a" href="/safe">link</a>
        <iframe id="f"></iframe>
        <form id="form" action="/ok"><button id="b" formaction="/ok">go</button></form>
        <mqtt-subscribe id="s-a" topic="${t}/a" target="#a" property="href" format="json" path="link"></mqtt-subscribe>
        <mqtt-subscribe id="s-f" topic="${t}/f" target="#f" property="src" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="s-form" topic="${t}/form" target="#form" property="action" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="s-b" topic="${t}/b" target="#b" property="formAction" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="s-attr" topic="${t}/attr" target="#a" attribute="href" format="json"></mqtt-subscribe>
      </mqtt-connection>`);
    const subs = ['#s-a', '#s-f', '#s-form', '#s-b', '#s-attr'].map((s) => $<MqttSubscribeElement>(s));
    await subscribed(...subs);
    device = await peer(at);
    const payloads: Array<[string, string]> = [
      [`${t}/a`, '{"link":["javascript:window.__xss=1"]}'],
      [`${t}/f`, '[["  JavaScript:parent.__xss=2"]]'],
      [`${t}/form`, '["vbscript:msgbox(1)"]'],
      [`${t}/b`, '["data:text/html,<script>parent.__xss=3</script>"]'],
      [`${t}/attr`, '"java\\tscript:window.__xss=4"'],
    ];
    for (const [topic, payload] of payloads) await device.send(topic, payload);
    await waitFor(() => subs.every((s) => s.value !== undefined));
    await Promise.all(subs.map((s) => s.updateComplete));
    for (const s of subs) expect(codesFrom(errors, s), s.id).to.deep.equal(['unsafe-binding']);
    expect($<HTMLAnchorElement>('#a').getAttribute('href')).to.equal('/safe');
    expect($<HTMLIFrameElement>('#f').hasAttribute('src')).to.equal(false);
    expect($<HTMLFormElement>('#form').getAttribute('action')).to.equal('/ok');
    expect($<HTMLButtonElement>('#b').getAttribute('formaction')).to.equal('/ok');
    // (No click: a test page must not navigate. The iframe's `src` would have run at once.)
    expect(ran(), 'no payload ran').to.equal(undefined);
    expect(uncaught).to.deep.equal([]);
    // A safe value after the refusal is written, and clears the error.
    await device.send(`${t}/a`, '{"link":["https://example.com/x"]}');
    await waitFor(() => $<HTMLAnchorElement>('#a').getAttribute('href') === 'https://example.com/x');
    expect(subs[0]!.status).to.equal('subscribed');
  });

  it("a request's reply never reaches innerHTML, a handler or a javascript: href", async () => {
    const t = uid('req');
    const hostile = '<img src=x onerror="window.__xss=5">';
    device = await peer(at, { topic: `${t}/ask`, payload: () => JSON.stringify({ html: hostile, js: ['javascript:window.__xss=6'] }) });
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${at.url} client-id=${uid('c')} protocol-version="5">
        <div id="out"><i>kept</i></div>
        <a id="link" href="/safe">link</a>
        <mqtt-publish id="html" topic="${t}/ask" expect-response format="json" path="html" target="#out" property="innerHTML"></mqtt-publish>
        <mqtt-publish id="handler" topic="${t}/ask" expect-response format="json" path="html" target="#out" attribute="onclick"></mqtt-publish>
        <mqtt-publish id="href" topic="${t}/ask" expect-response format="json" path="js" target="#link" property="href"></mqtt-publish>
      </mqtt-connection>`);
    await connected($<MqttConnectionElement>('mqtt-connection'));
    for (const id of ['#html', '#handler', '#href']) {
      const el = $<MqttPublishElement>(id);
      const reply = await el.request('go');
      expect(reply, 'the reply itself is still the decoded value').to.not.equal(undefined);
      expect(codesFrom(errors, el), id).to.include('unsafe-binding');
    }
    expect($('#out').innerHTML).to.equal('<i>kept</i>');
    expect($('#out').hasAttribute('onclick')).to.equal(false);
    expect($('#link').getAttribute('href')).to.equal('/safe');
    $('#out').click();
    expect(document.querySelector('img[src="x"]')).to.equal(null);
    expect(ran()).to.equal(undefined);
    expect(uncaught).to.deep.equal([]);
  });

  it('a <script data-value> in a row template gets no payload, and the topic never becomes script', async () => {
    const t = uid('rows');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${at.url} client-id=${uid('c')}>
        <mqtt-subscribe id="rows" topic="${t}/+">
          <template><p><span data-topic-level="1"></span><script data-value></script></p></template>
        </mqtt-subscribe>
      </mqtt-connection>`);
    const el = $<MqttSubscribeElement>('#rows');
    await subscribed(el);
    device = await peer(at);
    await device.send(`${t}/dev`, 'window.__xss=7');
    await waitFor(() => el.querySelector('p') !== null);
    await el.updateComplete;
    expect(el.querySelector('span')!.textContent).to.equal('dev');
    expect(el.querySelector('script')!.textContent).to.equal('');
    expect(codesFrom(errors, el)).to.deep.equal(['unsafe-binding']);
    expect(ran()).to.equal(undefined);
    expect(uncaught).to.deep.equal([]);
  });

  it('a target that throws gives binding-failed, nothing uncaught, and the next good write works', async () => {
    const t = uid('throw');
    const { $, errors, uncaught } = await mount(html`
      <mqtt-connection url=${at.url} client-id=${uid('c')}>
        <input id="text" />
        <input id="date" type="number" />
        <p id="p"></p>
        <mqtt-subscribe id="attr" topic="${t}/v" target="#p" attribute="a b"></mqtt-subscribe>
        <mqtt-subscribe id="num" topic="${t}/v" target="#text" property="valueAsNumber" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="when" topic="${t}/v" target="#date" property="valueAsDate" format="json"></mqtt-subscribe>
      </mqtt-connection>`);
    const subs = ['#attr', '#num', '#when'].map((s) => $<MqttSubscribeElement>(s));
    await subscribed(...subs);
    device = await peer(at);
    await device.send(`${t}/v`, '42');
    await waitFor(() => subs.every((s) => s.value !== undefined));
    await Promise.all(subs.map((s) => s.updateComplete));
    for (const s of subs) {
      expect(codesFrom(errors, s), s.id).to.deep.equal(['binding-failed']);
      expect(s.status, s.id).to.equal('error');
      expect(s.error!.message, s.id).to.match(/refused the value for its (attribute|property) "/);
    }
    expect(uncaught, 'no setter error escaped').to.deep.equal([]);
  });

  it('property: random payloads through mosquitto into every sink of a page run nothing and are all events', async function () {
    this.timeout(120000);
    const t = uid('prop');
    const { $, root, messages, errors, uncaught } = await mount(html`
      <mqtt-connection url=${at.url} client-id=${uid('c')}>
        <a id="a" href="/safe">link</a><iframe id="f"></iframe><input id="i" /><p id="p"></p>
        <mqtt-subscribe id="text" topic="${t}/#" format="json"></mqtt-subscribe>
        <mqtt-subscribe id="list" topic="${t}/#" history="3"></mqtt-subscribe>
        <mqtt-subscribe id="href" topic="${t}/#" format="json" target="#a" property="href"></mqtt-subscribe>
        <mqtt-subscribe id="src" topic="${t}/#" format="json" target="#f" attribute="src"></mqtt-subscribe>
        <mqtt-subscribe id="num" topic="${t}/#" format="json" target="#i" property="valueAsNumber"></mqtt-subscribe>
        <mqtt-subscribe id="title" topic="${t}/#" format="bytes" target="#p" attribute="title"></mqtt-subscribe>
        <mqtt-subscribe id="rows" topic="${t}/#" format="json" limit="3"><template><p><b data-topic-level="1"></b><span data-value></span></p></template></mqtt-subscribe>
      </mqtt-connection>`);
    const subs = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
    await subscribed(...subs);
    device = await peer(at);
    const parsedBefore = root.querySelectorAll(PARSED).length - root.querySelectorAll('mqtt-subscribe b').length;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('x', 'y', 'z'), hostilePayload.filter((p) => p.length > 0 && p.length < 200000), async (level, payload) => {
        runs++;
        const before = messages.length;
        await new Promise<void>((resolve, reject) => device!.client.publish(`${t}/${level}`, payload as string, { qos: 1 }, (e) => (e ? reject(e) : resolve())));
        await waitFor(() => messages.length === before + subs.length);
        await Promise.all(subs.map((s) => s.updateComplete));
        expect(uncaught).to.deep.equal([]);
        expect(ran()).to.equal(undefined);
        expect(root.querySelectorAll(PARSED).length - root.querySelectorAll('mqtt-subscribe b').length).to.equal(parsedBefore);
        for (const el of [$('#a'), $('#f'), $('#i'), $('#p')]) for (const a of el.attributes) expect(runsAsUrl(a.value), `${el.id} ${a.name}`).to.equal(false);
        for (const e of errors) expect(['payload-format', 'unsafe-binding', 'binding-failed']).to.include(e.detail.error.code);
      }),
      { numRuns: 40, includeErrorInReport: true },
    );
    reportRuns('payloads through mosquitto × 7 sinks', runs);
  });
});
