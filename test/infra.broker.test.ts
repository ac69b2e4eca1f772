// Smoke test of the test infrastructure itself, with raw MQTT.js (no elements): if this fails,
// element tests cannot be trusted either.
import { expect } from '@open-wc/testing';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  BROKER_NAMES,
  brokerUnderTest,
  aedesClients,
  aedesDisconnectClient,
  aedesEvents,
  aedesPublish,
  getBrokers,
  mosquittoLog,
  mosquittoPub,
  once,
  uid,
  waitFor,
} from './support/brokers.js';

const clients: MqttClient[] = [];
function connect(url: string, opts: IClientOptions = {}): MqttClient {
  const client = mqtt.connect(url, { reconnectPeriod: 0, clientId: uid('infra'), ...opts });
  clients.push(client);
  return client;
}

/** Resolves on CONNACK 0, rejects with the first error (refused CONNACK, socket failure). */
function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

/** Subscribes to a fresh topic at QoS 1 and gets back what it publishes there; returns the topic. */
async function roundTrip(client: MqttClient): Promise<string> {
  const topic = `${uid('infra')}/echo`;
  await client.subscribeAsync(topic, { qos: 1 });
  const received = once<[string, Uint8Array]>(client, 'message');
  await client.publishAsync(topic, 'hello', { qos: 1 });
  const [gotTopic, payload] = await received;
  expect(gotTopic).to.equal(topic);
  expect(new TextDecoder().decode(payload)).to.equal('hello');
  return topic;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

describe('test infrastructure: both brokers', () => {
  for (const name of BROKER_NAMES) {
    it(`round-trips a message; the broker's record has the client and its one SUBSCRIBE (${name})`, async () => {
      const broker = await brokerUnderTest(name);
      const client = connect(broker.url);
      await connected(client);
      const topic = await roundTrip(client);
      const id = client.options.clientId!;
      // What tests read about subscriptions: aedes' events, mosquitto's log (read from its stderr
      // pipe, so a line may trail the SUBACK slightly).
      await waitFor(async () => (await broker.subscribes(id, topic)).join() === '1', { message: `SUBSCRIBE of ${topic} at QoS 1` });
      if (name === 'aedes') {
        expect((await aedesEvents(id)).filter((e) => e.type === 'subscribe')).to.have.length(1);
        expect(await aedesClients()).to.include(id);
      } else {
        // mosquitto 2.0.11 logs a WebSocket CONNECT only as "New client connected from … as <id> (…)".
        const needle = ` as ${id} (`;
        await waitFor(async () => (await mosquittoLog(needle)).length > 0, { timeout: 2000, message: needle });
      }
    });
  }
});

describe('test infrastructure: aedes', () => {

  it('refuses password "wrong" with CONNACK 4 and username "denied" with 5', async () => {
    const { aedes } = await getBrokers();
    const wrong = connect(aedes.url, { username: 'u', password: 'wrong' });
    const denied = connect(aedes.url, { username: 'denied', password: 'x' });
    const [wrongError, deniedError] = await Promise.all([
      connected(wrong).then(() => undefined, (e: { code?: number }) => e),
      connected(denied).then(() => undefined, (e: { code?: number }) => e),
    ]);
    expect(wrongError?.code).to.equal(4);
    expect(deniedError?.code).to.equal(5);
  });

  it('answers SUBACK 0x80 for forbidden/ filters', async () => {
    const { aedes } = await getBrokers();
    const client = connect(aedes.url);
    await connected(client);
    const error = await client.subscribeAsync('forbidden/x').then(
      () => undefined,
      (e: { packet?: { granted?: number[] } }) => e,
    );
    expect(error?.packet?.granted).to.deep.equal([128]);
  });

  it('delivers server-side publishes and drops clients on request', async () => {
    const { aedes } = await getBrokers();
    const topic = `${uid('infra')}/server`;
    const client = connect(aedes.url);
    await connected(client);
    await client.subscribeAsync(topic);
    const received = once<[string, Uint8Array]>(client, 'message');
    await aedesPublish({ topic, payload: 'from-broker' });
    expect(new TextDecoder().decode((await received)[1])).to.equal('from-broker');

    const closed = once(client, 'close');
    expect(await aedesDisconnectClient(client.options.clientId!)).to.equal(true);
    await closed;
    await waitFor(async () => !(await aedesClients()).includes(client.options.clientId!));
    expect(await aedesDisconnectClient('no-such-client')).to.equal(false);
  });
});

describe('test infrastructure: mosquitto', () => {
  it('needs user/secret on the auth listener (wrong password: code 5)', async () => {
    const { mosquitto } = await getBrokers();
    const ok = connect(mosquitto.authUrl, { username: mosquitto.user, password: mosquitto.password });
    await connected(ok);
    const bad = connect(mosquitto.authUrl, { username: mosquitto.user, password: 'nope' });
    const error = await connected(bad).then(
      () => undefined,
      (e: { code?: number }) => e,
    );
    expect(error?.code).to.equal(5);
  });

  // No restart here: both browsers share this mosquitto at once, and a restart would cut the
  // other browser's connections mid-test.
  it('receives from mosquitto_pub', async () => {
    const { mosquitto } = await getBrokers();
    const topic = `${uid('infra')}/external`;
    const client = connect(mosquitto.url, { reconnectPeriod: 100 });
    await connected(client);
    await client.subscribeAsync(topic);
    const received = once<[string, Uint8Array]>(client, 'message');
    await mosquittoPub({ topic, payload: 'from-outside', qos: 1 });
    expect(new TextDecoder().decode((await received)[1])).to.equal('from-outside');
    await roundTrip(client);
    client.end(true);
  });
});
