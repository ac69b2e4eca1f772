// MqttConnection's status machine and error mapping (src/core/connection.ts, src/core/attempt.ts),
// driven through a fake MQTT.js client that the test makes emit what MQTT.js emits. No broker, no
// WebSocket: every event, and its order, is the test's choice.
import { expect } from '@open-wc/testing';
import type { IConnackPacket, MqttClient } from 'mqtt';
import { MqttConnection, type ConnectionStatus } from '../../src/core/connection.js';
import type { ReceivedMessage } from '../../src/core/message.js';
import type { ConnectionConfig } from '../../src/core/settings.js';
import { MqttElementsError } from '../../src/errors.js';
import { FakeClient, FakeFactory } from '../support/fake-client.js';
import { waitFor } from '../support/wait.js';

/** Everything a listener was told, in order; `log` interleaves the three kinds. */
interface Recording {
  statuses: ConnectionStatus[];
  /** The error passed along with each status (undefined but for `error`). */
  statusErrors: Array<MqttElementsError | undefined>;
  errors: MqttElementsError[];
  connacks: IConnackPacket[];
  log: string[];
}

function record(connection: MqttConnection): Recording {
  const rec: Recording = { statuses: [], statusErrors: [], errors: [], connacks: [], log: [] };
  connection.listen({
    status: (status, error) => {
      rec.statuses.push(status);
      rec.statusErrors.push(error);
      rec.log.push(error ? `status:${status}:${error.code}` : `status:${status}`);
    },
    error: (error) => {
      rec.errors.push(error);
      rec.log.push(`error:${error.code}`);
    },
    connect: (connack) => {
      rec.connacks.push(connack);
      rec.log.push('connect');
    },
  });
  return rec;
}

const URL_ = 'ws://broker.test/mqtt';
/** The message of a failed attempt: it names the URL first (a diagnosis may follow). */
const COULD_NOT_CONNECT = /^could not connect to ws:\/\/broker\.test\/mqtt(:|$)/;

function setup(config: Partial<ConnectionConfig> = {}): { connection: MqttConnection; factory: FakeFactory; rec: Recording } {
  const factory = new FakeFactory();
  const connection = new MqttConnection(factory.create);
  // Retries 1 ms after a failure (no backoff to wait for): tests await them with retried().
  connection.config = { url: URL_, reconnectPeriod: 1, reconnectMax: 1, ...config };
  const rec = record(connection);
  return { connection, factory, rec };
}

/** A connection whose client the broker accepted; the recording starts after that. */
function connected(config: Partial<ConnectionConfig> = {}): { connection: MqttConnection; factory: FakeFactory; client: FakeClient; rec: Recording } {
  const { connection, factory } = setup(config);
  connection.connect();
  const client = factory.client;
  client.accept();
  expect(connection.status).to.equal('connected');
  return { connection, factory, client, rec: record(connection) };
}

