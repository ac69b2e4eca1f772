// `mqtt-elements/mqtt` (src/mqtt.ts) against the real brokers: an app's own client on the MQTT.js
// the elements use. And proof that the browser tests run on the MQTT.js dist/ ships (the lighter
// build, scripts/lighter-mqtt-plugin.js), not on `mqtt`'s own browser bundle.
import { expect } from '@open-wc/testing';
import mqtt, { connect, MqttClient, Store } from '../../src/mqtt.js';
import lighter from '../../src/vendor/mqtt.js';
import { MqttElementsError } from '../../src/errors.js';
import { WebSocketStream } from '../../src/transport/ws-stream.js';
import { getBrokers, uid } from '../support/brokers.js';
import { once, waitFor } from '../support/wait.js';

/** Connects, subscribes, publishes to itself and hears it back; ends the client. */
async function roundTrip(client: MqttClient): Promise<string> {
  await once(client, 'connect');
  const topic = uid('own');
  let got = '';
  client.on('message', (t, payload) => t === topic && (got = payload.toString()));
  await client.subscribeAsync(topic, { qos: 1 });
  await client.publishAsync(topic, 'hello', { qos: 1 });
  await waitFor(() => got !== '', { message: 'its own message back' });
  await client.endAsync();
  return got;
}

describe('mqtt-elements/mqtt', () => {
  it('is the lighter MQTT.js build in these tests: its own transports are left out', () => {
    expect(() => lighter.connect('ws://127.0.0.1:1/')).to.throw(/MQTT\.js's connect\(\) is not in/);
  });

  it('connects as mqtt.connect(url) does, over the package transport, and round-trips a QoS 1 message', async () => {
    const { mosquitto } = await getBrokers();
    const client = mqtt.connect(mosquitto.url, { clientId: uid('c'), protocolVersion: 5 });
    expect(client).to.be.instanceOf(MqttClient);
    expect(mqtt.connect).to.equal(connect);
    expect(await roundTrip(client)).to.equal('hello');
    expect(client.stream).to.be.instanceOf(WebSocketStream);
  });

  it('connects as mqtt.connect(options) does, and reads mqtt: as ws: as MQTT.js does in a browser', async () => {
    const { aedes } = await getBrokers();
    const url = new URL(aedes.url);
    const fromOptions = connect({ protocol: 'ws', hostname: url.hostname, port: Number(url.port), path: url.pathname, clientId: uid('o') });
    expect(await roundTrip(fromOptions)).to.equal('hello');
    const fromMqttUrl = connect(aedes.url.replace(/^ws:/, 'mqtt:'), { clientId: uid('m') });
    expect(await roundTrip(fromMqttUrl)).to.equal('hello');
  });

  it('refuses a URL it cannot connect to over WebSocket, with invalid-url', () => {
    for (const url of ['tcp://127.0.0.1:1883', 'not a url']) {
      let thrown: unknown;
      try {
        connect(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, url).to.be.instanceOf(MqttElementsError);
      expect((thrown as MqttElementsError).code).to.equal('invalid-url');
    }
  });

  it('exports the store and the rest of MQTT.js on the default export too', () => {
    expect(mqtt.Store).to.equal(Store);
    expect(new Store()).to.respondTo('put');
  });
});
