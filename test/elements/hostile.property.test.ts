// Property-based (issue 18, item 9): the elements under hostile input, with a fake connection (no
// broker: thousands of cases in seconds; the same paths against mosquitto are in
// hostile-payloads.broker.test.ts). Random payloads (JSON of every shape, bytes, huge, deep, and
// hostile values as CBOR and as Sparkplug B metrics) with random settings into every way
// `<mqtt-subscribe>` shows a value, random replies into `<mqtt-publish expect-response>`, and
// random attribute values on all four elements. Whatever
// comes: nothing thrown or uncaught, nothing run or parsed, every error coded, every message
// still an event.
import { expect, html } from '@open-wc/testing';
import fc from 'fast-check';
import { encode as cborgEncode } from 'cborg';
import '../../src/index.js';
import '../../src/chart/index.js';
import { encode as sparkplugEncode } from '../../src/core/formats/sparkplug.js';
import { toReceivedMessage } from '../../src/core/message.js';
import { formatLoading } from '../../src/core/payload-formats.js';
import type { MqttConnection } from '../../src/core/connection.js';
import { isMqttElementsError, MqttElementsError, type MqttPublishElement, type MqttSubscribeElement } from '../../src/index.js';
import { FakeConnection } from '../support/fake-connection.js';
import { hostileJson, hostilePayload, hostileString, PARSED, reportRuns, runsAsUrl, sinkName, targetTag } from '../support/hostile.js';
import { mount, type Mounted } from '../support/mount.js';

type Hit = { __xss?: unknown };

const CODES = new Set([
  'invalid-url', 'insecure-url', 'invalid-topic', 'invalid-qos', 'not-authorized', 'connection-failed', 'client-id-in-use',
  'subscribe-denied', 'publish-failed', 'payload-format', 'unsafe-binding', 'binding-failed', 'redirect-refused',
  'not-confirmed', 'no-connection', 'response-timeout', 'unsupported',
]);

/** What must hold after any case: nothing ran, nothing parsed, nothing uncaught, every error coded. */
function checkAfter(m: Mounted, parsedBefore: number, label: string): void {
  expect(m.uncaught, `${label}: uncaught`).to.deep.equal([]);
  expect((window as Hit).__xss, `${label}: a payload ran`).to.equal(undefined);
  expect(m.root.querySelectorAll(PARSED).length, `${label}: elements parsed from a payload`).to.be.at.most(parsedBefore);
  for (const e of m.errors) {
    const error = e.detail.error as MqttElementsError;
    expect(isMqttElementsError(error) && CODES.has(error.code), `${label}: ${String(error)}`).to.equal(true);
  }
  // The page's own elements (the test set the mqtt-* elements' attributes itself).
  for (const el of m.root.querySelectorAll('*')) {
    if (el.localName.startsWith('mqtt-')) continue;
    for (const a of el.attributes) {
      expect(a.name.startsWith('on'), `${label}: handler ${a.name} on <${el.localName}>`).to.equal(false);
      expect(runsAsUrl(a.value), `${label}: <${el.localName} ${a.name}="${a.value.slice(0, 40)}">`).to.equal(false);
    }
  }
}

/** An element made from attributes, so that any name and value can be given. */
function element(tag: string, attributes: Array<[string, string]>): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of attributes) {
    try {
      el.setAttribute(name, value);
    } catch {
      // A name the DOM itself refuses never reaches the element.
    }
  }
  return el;
}