/** Resolves once the connection's retry schedule reconnected `client` (again): `reconnects` grew. */
async function retried(client: FakeClient): Promise<void> {
  const before = client.reconnects.length;
  const deadline = performance.now() + 1000;
  while (client.reconnects.length === before) {
    if (performance.now() > deadline) throw new Error('no reconnect within 1 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Resolves once `predicate` holds (polled), failing after 1 s. */
async function until(predicate: () => boolean): Promise<void> {
  const deadline = performance.now() + 1000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`not true within 1 s: ${predicate.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets queued tasks run (the fake's end(), settled credentials). */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve));

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function rejection(promise: Promise<unknown>): Promise<MqttElementsError> {
  try {
    await promise;
  } catch (e) {
    expect(e, 'a coded error').to.be.instanceOf(MqttElementsError);
    return e as MqttElementsError;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

function only(errors: MqttElementsError[]): MqttElementsError {
  expect(errors.map((e) => `${e.code}: ${e.message}`)).to.have.length(1);
  return errors[0];
}

/**
 * A credentials function whose first answer (`token-1`) comes at once and whose later ones
 * (`token-2`, …) wait for `gate`: a reconnect's fetch can then be held while the test acts.
 */
function heldTokens() {
  const gate = deferred<void>();
  let calls = 0;
  const credentials = async () => {
    if (++calls > 1) await gate.promise;
    return { password: `token-${calls}` };
  };
  return { gate, credentials, calls: () => calls };
}

describe('core/connection (MqttConnection with a fake client)', () => {
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

  describe('refused credentials', () => {
    const refusals: Array<[number, 4 | 5, string]> = [
      [4, 4, 'Connection refused: Bad username or password'],
      [5, 4, 'Connection refused: Not authorized'],
      [0x86, 5, 'Connection refused: Bad User Name or Password'],
      [0x87, 5, 'Connection refused: Not authorized'],
    ];
    for (const [code, protocolVersion, message] of refusals) {
      it(`CONNACK ${code} (0x${code.toString(16)}, MQTT ${protocolVersion === 5 ? 5 : '3.1.1'}) while opening → not-authorized, status error, end(true), no more attempts`, async () => {
        const { connection, factory, rec } = setup({ protocolVersion });
        connection.connect();
        const client = factory.client;
        const cause = client.fail(message, code);
        expect(connection.status).to.equal('error');
        const error = only(rec.errors);
        expect(error.code).to.equal('not-authorized');
        expect(error.reasonCode).to.equal(code);
        expect(error.message).to.equal(`the broker refused the credentials: ${message}`);
        expect((error as { cause?: unknown }).cause).to.equal(cause);
        expect(rec.statusErrors.at(-1)).to.equal(error);
        expect(client.ends).to.deep.equal([{ force: true, opts: null }]);
        // What follows (the socket closing, MQTT.js's `end`, a stray error or retry) changes nothing.
        client.drop();
        await nextTask();
        client.fail('Connection closed');
        client._reconnect(); // MQTT.js's own timer: taken over, it does nothing
        await new Promise((resolve) => setTimeout(resolve, 20)); // 20 retry periods
        expect(client.reconnects, 'no more attempts').to.deep.equal([]);
        client.emit('end');
        expect(connection.status).to.equal('error');
        expect(connection.error).to.equal(error);
        expect(rec.statuses).to.deep.equal(['connecting', 'error']);
        expect(rec.errors).to.have.length(1);
      });
    }

    it('refuses during a reconnect too (the attempt is opening again)', async () => {
      const { connection, client, rec } = connected();
      client.drop();
      await retried(client);
      client.fail('Connection refused: Not authorized', 5);
      expect(connection.status).to.equal('error');
      expect(only(rec.errors).code).to.equal('not-authorized');
      expect(client.ends.map((e) => e.force)).to.deep.equal([true]);
    });

    it('an auth code after the CONNACK (phase open) is connection-failed, not not-authorized, and ends nothing', () => {
      const { connection, client, rec } = connected();
      client.fail('Publish error: Not authorized', 0x87);
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.reasonCode).to.equal(0x87);
      expect(error.message).to.equal('connection to the broker failed: Publish error: Not authorized');
      expect(client.ends).to.deep.equal([]);
      expect(connection.status).to.equal('connected');
    });

    it('connect() after a refusal makes a new attempt with a new client', () => {
      const { connection, factory, rec } = setup();
      connection.connect();
      factory.client.fail('Connection refused: Not authorized', 5);
      connection.connect();
      expect(factory.clients).to.have.length(2);
      factory.client.accept();
      expect(rec.statuses).to.deep.equal(['connecting', 'error', 'connecting', 'connected']);
    });
  });

  describe('a DISCONNECT from the broker', () => {
    it('is connection-failed carrying reasonCode and reasonString, then offline on close, reported once', async () => {
      const { connection, client, rec } = connected({ protocolVersion: 5 });
      client.disconnectedByServer(0x8b, 'Server shutting down');
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.reasonCode).to.equal(0x8b);
      expect(error.reasonString).to.equal('Server shutting down');
      expect(error.message).to.equal('the broker disconnected this client (reason code 139): "Server shutting down"');
      expect(connection.status, 'the close that follows sets the status').to.equal('connected');
      client.drop();
      expect(connection.status).to.equal('offline');
      // The retries of this outage add no report.
      await retried(client);
      client.drop();
      expect(rec.statuses).to.deep.equal(['offline', 'reconnecting', 'error']);
      expect(rec.errors).to.have.length(1);
      expect(connection.error).to.equal(error);
      expect(client.ends, 'MQTT.js keeps trying').to.deep.equal([]);
    });

    it('has no reasonString when the broker sent none', () => {
      const { client, rec } = connected({ protocolVersion: 5 });
      client.disconnectedByServer(0x98);
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.reasonCode).to.equal(0x98);
      expect('reasonString' in error).to.equal(false);
    });

    it('0x8E (session taken over): client-id-in-use carrying reasonCode and reasonString, status error, end(true), no more attempts', async () => {
      const { connection, client, rec } = connected({ protocolVersion: 5 });
      client.disconnectedByServer(0x8e, 'Session taken over');
      const error = only(rec.errors);
      expect(error.code).to.equal('client-id-in-use');
      expect(error.reasonCode).to.equal(0x8e);
      expect(error.reasonString).to.equal('Session taken over');
      expect(error.message).to.match(/client-id/);
      expect(connection.status).to.equal('error');
      expect(client.ends).to.deep.equal([{ force: true, opts: null }]);
      client.drop();
      await nextTask();
      client._reconnect(); // MQTT.js's own timer: taken over, it does nothing
      await new Promise((resolve) => setTimeout(resolve, 20)); // 20 retry periods
      expect(client.reconnects, 'no more attempts').to.deep.equal([]);
      client.fail('Connection closed');
      client.emit('end');
      expect(rec.statuses).to.deep.equal(['error']);
      expect(rec.errors).to.have.length(1);
    });
  });

  describe('ending', () => {
    it('goes closed on the client\'s end event, not offline (the close before it is while disconnecting)', async () => {
      const { connection, client, rec } = connected();
      client.end();
      await nextTask();
      expect(connection.status).to.equal('closed');
      expect(rec.statuses).to.deep.equal(['closed']);
      expect(rec.errors).to.deep.equal([]);
    });

    it('disconnect() ends the client cleanly (not forced), resolves once it closed, and is closed', async () => {
      const { connection, client, rec } = connected();
      let resolved = false;
      const done = connection.disconnect().then(() => (resolved = true));
      expect(client.ends).to.deep.equal([{ force: false, opts: {} }]);
      for (let i = 0; i < 10; i++) await Promise.resolve();
      expect(resolved, 'not before the client called back').to.equal(false);
      expect(connection.status).to.equal('connected');
      await done;
      expect(connection.status).to.equal('closed');
      expect(rec.statuses).to.deep.equal(['closed']);
      expect(rec.errors).to.deep.equal([]);
      expect(connection.client).to.equal(undefined);
    });

    it('disconnect() on an idle connection stays idle; on a failed start it is closed', async () => {
      const idle = setup();
      await idle.connection.disconnect();
      expect(idle.connection.status).to.equal('idle');
      expect(idle.rec.statuses).to.deep.equal([]);
      const bad = setup({ url: '' });
      bad.connection.connect();
      await bad.connection.disconnect();
      expect(bad.rec.statuses).to.deep.equal(['error', 'closed']);
    });

    it('disconnect() with a QoS 1 publish unacknowledged: its PUBACK gets most of a second, then the socket is closed; resolves within 1 s, the publish rejects publish-failed', async () => {
      const { connection, client } = connected();
      const sent = connection.publish('t', 'x', { qos: 1 }).then(
        () => 'resolved',
        (e: MqttElementsError) => e.code,
      );
      await waitFor(() => client.publishes.length === 1);
      client.outgoing = { 1: {} }; // as MQTT.js keeps it until the PUBACK
      const started = performance.now();
      await connection.disconnect();
      expect(performance.now() - started).to.be.below(1000);
      expect(client.ends.map((e) => e.force), 'closed, not waiting on the PUBACK').to.deep.equal([true]);
      expect(connection.status).to.equal('closed');
      expect(await sent).to.equal('publish-failed');
    });

    it('disconnect() with a QoS 1 publish whose PUBACK comes in time: a clean DISCONNECT after it, and the publish resolves', async () => {
      const { connection, client } = connected();
      const sent = connection.publish('t', 'x', { qos: 1 });
      await waitFor(() => client.publishes.length === 1);
      client.outgoing = { 1: {} };
      const done = connection.disconnect();
      await Promise.resolve();
      expect(client.ends, 'waits for the PUBACK').to.deep.equal([]);
      client.outgoing = {};
      client.publishes[0].callback();
      client.emit('outgoingEmpty');
      await done;
      expect(client.ends.map((e) => e.force)).to.deep.equal([false]);
      await sent;
    });

    it('disconnect() while offline with publishes queued: at once, and they reject publish-failed', async () => {
      const { connection, client } = connected();
      client.drop();
      const sent = [connection.publish('t', 'a', { qos: 1 }), connection.publish('t', 'b', { qos: 0 })].map((p) =>
        p.then(
          () => 'resolved',
          (e: MqttElementsError) => e.code,
        ),
      );
      await waitFor(() => client.publishes.length === 2);
      client.outgoing = { 1: {} };
      await connection.disconnect();
      expect(client.ends.map((e) => e.force), 'no one to say DISCONNECT to').to.deep.equal([true]);
      expect(await Promise.all(sent)).to.deep.equal(['publish-failed', 'publish-failed']);
    });

    it('disconnect() while offline is closed; later events of that client change nothing', async () => {
      const { connection, client, rec } = connected();
      client.drop();
      await connection.disconnect();
      client._reconnect(); // MQTT.js's own timer: taken over, it does nothing
      await new Promise((resolve) => setTimeout(resolve, 20)); // 20 retry periods
      expect(client.reconnects, 'no more attempts').to.deep.equal([]);
      client.accept();
      client.drop();
      expect(connection.status).to.equal('closed');
      expect(rec.statuses).to.deep.equal(['offline', 'closed']);
      expect(rec.connacks).to.deep.equal([]);
    });
  });

  describe('a replaced client', () => {
    it('connect() again ends the old client and ignores every event it emits afterwards', async () => {
      const { connection, factory, client: old, rec } = connected();
      const messages: ReceivedMessage[] = [];
      connection.subscribe('t', {}, (m) => messages.push(m));
      connection.connect();
      expect(factory.clients).to.have.length(2);
      expect(old.ends.map((e) => e.force)).to.deep.equal([false]);
      const current = factory.client;
      expect(connection.client).to.equal(current as unknown as MqttClient);
      expect(rec.statuses).to.deep.equal(['connecting']);
      await nextTask(); // the old client's own close and end
      old.accept();
      old.deliver('t', 'stale');
      old.fail('late failure');
      old.fail('Connection refused: Not authorized', 5);
      old.disconnectedByServer(0x8e, 'Session taken over');
      old.emit('reconnect'); // as its own reconnect would
      old.drop();
      old.emit('end');
      expect(connection.status).to.equal('connecting');
      expect(rec.statuses).to.deep.equal(['connecting']);
      expect(rec.errors).to.deep.equal([]);
      expect(rec.connacks).to.deep.equal([]);
      expect(messages).to.deep.equal([]);
      expect(old.publishes).to.deep.equal([]);
      // The new client still drives the status.
      current.accept();
      current.subscribes[0].callback(null, [{ topic: 't', qos: 0 }]);
      current.deliver('t', 'fresh');
      expect(rec.statuses).to.deep.equal(['connecting', 'connected']);
      expect(messages.map((m) => new TextDecoder().decode(m.payload))).to.deep.equal(['fresh']);
      expect(old.subscribes, 'the old client is not asked to subscribe').to.deep.equal([]);
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

  describe('the credentials function', () => {
    it('is awaited before the client is made, its answer merged over the settings', async () => {
      const creds = deferred<{ username?: string; password?: string }>();
      let calls = 0;
      const { connection, factory, rec } = setup({
        username: 'static',
        password: 'old',
        credentials: () => {
          calls++;
          return creds.promise;
        },
      });
      connection.connect();
      expect(calls).to.equal(1);
      expect(connection.status).to.equal('connecting');
      await nextTask();
      expect(factory.calls, 'no client before the credentials').to.deep.equal([]);
      creds.resolve({ password: 'token-1' });
      await nextTask();
      expect(factory.calls).to.have.length(1);
      expect(factory.calls[0].options).to.include({ username: 'static', password: 'token-1' });
      factory.client.accept();
      expect(rec.statuses).to.deep.equal(['connecting', 'connected']);
    });

    it('takes a synchronous answer, and its username too', async () => {
      const { connection, factory } = setup({ username: 'static', credentials: () => ({ username: 'bob', password: 'jwt' }) });
      connection.connect();
      await nextTask();
      expect(factory.calls[0].options).to.include({ username: 'bob', password: 'jwt' });
    });

    it('a rejection: connection-failed "the credentials function failed: …", status error, no client', async () => {
      const cause = new Error('token expired');
      const { connection, factory, rec } = setup({ credentials: () => Promise.reject(cause) });
      connection.connect();
      await nextTask();
      expect(connection.status).to.equal('error');
      expect(rec.statuses).to.deep.equal(['connecting', 'error']);
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.message).to.equal('the credentials function failed: token expired');
      expect((error as { cause?: unknown }).cause).to.equal(cause);
      expect(factory.calls).to.deep.equal([]);
    });

    it('a throw: the same', async () => {
      const { connection, rec } = setup({
        credentials: () => {
          throw new Error('no token');
        },
      });
      expect(() => connection.connect()).not.to.throw();
      await nextTask();
      expect(only(rec.errors).message).to.equal('the credentials function failed: no token');
      expect(connection.status).to.equal('error');
    });

    it('an answer with a password but no username on MQTT 3.1.1: connection-failed, no client', async () => {
      const { connection, factory, rec } = setup({ credentials: () => ({ password: 'jwt' }) });
      connection.connect();
      await nextTask();
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.message).to.equal('MQTT 3.1.1 needs a username with a password');
      expect(factory.calls).to.deep.equal([]);
    });

    it('an answer for a connect() that was superseded, or followed by disconnect(), is dropped', async () => {
      const answers = [deferred<{ username?: string }>(), deferred<{ username?: string }>(), deferred<{ username?: string }>()];
      let call = 0;
      const { connection, factory, rec } = setup({ credentials: () => answers[call++].promise });
      connection.connect();
      connection.connect();
      answers[0].resolve({ username: 'first' });
      await nextTask();
      expect(factory.calls).to.deep.equal([]);
      answers[1].resolve({ username: 'second' });
      await nextTask();
      expect(factory.calls.map((c) => c.options.username)).to.deep.equal(['second']);
      connection.connect();
      await connection.disconnect();
      answers[2].resolve({ username: 'third' });
      await nextTask();
      expect(factory.calls.map((c) => c.options.username)).to.deep.equal(['second']);
      expect(connection.status).to.equal('closed');
      expect(rec.errors).to.deep.equal([]);
    });

    it('is awaited before each reconnect: called again, client.options updated, then reconnect', async () => {
      let calls = 0;
      const next = deferred<void>();
      const { connection, factory, rec } = setup({
        username: 'device',
        credentials: async () => {
          calls++;
          if (calls > 1) await next.promise;
          return { password: `token-${calls}` };
        },
      });
      connection.connect();
      await nextTask();
      const client = factory.client;
      expect(client.options.password).to.equal('token-1');
      client.accept();
      client.drop();
      await until(() => calls === 2); // the retry schedule asks before its attempt
      expect(client.reconnects, 'no reconnect before the credentials').to.deep.equal([]);
      expect(connection.status).to.equal('offline');
      next.resolve();
      await nextTask();
      expect(client.options.password).to.equal('token-2');
      expect(client.reconnects.map((o) => o.password), 'the reconnect sees the new token').to.deep.equal(['token-2']);
      expect(connection.status).to.equal('reconnecting');
      expect(rec.statuses).to.deep.equal(['connecting', 'connected', 'offline', 'reconnecting']);
      expect(factory.clients, 'the same client reconnects').to.have.length(1);
    });

    it('drops the reconnect when the client connected meanwhile', async () => {
      const { gate, credentials, calls } = heldTokens();
      const { connection, factory } = setup({ username: 'device', credentials });
      connection.connect();
      await nextTask();
      const client = factory.client;
      client.drop();
      await until(() => calls() === 2);
      client.accept();
      gate.resolve();
      await nextTask();
      expect(calls()).to.equal(2);
      expect(client.reconnects).to.deep.equal([]);
      expect(client.options.password).to.equal('token-1');
      expect(connection.status).to.equal('connected');
    });

    it('drops the reconnect when the connection was disconnected meanwhile', async () => {
      const { gate, credentials, calls } = heldTokens();
      const { connection, factory } = setup({ username: 'device', credentials });
      connection.connect();
      await nextTask();
      const client = factory.client;
      client.drop();
      await until(() => calls() === 2);
      void connection.disconnect();
      gate.resolve();
      await nextTask();
      expect(client.reconnects).to.deep.equal([]);
      expect(client.options.password, 'options of an ended client are left alone').to.equal('token-1');
      expect(connection.status).to.equal('closed');
    });

    it('drops a retry asked for while credentials are still being fetched', async () => {
      const { gate, credentials, calls } = heldTokens();
      const { connection, factory } = setup({ username: 'device', credentials });
      connection.connect();
      await nextTask();
      const client = factory.client;
      client.drop();
      await until(() => calls() === 2);
      // MQTT.js's own timer still ticks while the schedule waits for the credentials: ignored.
      client._reconnect();
      client._reconnect();
      expect(calls()).to.equal(2);
      gate.resolve();
      await until(() => client.reconnects.length > 0);
      await nextTask();
      expect(client.reconnects).to.have.length(1);
    });

    it('a failure before a reconnect: connection-failed, no reconnect', async () => {
      let calls = 0;
      const { connection, factory, rec } = setup({
        username: 'device',
        credentials: () => {
          if (++calls > 1) throw new Error('refresh token revoked');
          return { password: 'token-1' };
        },
      });
      connection.connect();
      await nextTask();
      const client = factory.client;
      client.accept();
      client.drop();
      await until(() => calls === 2);
      await nextTask();
      expect(client.reconnects).to.deep.equal([]);
      const error = only(rec.errors);
      expect(error.code).to.equal('connection-failed');
      expect(error.message).to.equal('the credentials function failed: refresh token revoked');
      expect(rec.statuses).not.to.include('reconnecting');
    });

    it('a failure before every retry of one outage is reported once', async () => {
      let calls = 0;
      const { connection, factory, rec } = setup({
        username: 'device',
        credentials: () => {
          if (++calls > 1) throw new Error('refresh token revoked');
          return { password: 'token-1' };
        },
      });
      connection.connect();
      await nextTask();
      const client = factory.client;
      client.accept();
      client.drop();
      // The schedule goes on after each failure (1 ms apart here), asking again each time.
      await until(() => calls >= 4);
      expect(rec.errors.map((e) => e.message)).to.deep.equal(['the credentials function failed: refresh token revoked']);
    });
  });

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

  describe('MQTT 5 reasons reach the errors and mqtt-status', () => {
    it("a DISCONNECT's reason code, reason string and user properties are on the error, and on the offline status that follows", () => {
      const { connection, client, rec } = connected();
      const userProperties = { node: 'b', hint: ['drain', 'retry later'] };
      client.emit('disconnect', { cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'maintenance', userProperties } });
      client.drop();
      const error = only(rec.errors);
      expect([error.code, error.reasonCode, error.reasonString]).to.deep.equal(['connection-failed', 0x8b, 'maintenance']);
      expect(error.userProperties).to.deep.equal(userProperties);
      expect(connection.status).to.equal('offline');
      expect(rec.statusErrors.at(-1), 'mqtt-status offline carries what ended the connection').to.equal(error);
    });

    it("a refused PUBACK's reason code, reason string and user properties are on publish-failed", async () => {
      const { connection, client } = connected();
      const done = connection.publish('a/b', 'x', { qos: 1 }).catch((e: MqttElementsError) => e);
      const call = client.publishes[0]!;
      const refused = Object.assign(new Error('Publish error: Not authorized'), { code: 0x87 });
      (call.callback as (e?: Error, p?: unknown) => void)(refused, { properties: { reasonString: 'read-only topic', userProperties: { acl: 'r' } } });
      const error = (await done) as MqttElementsError;
      expect([error.code, error.reasonCode, error.reasonString]).to.deep.equal(['publish-failed', 0x87, 'read-only topic']);
      expect(error.userProperties).to.deep.equal({ acl: 'r' });
    });

    it("a refused SUBACK's reason string and user properties are on subscribe-denied", async () => {
      const { connection, client } = connected();
      const statuses: Array<[string, MqttElementsError | undefined]> = [];
      connection.subscribe('secret/#', { onStatus: (status, error) => statuses.push([status, error]) }, () => {});
      await Promise.resolve();
      const packet = { granted: [0x87], properties: { reasonString: 'no access', userProperties: { policy: 'p1' } } };
      client.subscribes[0]!.callback(Object.assign(new Error('Subscribe error'), { packet }) as never, undefined);
      const [status, error] = statuses.at(-1)!;
      expect(status).to.equal('error');
      expect([error?.code, error?.reasonCode, error?.reasonString]).to.deep.equal(['subscribe-denied', 0x87, 'no access']);
      expect(error?.userProperties).to.deep.equal({ policy: 'p1' });
    });
  });

  describe('a CONNACK parsed after its socket closed', () => {
    it('connects nothing: the status stays error and the retry goes on', async () => {
      const { connection, factory } = setup();
      connection.connect();
      const client = factory.client;
      client.stream = { opened: true, destroyed: true };
      client.drop(); // the socket closed first
      expect(connection.status).to.equal('error');
      client.accept(); // then the late CONNACK of that socket
      expect(connection.status, 'not connected on a dead socket').to.equal('error');
      await retried(client);
      expect(connection.status).to.equal('reconnecting');
    });
  });
});
