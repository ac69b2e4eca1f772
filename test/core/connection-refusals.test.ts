// MqttConnection (src/core/connection.ts, src/core/attempt.ts): refusals by CONNACK, a DISCONNECT from the broker, MQTT 5 reasons, a late CONNACK, driven through the
// fake MQTT.js client (test/support/fake-client.ts, connection-harness.ts). No broker, no WebSocket.
import { expect } from '@open-wc/testing';
import { MqttElementsError } from '../../src/errors.js';
import { setup, connected, retried, nextTask, only } from '../support/connection-harness.js';

describe('core/connection: refusals by CONNACK, a DISCONNECT from the broker, MQTT 5 reasons, a late CONNACK (fake client)', () => {
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
