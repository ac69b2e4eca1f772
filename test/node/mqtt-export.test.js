// `mqtt-elements/mqtt` and the MQTT.js build dist/ ships (dist/vendor/mqtt.js), imported by the
// package's own name in Node without a DOM (server-side rendering, README: Install), as
// package.json `exports` resolves them for an app. Run after `npm run build`. What it does in a
// browser against real brokers: test/transport/mqtt-export.broker.test.ts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

before(() => {
  for (const file of ['dist/mqtt.js', 'dist/vendor/mqtt.js']) {
    if (!existsSync(`${root}${file}`)) throw new Error(`${file} is missing: run npm run build first`);
  }
});

describe("mqtt-elements/mqtt in Node without a DOM", () => {
  it('imports, with what `mqtt` exports, on the default export and by name', async () => {
    assert.equal(typeof globalThis.document, 'undefined');
    const m = await import('mqtt-elements/mqtt');
    for (const name of ['connect', 'MqttClient', 'Store', 'DefaultMessageIdProvider', 'UniqueMessageIdProvider', 'KeepaliveManager']) {
      assert.equal(typeof m[name], 'function', `${name} is exported`);
      assert.equal(m.default[name], m[name], `default.${name} is the same`);
    }
    assert.equal(typeof m.ReasonCodes, 'object');
    const stored = [];
    const store = new m.Store();
    store.put({ cmd: 'publish', messageId: 1, topic: 't', payload: 'x', qos: 1 }, () => stored.push(1));
    assert.deepEqual(stored, [1]);
  });

  it('is the lighter build: dist/vendor/mqtt.js, MQTT.js without its own transports, no `mqtt` import', async () => {
    const vendor = readFileSync(`${root}dist/vendor/mqtt.js`, 'utf8');
    assert.doesNotMatch(vendor, /from\s*["']mqtt["']/, 'the built file imports nothing from `mqtt`');
    const lighter = (await import(`${root}dist/vendor/mqtt.js`)).default;
    assert.throws(() => lighter.connect('ws://127.0.0.1:1/'), /own WebSocket transport/);
  });

  it("knows MQTT.js's version through build/shims/mqtt-version.js, without the rest of its package.json", async () => {
    const { version } = JSON.parse(readFileSync(`${root}node_modules/mqtt/package.json`, 'utf8'));
    const lighter = (await import(`${root}dist/vendor/mqtt.js`)).default;
    assert.equal(lighter.MqttClient.VERSION, version);
    // The code, without the license comments on top (their copyright lines say "contributors").
    const vendor = readFileSync(`${root}dist/vendor/mqtt.js`, 'utf8').replace(/^(\s*\/\*[\s\S]*?\*\/)+/, '');
    for (const field of ['contributors', 'devDependencies', 'commist']) assert.doesNotMatch(vendor, new RegExp(field), `${field} is not in the build`);
  });

  it('refuses a URL it cannot reach over WebSocket, with invalid-url', async () => {
    const { connect } = await import('mqtt-elements/mqtt');
    assert.throws(() => connect('tcp://127.0.0.1:1883'), { code: 'invalid-url' });
  });
});
