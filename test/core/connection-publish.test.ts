// MqttConnection (src/core/connection.ts, src/core/attempt.ts): publish, driven through the
// fake MQTT.js client (test/support/fake-client.ts, connection-harness.ts). No broker, no WebSocket.
import { expect } from '@open-wc/testing';
import { setup, connected, nextTask, deferred, rejection } from '../support/connection-harness.js';

describe('core/connection: publish (fake client)', () => {
  describe('publish', () => {
    for (const topic of ['', 'a/+', 'a/#', 'a\u0000b']) {
      it(`rejects the topic ${JSON.stringify(topic)} with invalid-topic, sending nothing`, async () => {
        const { connection, client } = connected();
        const error = await rejection(connection.publish(topic, 'x'));
        expect(error.code).to.equal('invalid-topic');
        expect(client.publishes).to.deep.equal([]);
      });
    }

    for (const qos of [3, -1, 'x', 1.5]) {
      it(`rejects qos ${JSON.stringify(qos)} with invalid-qos, sending nothing`, async () => {
        const { connection, client } = connected();
        const error = await rejection(connection.publish('a/b', 'x', { qos }));
        expect(error.code).to.equal('invalid-qos');
        expect(error.message).to.equal(`qos must be 0, 1 or 2, not ${JSON.stringify(qos)}`);
        expect(client.publishes).to.deep.equal([]);
      });
    }

    it('checks the topic before the connection: invalid-topic even when closed', async () => {
      const { connection } = setup();
      expect((await rejection(connection.publish('a/#', 'x'))).code).to.equal('invalid-topic');
    });

    it('passes topic, encoded payload, qos and retain to the client and resolves with the payload once acknowledged', async () => {
      const { connection, client } = connected();
      let settled = false;
      const sent = connection.publish('a/b', { celsius: 21.5 }, { qos: '1', retain: true }).finally(() => (settled = true));
      expect(client.publishes).to.have.length(1);
      const call = client.publishes[0];
      expect(call.topic).to.equal('a/b');
      expect(call.payload).to.equal('{"celsius":21.5}');
      expect(call.options).to.deep.equal({ qos: 1, retain: true });
      await nextTask();
      expect(settled, 'waits for the client callback').to.equal(false);
      call.callback();
      expect(await sent).to.equal('{"celsius":21.5}');
    });

    it('sends strings and bytes as they are, null as empty, MQTT 5 properties along', async () => {
      const { connection, client } = connected({ protocolVersion: 5 });
      const bytes = Uint8Array.from([1, 2, 3]);
      const a = connection.publish('t', 'text');
      const b = connection.publish('t', bytes);
      const c = connection.publish('t', null, { properties: { contentType: 'text/plain' } });
      const d = connection.publish('t', 42);
      expect(client.publishes.map((p) => p.payload)).to.deep.equal(['text', bytes, '', '42']);
      expect(client.publishes[1].payload).to.equal(bytes);
      expect(client.publishes.map((p) => p.options)).to.deep.equal([
        { qos: 0, retain: false },
        { qos: 0, retain: false },
        { qos: 0, retain: false, properties: { contentType: 'text/plain' } },
        { qos: 0, retain: false },
      ]);
      for (const p of client.publishes) p.callback();
      expect(await Promise.all([a, b, c, d])).to.deep.equal(['text', bytes, '', '42']);
    });

    it('maps a client error with a numeric code to publish-failed with that reasonCode', async () => {
      const { connection, client } = connected({ protocolVersion: 5 });
      const sent = connection.publish('a/b', 'x', { qos: 1 });
      const cause = Object.assign(new Error('Publish error: Not authorized'), { code: 0x87 });
      client.publishes[0].callback(cause);
      const error = await rejection(sent);
      expect(error.code).to.equal('publish-failed');
      expect(error.reasonCode).to.equal(0x87);
      expect(error.message).to.equal('publish to "a/b" failed: Publish error: Not authorized');
      expect((error as { cause?: unknown }).cause).to.equal(cause);
    });

    it('maps a client error without a code to publish-failed without reasonCode', async () => {
      const { connection, client } = connected();
      const sent = connection.publish('a/b', 'x', { qos: 1 });
      client.publishes[0].callback(new Error('Connection closed'));
      const error = await rejection(sent);
      expect(error.code).to.equal('publish-failed');
      expect(error.message).to.equal('publish to "a/b" failed: Connection closed');
      expect('reasonCode' in error).to.equal(false);
    });

    it('hands a publish to the client while offline (MQTT.js queues it)', () => {
      const { connection, client } = connected();
      client.drop();
      void connection.publish('a/b', 'queued');
      expect(client.publishes.map((p) => p.payload)).to.deep.equal(['queued']);
    });

    it('rejects with no-connection before connect() and after disconnect()', async () => {
      const { connection, client } = connected();
      await connection.disconnect();
      const closed = await rejection(connection.publish('a/b', 'x'));
      expect(closed.code).to.equal('no-connection');
      expect(closed.message).to.equal('cannot publish to "a/b": the connection is closed');
      expect(client.publishes).to.deep.equal([]);
      const idle = await rejection(setup().connection.publish('a/b', 'x'));
      expect(idle.code).to.equal('no-connection');
      expect(idle.message).to.equal('cannot publish to "a/b": the connection is idle');
    });

    it('rejects with no-connection once the client is ending (after a refusal)', async () => {
      const { connection, factory } = setup();
      connection.connect();
      factory.client.fail('Connection refused: Not authorized', 5);
      const error = await rejection(connection.publish('a/b', 'x'));
      expect(error.code).to.equal('no-connection');
      expect(error.message).to.equal('cannot publish to "a/b": the connection is error');
    });

    it('waits for the client while credentials are fetched, then publishes on it', async () => {
      const creds = deferred<{ username?: string; password?: string }>();
      const { connection, factory } = setup({ credentials: () => creds.promise });
      connection.connect();
      const sent = connection.publish('a/b', 'early');
      await nextTask();
      expect(factory.clients).to.have.length(0);
      creds.resolve({ username: 'u', password: 'p' });
      await nextTask();
      expect(factory.client.publishes.map((p) => p.payload)).to.deep.equal(['early']);
      factory.client.publishes[0].callback();
      expect(await sent).to.equal('early');
    });

    it('rejects a publish that waited for credentials with no-connection when they fail', async () => {
      const { connection } = setup({ credentials: () => Promise.reject(new Error('token service down')) });
      connection.connect();
      const error = await rejection(connection.publish('a/b', 'x'));
      expect(error.code).to.equal('no-connection');
      expect(error.message).to.equal('cannot publish to "a/b": the connection is error');
    });
  });
});
