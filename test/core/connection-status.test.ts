// MqttConnection (src/core/connection.ts, src/core/attempt.ts): connecting, a failed first attempt, outages and retries, bad settings, driven through the
// fake MQTT.js client (test/support/fake-client.ts, connection-harness.ts). No broker, no WebSocket.
import { expect } from '@open-wc/testing';
import type { MqttClient } from 'mqtt';
import type { ReceivedMessage } from '../../src/core/message.js';
import type { ConnectionConfig } from '../../src/core/settings.js';
import { MqttElementsError } from '../../src/errors.js';
import { URL_, COULD_NOT_CONNECT, setup, connected, retried, only } from '../support/connection-harness.js';

describe('core/connection: connecting, a failed first attempt, outages and retries, bad settings (fake client)', () => {
  describe('connecting → connected', () => {
    it('is idle before connect(), connecting at once, connected on CONNACK, in that order', () => {
      const { connection, factory, rec } = setup();
      expect(connection.status).to.equal('idle');
      connection.connect();
      expect(connection.status).to.equal('connecting');
      expect(factory.calls.map((c) => c.url)).to.deep.equal([URL_]);
      const connack = factory.client.accept({ sessionPresent: true });
      expect(connection.status).to.equal('connected');
      expect(rec.log).to.deep.equal(['status:connecting', 'status:connected', 'connect']);
      expect(rec.connacks).to.have.length(1);
      expect(rec.connacks[0]).to.equal(connack);
      expect(rec.errors).to.deep.equal([]);
      expect(connection.error).to.equal(undefined);
      expect(connection.client).to.equal(factory.client as unknown as MqttClient);
    });

    it('passes the client the settings as MQTT.js options, with the connection\'s client id', () => {
      const { connection, factory } = setup({ username: 'alice', password: 'secret', keepalive: 10 });
      connection.connect();
      const { options } = factory.calls[0];
      expect(options.clientId).to.equal(connection.clientId);
      expect(connection.clientId).to.match(/^mqtt-elements_[0-9a-f]{8}$/);
      expect(options).to.include({ username: 'alice', password: 'secret', keepalive: 10, protocolVersion: 4 });
    });

    it('resolves a /path url against the page, http(s) becoming ws(s)', () => {
      const { connection, factory } = setup({ url: '/mqtt' });
      connection.pageUrl = () => 'https://example.test/app/page.html';
      connection.connect();
      expect(factory.calls[0].url).to.equal('wss://example.test/mqtt');
    });

    it('delivers the current client\'s messages to subscriptions', () => {
      const { connection, factory } = setup();
      const messages: ReceivedMessage[] = [];
      connection.subscribe('a/#', { qos: 1 }, (m) => messages.push(m));
      connection.connect();
      const client = factory.client;
      client.accept();
      expect(client.subscribes.map((s) => [s.filter, s.options.qos])).to.deep.equal([['a/#', 1]]);
      client.subscribes[0].callback(null, [{ topic: 'a/#', qos: 1 }]);
      client.deliver('a/b', 'hello');
      expect(messages.map((m) => [m.topic, new TextDecoder().decode(m.payload)])).to.deep.equal([['a/b', 'hello']]);
    });
  });

  describe('a first attempt that fails', () => {
    it('goes connecting → error with one connection-failed "could not connect to <url>" when the socket only closes', () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      factory.client.drop();
      expect(connection.status).to.equal('error');
      expect(rec.statuses).to.deep.equal(['connecting', 'error']);
      expect(rec.statuses).not.to.include('offline');
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.message).to.match(COULD_NOT_CONNECT);
      expect(error.reasonCode).to.equal(undefined);
      expect(rec.statusErrors[1], 'the error travels with status error').to.equal(error);
      expect(connection.error).to.equal(error);
    });

    it('reports an error event once, and the close after it only as status error', () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      factory.client.fail('connect ECONNREFUSED');
      expect(connection.status, 'an error event alone changes no status').to.equal('connecting');
      factory.client.drop();
      expect(rec.log).to.deep.equal(['status:connecting', 'error:connection-failed', 'status:error:connection-failed']);
      const error = only(rec.errors);
      expect(error.message).to.equal('connection to the broker failed: connect ECONNREFUSED');
      expect(error.reasonCode).to.equal(undefined);
    });

    it('carries a numeric code of the error event as reasonCode (a CONNACK refusal that is not about credentials)', () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      const cause = factory.client.fail('Connection refused: Server unavailable', 3);
      factory.client.drop();
      expect(connection.status).to.equal('error');
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.reasonCode).to.equal(3);
      expect(error.message).to.equal('connection to the broker failed: Connection refused: Server unavailable');
      expect((error as { cause?: unknown }).cause).to.equal(cause);
      expect(factory.client.ends, 'not a credentials refusal: MQTT.js keeps trying').to.deep.equal([]);
    });
  });

  describe('outages and retries', () => {
    it('goes offline (not error) when an established connection is lost, and reports nothing', () => {
      const { connection, client, rec } = connected();
      client.drop();
      expect(connection.status).to.equal('offline');
      expect(rec.statuses).to.deep.equal(['offline']);
      expect(rec.errors).to.deep.equal([]);
    });

    it('goes reconnecting on each retry and error when it fails, reporting the outage once', async () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      const client = factory.client;
      client.drop();
      await retried(client);
      expect(connection.status).to.equal('reconnecting');
      client.drop();
      expect(connection.status).to.equal('error');
      await retried(client);
      client.fail('connect ECONNREFUSED');
      client.drop();
      expect(rec.statuses).to.deep.equal(['connecting', 'error', 'reconnecting', 'error', 'reconnecting', 'error']);
      expect(only(rec.errors).message).to.match(COULD_NOT_CONNECT);
      expect(factory.clients, 'MQTT.js retries with the same client').to.have.length(1);
    });

    it('after a lost connection: offline → reconnecting → error (reported once) → reconnecting → connected', async () => {
      const { connection, client, rec } = connected();
      client.drop();
      await retried(client);
      client.drop();
      await retried(client);
      client.drop();
      await retried(client);
      const connack = client.accept();
      expect(connection.status).to.equal('connected');
      expect(rec.statuses).to.deep.equal(['offline', 'reconnecting', 'error', 'reconnecting', 'error', 'reconnecting', 'connected']);
      expect(only(rec.errors).message).to.match(COULD_NOT_CONNECT);
      expect(rec.connacks).to.deep.equal([connack]);
    });

    it('reports the next outage again after a CONNACK ended the previous one', async () => {
      const { connection, client, rec } = connected();
      client.drop();
      await retried(client);
      client.fail('first outage');
      client.drop();
      await retried(client);
      client.fail('first outage, retry');
      client.drop();
      expect(rec.errors.map((e) => e.message)).to.deep.equal(['connection to the broker failed: first outage']);
      await retried(client);
      client.accept();
      client.drop();
      await retried(client);
      client.fail('second outage');
      client.drop();
      expect(connection.status).to.equal('error');
      expect(rec.errors.map((e) => e.message)).to.deep.equal([
        'connection to the broker failed: first outage',
        'connection to the broker failed: second outage',
      ]);
      expect(rec.errors.every((e) => e.code === 'connection-failed')).to.equal(true);
    });

    it('ignores a second close of the same attempt', async () => {
      const { connection, client, rec } = connected();
      client.drop();
      client.drop();
      expect(connection.status).to.equal('offline');
      expect(rec.statuses).to.deep.equal(['offline']);
      expect(rec.errors).to.deep.equal([]);
    });
  });

  describe('bad settings: status error, never a throw', () => {
    const cases: Array<[string, Partial<ConnectionConfig>, string, RegExp]> = [
      ['an empty url', { url: '' }, 'invalid-url', /^url is required: a ws:\/\/ or wss:\/\/ URL, or a path starting with \/$/],
      ['an mqtt: url', { url: 'mqtt://x' }, 'invalid-url', /^url "mqtt:\/\/x" .*\bws:\/\//],
      ['a url that does not parse', { url: 'ws://' }, 'invalid-url', /^url "ws:\/\/" /],
      ['protocol-version 7', { protocolVersion: 7 }, 'connection-failed', /^protocol-version must be 4 \(MQTT 3\.1\.1\) or 5, not 7$/],
      ['a password without a username on MQTT 3.1.1', { password: 'p' }, 'connection-failed', /^MQTT 3\.1\.1 needs a username with a password$/],
    ];
    for (const [what, config, code, message] of cases) {
      it(`${what}: ${code}, status error, no client made`, () => {
        const { connection, factory, rec } = setup(config);
        expect(() => connection.connect()).not.to.throw();
        expect(connection.status).to.equal('error');
        const error = only(rec.errors);
        expect(error.code).to.equal(code);
        expect(error.message).to.match(message);
        expect(connection.error).to.equal(error);
        expect(rec.statusErrors.at(-1)).to.equal(error);
        expect(factory.calls).to.deep.equal([]);
        expect(connection.client).to.equal(undefined);
      });
    }

    it('a ws:// url from an https page: insecure-url, status error, no client made', () => {
      const { connection, factory, rec } = setup();
      connection.pageUrl = () => 'https://app.example/';
      connection.connect();
      expect(connection.status).to.equal('error');
      const error = only(rec.errors);
      expect(error.code).to.equal('insecure-url');
      expect(error.message).to.match(/^url "ws:\/\/broker\.test\/mqtt" is ws:\/\/ on a page served over https/);
      expect(factory.calls).to.deep.equal([]);
    });

    it('a factory that throws: status error, its message as connection-failed, the error as cause', () => {
      const { connection, factory, rec } = setup();
      const boom = new Error('this environment has no sockets');
      factory.throws = boom;
      expect(() => connection.connect()).not.to.throw();
      expect(rec.statuses).to.deep.equal(['connecting', 'error']);
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.message).to.equal('this environment has no sockets');
      expect((error as { cause?: unknown }).cause).to.equal(boom);
      expect(connection.client).to.equal(undefined);
    });

    it('a factory that throws a coded error: that error as it is', () => {
      const { connection, factory, rec } = setup();
      const coded = new MqttElementsError('invalid-url', 'no such host');
      factory.throws = coded;
      connection.connect();
      expect(only(rec.errors)).to.equal(coded);
      expect(connection.status).to.equal('error');
    });

    it('bad settings on a live connection end its client', () => {
      const { connection, client, rec } = connected();
      connection.config = { ...connection.config, url: 'http://x' };
      connection.connect();
      expect(client.ends.map((e) => e.force)).to.deep.equal([false]);
      expect(connection.client).to.equal(undefined);
      expect(rec.log).to.deep.equal(['status:error:invalid-url', 'error:invalid-url']);
    });
  });
});
