// Server-side rendering: importing the package in Node, with no DOM at all, must not throw
// (README: Install). Imports go through the package's own name, so package.json `exports`
// resolves them to the built dist/ exactly as for an app. Run after `npm run build`.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

before(() => {
  for (const file of ['dist/index.js', 'dist/define.js', 'dist/react.js']) {
    if (!existsSync(`${root}${file}`)) throw new Error(`${file} is missing: run npm run build first`);
  }
});

describe('in Node without a DOM', () => {
  it('has no DOM to begin with', () => {
    for (const name of ['window', 'document', 'HTMLElement', 'customElements']) {
      assert.equal(typeof globalThis[name], 'undefined', `${name} is defined: this test needs a DOM-free Node`);
    }
  });

  it("imports 'mqtt-elements' and exports the element classes and the rest", async () => {
    const m = await import('mqtt-elements');
    for (const name of ['MqttConnectionElement', 'MqttSubscribeElement', 'MqttPublishElement', 'MqttConnection']) {
      assert.equal(typeof m[name], 'function', `${name} is exported as a class`);
    }
    assert.equal(typeof m.MqttConnectionElement.define, 'function');
    for (const name of ['MqttStatusEvent', 'MqttConnectEvent', 'MqttErrorEvent', 'MqttMessageEvent', 'MqttPublishedEvent']) {
      assert.equal(typeof m[name], 'function', `${name} is exported`);
    }
    assert.equal(m.MqttMessageEvent.type, 'mqtt-message');
    assert.ok(m.mqttContext !== undefined, 'mqttContext is exported');
    assert.equal(new m.MqttElementsError('invalid-topic', 'x').code, 'invalid-topic');
    assert.equal(m.topicMatches('home/+/temperature', 'home/kitchen/temperature'), true);
    // The core class needs no DOM either: it is made without connecting anywhere.
    assert.equal(new m.MqttConnection().status, 'idle');
  });

  it("imports 'mqtt-elements/define' without registering anything", async () => {
    await import('mqtt-elements/define');
    assert.equal(typeof globalThis.document, 'undefined');
  });

  it("imports 'mqtt-elements/react' and exports the wrappers", async () => {
    const m = await import('mqtt-elements/react');
    for (const name of ['MqttConnection', 'MqttSubscribe', 'MqttPublish']) {
      assert.ok(m[name], `${name} is exported`);
      assert.equal(m[name].displayName, name);
    }
  });

  it('renders the wrappers to HTML on the server (react-dom/server)', async () => {
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const { MqttConnection, MqttSubscribe, MqttPublish } = await import('mqtt-elements/react');
    const html = renderToString(
      createElement(
        MqttConnection,
        { url: 'ws://localhost:8083/mqtt', onMqttStatus: () => {} },
        createElement(MqttSubscribe, { topic: 'home/+/temperature', format: 'json', className: 'reading' }, '–'),
        createElement(MqttPublish, { topic: 'home/light/set' }, createElement('button', null, 'On')),
      ),
    );
    // Element properties (url, topic, …) are set in the browser after hydration, so nothing
    // connects on the server; the tags and their children are in the HTML.
    assert.match(html, /^<mqtt-connection[^>]*><mqtt-subscribe class="reading"[^>]*>–<\/mqtt-subscribe>/);
    assert.match(html, /<mqtt-publish[^>]*><button>On<\/button><\/mqtt-publish><\/mqtt-connection>$/);
  });
});