const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('property: hostile payloads, replies and attributes (fake connection)', () => {
  let realWebSocket: typeof WebSocket;
  const opened: string[] = [];
  before(() => {
    // No case may open a socket: a random `url` must never reach the network.
    realWebSocket = window.WebSocket;
    window.WebSocket = function (url: string | URL) {
      opened.push(String(url));
      throw new Error('no sockets in this test');
    } as unknown as typeof WebSocket;
  });
  after(() => {
    window.WebSocket = realWebSocket;
    expect(opened, 'sockets opened').to.deep.equal([]);
  });
  afterEach(() => {
    delete (window as Hit).__xss;
  });

  it('<mqtt-subscribe>: any payloads with any settings', async function () {
    // Megabyte payloads and deep nesting in a few hundred cases: more than mocha's 20 s in Firefox.
    this.timeout(120000);
    // The formats' code first: a message waits for it otherwise, and this checks what it becomes.
    await formatLoading('cbor');
    await formatLoading('sparkplug');
    let runs = 0;
    const settings = fc.record({
      format: fc.oneof(fc.constantFrom('text', 'json', 'bytes', 'cbor', 'sparkplug'), fc.string({ maxLength: 6 })),
      path: option(fc.oneof(fc.constantFrom('link', '0', 'a.0.b', '__proto__.polluted', 'constructor.prototype', 'metrics.link', 'metrics.0.value'), fc.string({ maxLength: 8 }))),
      mode: fc.constantFrom('text', 'history', 'rows', 'property', 'attribute'),
      sink: sinkName,
      tag: targetTag,
      history: option(fc.oneof(fc.constantFrom('5', '0', '-1', 'abc', '1e9', 'NaN'), fc.string({ maxLength: 4 }))),
      limit: option(fc.constantFrom('2', '0', 'x', '-5', '1e9')),
      labels: option(fc.oneof(fc.constant('{"true":"javascript:window.__xss=1","1":"<img src=x onerror=window.__xss=2>"}'), hostileString)),
      decimals: option(fc.constantFrom('2', '-1', '101', 'abc', '1e9')),
    });
    // Beside the text, JSON and bytes: the same hostile values as CBOR (BigInt, byte strings and
    // undefined among them), and as a Sparkplug B device's String metrics, which `format="cbor"`
    // and `format="sparkplug"` decode into values that then meet every sink.
    const cborPayload = fc
      .oneof(hostileJson, fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 16 }), fc.constant(undefined))
      .map((v) => cborgEncode(v as never));
    const sparkplugPayload = fc
      .array(fc.tuple(fc.constantFrom('link', 'html', '__proto__', 'constructor', 'value'), hostileString), { minLength: 1, maxLength: 3 })
      .map((metrics) => sparkplugEncode({ timestamp: 1, seq: 0, metrics: metrics.map(([name, value]) => ({ name, type: 'String', value })) }));
    const payload = fc.oneof({ weight: 3, arbitrary: hostilePayload }, { weight: 1, arbitrary: cborPayload }, { weight: 1, arbitrary: sparkplugPayload });
    const deliveries = fc.array(fc.tuple(fc.constantFrom('a', 'b', '<img src=x onerror=window.__xss=3>', 'javascript:x', '%'), payload), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(settings, deliveries, async (s, messages) => {
        runs++;
        const attributes: Array<[string, string]> = [['topic', 'p/#'], ['format', s.format]];
        for (const name of ['path', 'history', 'limit', 'labels', 'decimals'] as const) if (s[name] !== undefined) attributes.push([name, s[name]!]);
        if (s.mode === 'property') attributes.push(['target', '#t'], ['property', s.sink]);
        if (s.mode === 'attribute') attributes.push(['target', '#t'], ['attribute', s.sink]);
        if (s.mode === 'history') attributes.push(['history', '4']);
        const sub = element('mqtt-subscribe', attributes) as MqttSubscribeElement;
        if (s.mode === 'rows') {
          const template = document.createElement('template');
          template.innerHTML = '<p><span data-topic-level="1"></span>: <span data-value></span><a data-value href="#"></a></p>';
          sub.append(template);
        }
        const target = document.createElement(s.tag);
        target.id = 't';
        const fake = new FakeConnection();
        const m = await mount(html`${target}${sub}`, { provide: fake.connection });
        try {
          await sub.updateComplete;
          const parsedBefore = m.root.querySelectorAll(PARSED).length;
          let delivered = 0;
          for (const [level, payload] of messages) delivered += fake.deliver(`p/${level}`, payload);
          await sub.updateComplete;
          checkAfter(m, parsedBefore, `case ${runs}`);
          expect(m.messages.length, 'every message is an event').to.equal(delivered);
          expect(Object.prototype).to.not.have.property('polluted');
        } finally {
          m.root.remove();
        }
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
    reportRuns('<mqtt-subscribe>: payloads × settings', runs);
  });

  it('<mqtt-publish expect-response>: any reply into any sink', async function () {
    this.timeout(60000);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(sinkName, fc.boolean(), targetTag, fc.constantFrom('json', 'text', 'bytes'), option(fc.constantFrom('html', 'link', '0')), hostileJson, async (sink, asAttribute, tag, format, path, reply) => {
        runs++;
        const attributes: Array<[string, string]> = [['topic', 'ask'], ['expect-response', ''], ['target', '#t'], ['format', format], [asAttribute ? 'attribute' : 'property', sink]];
        if (path) attributes.push(['path', path]);
        const publish = element('mqtt-publish', attributes) as MqttPublishElement;
        const target = document.createElement(tag);
        target.id = 't';
        const payload = new TextEncoder().encode(JSON.stringify(reply) ?? 'null');
        // Just what <mqtt-publish> asks of a connection for a request.
        const connection = {
          subscribe: () => () => {},
          publish: () => Promise.resolve(''),
          requests: { hold: () => () => {} },
          request: (topic: string) =>
            Promise.resolve(toReceivedMessage(`${topic}/reply`, payload, { cmd: 'publish', topic: `${topic}/reply`, payload: payload as never, qos: 1, retain: false, dup: false })),
        } as unknown as MqttConnection;
        const m = await mount(html`${target}${publish}`, { provide: connection });
        try {
          await publish.updateComplete;
          const parsedBefore = m.root.querySelectorAll(PARSED).length;
          try {
            await publish.request('go');
          } catch (e) {
            expect(isMqttElementsError(e), String(e)).to.equal(true);
          }
          checkAfter(m, parsedBefore, `case ${runs}`);
        } finally {
          m.root.remove();
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    reportRuns('<mqtt-publish>: replies × sinks', runs);
  });

  for (const tag of ['mqtt-connection', 'mqtt-subscribe', 'mqtt-publish', 'mqtt-chart']) {
    it(`<${tag}>: any attribute values, set on a live element`, async function () {
      this.timeout(60000);
      const observed = (customElements.get(tag) as unknown as { observedAttributes: string[] }).observedAttributes.filter((a) => a !== 'manual');
      expect(observed.length).to.be.greaterThan(3);
      let runs = 0;
      const value = fc.oneof(hostileString, fc.constantFrom('', '0', '-1', '1e309', 'NaN', '2', 'ws://127.0.0.1:1/mqtt', 'home/+/t', '#', '{"a":1}', '[]'));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...observed), value), { minLength: 1, maxLength: 10 }), async (changes) => {
          runs++;
          // Never connects: a random url must not reach the network (and the sockets are stubbed).
          const el = element(tag, tag === 'mqtt-connection' ? [['manual', ''], ['url', 'ws://127.0.0.1:1/mqtt']] : [['topic', 't']]);
          el.append(Object.assign(document.createElement('button'), { textContent: 'go' }));
          const fake = new FakeConnection();
          // The fake's subscribe and publish, and what a request needs (a real connection has both).
          const connection = {
            subscribe: fake.subscribe.bind(fake),
            publish: fake.publish.bind(fake),
            requests: { hold: () => () => {} },
            request: () => Promise.reject(new MqttElementsError('response-timeout', 'no reply in this test')),
          } as unknown as MqttConnection;
          const m = await mount(html`${el}`, { provide: connection });
          try {
            const parsedBefore = m.root.querySelectorAll(PARSED).length;
            for (const [name, v] of changes) {
              el.setAttribute(name, v);
              await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
            }
            if (tag === 'mqtt-publish') {
              el.querySelector('button')!.click();
              await (el as MqttPublishElement).updateComplete;
            }
            checkAfter(m, parsedBefore, `case ${runs}: ${JSON.stringify(changes).slice(0, 200)}`);
          } finally {
            m.root.remove();
          }
        }),
        { numRuns: 150, includeErrorInReport: true },
      );
      reportRuns(`<${tag}>: attribute values`, runs);
    });
  }
});
