// MqttConnection (src/core/connection.ts, src/core/attempt.ts): refusals by close, failover, redirects, driven through the
// fake MQTT.js client (test/support/fake-client.ts, connection-harness.ts). No broker, no WebSocket.
import { expect } from '@open-wc/testing';
import { setup, retried, only } from '../support/connection-harness.js';

describe('core/connection: refusals by close, failover, redirects (fake client)', () => {
  describe('resilience: refusals by close, failover, redirects', () => {
    it('a close with 1002 "unauthenticated" before any CONNACK (RabbitMQ web_mqtt) is not-authorized: no more attempts', async () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      const client = factory.client;
      client.stream = { opened: true, closeCode: 1002, closeReason: 'unauthenticated' };
      client.drop();
      expect(connection.status).to.equal('error');
      const error = only(rec.errors);
      expect(error.code).to.equal('not-authorized');
      expect(error.message).to.equal('the broker refused the credentials: it closed the WebSocket with code 1002 "unauthenticated"');
      expect(error.reasonCode).to.equal(1002);
      expect(client.ends).to.deep.equal([{ force: true, opts: null }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(client.reconnects, 'no more attempts').to.deep.equal([]);
    });

    it('a close with another reason before a CONNACK stays connection-failed, and is retried', async () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      const client = factory.client;
      client.stream = { opened: true, closeCode: 1011, closeReason: 'internal error' };
      client.drop();
      expect(only(rec.errors).code).to.equal('connection-failed');
      await retried(client);
      expect(connection.status).to.equal('reconnecting');
    });

    it('several URLs: a failed attempt moves to the next, round robin; activeUrl follows', async () => {
      const urls = ['ws://a.test/mqtt', 'ws://b.test/mqtt', 'ws://c.test/mqtt'];
      const { connection, factory } = setup({ url: urls.join('  ') });
      connection.connect();
      const client = factory.client;
      expect(factory.calls[0]!.url).to.equal(urls[0]);
      expect(connection.activeUrl).to.equal(urls[0]);
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) {
        client.drop();
        await retried(client);
        seen.push(`${client.options.protocol}://${client.options.hostname}${client.options.path}`);
        expect(connection.activeUrl).to.equal(seen.at(-1));
      }
      expect(seen).to.deep.equal([urls[1], urls[2], urls[0], urls[1]]);
      expect(factory.clients, 'one client, pointed at each node in turn').to.have.length(1);
    });

    it('a lost connection fails over too, and the subscriptions are sent again on the node that answers', async () => {
      const { connection, factory } = setup({ url: 'ws://a.test/mqtt ws://b.test/mqtt' });
      connection.subscribe('t/#', { qos: 1 }, () => {});
      connection.connect();
      const client = factory.client;
      client.accept();
      await Promise.resolve();
      expect(client.subscribes.map((c) => c.filter)).to.deep.equal(['t/#']);
      client.subscribes[0]!.callback(null, [{ topic: 't/#', qos: 1 }]);
      client.drop();
      await retried(client);
      expect(connection.activeUrl).to.equal('ws://b.test/mqtt');
      client.accept();
      await Promise.resolve();
      expect(client.subscribes.map((c) => c.filter), 'subscribed again after the failover').to.deep.equal(['t/#', 't/#']);
    });

    it('MQTT 5 DISCONNECT 0x9D "server moved" to a node of the url list: the next attempt goes there, at once', async () => {
      const { connection, factory, rec } = setup({ url: 'ws://a.test/mqtt ws://b.test/mqtt', reconnectPeriod: 60000, reconnectMax: 60000 });
      connection.connect();
      const client = factory.client;
      client.accept();
      client.disconnectedByServer(0x9d, 'moved', 'ws://b.test/mqtt');
      client.drop();
      await retried(client);
      expect(connection.activeUrl).to.equal('ws://b.test/mqtt');
      expect(rec.errors, 'a redirect is no error').to.deep.equal([]);
    });

    it('a server reference off the url list is refused (redirect-refused); without one, an ordinary DISCONNECT', () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      const client = factory.client;
      client.accept();
      client.disconnectedByServer(0x9c, 'use another', 'mqtt.other.test:1883');
      expect(only(rec.errors).code).to.equal('redirect-refused');
      expect(only(rec.errors).reasonCode).to.equal(0x9c);
      client.accept();
      client.disconnectedByServer(0x9c, 'use another');
      expect(rec.errors.map((e) => e.code)).to.deep.equal(['redirect-refused', 'connection-failed']);
    });

    it('retryNow() while waiting for a retry tries at once', async () => {
      const { connection, factory } = setup({ reconnectPeriod: 60000, reconnectMax: 60000 });
      connection.connect();
      const client = factory.client;
      client.accept();
      client.drop();
      expect(client.reconnects, 'waiting 60 s').to.deep.equal([]);
      connection.retryNow();
      expect(client.reconnects).to.have.length(1);
      expect(connection.status).to.equal('reconnecting');
    });
  });
});
