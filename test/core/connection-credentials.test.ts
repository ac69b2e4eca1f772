// MqttConnection (src/core/connection.ts, src/core/attempt.ts): the credentials function, driven through the
// fake MQTT.js client (test/support/fake-client.ts, connection-harness.ts). No broker, no WebSocket.
import { expect } from '@open-wc/testing';
import { setup, until, nextTask, deferred, only, heldTokens } from '../support/connection-harness.js';

describe('core/connection: the credentials function (fake client)', () => {
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
});
