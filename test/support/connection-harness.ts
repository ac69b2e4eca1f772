// The harness of MqttConnection's unit tests (test/core/connection-*.test.ts): a connection over
// the fake MQTT.js client (fake-client.ts), a recording of what its listeners were told, and the
// small waits those tests share. No broker, no WebSocket: every event, and its order, is the test's
// choice.
import { expect } from '@open-wc/testing';
import type { IConnackPacket } from 'mqtt';
import { MqttConnection, type ConnectionStatus } from '../../src/core/connection.js';
import { loadReferences } from '../../src/core/lazy-references.js';
import type { ConnectionConfig } from '../../src/core/settings.js';
import { MqttElementsError } from '../../src/errors.js';
import { FakeClient, FakeFactory } from './fake-client.js';

// MQTT 5's server references load before a v5 connection's first attempt (core/lazy-references.ts):
// loaded here first, so that these tests' connect() makes its fake client at once, as on 3.1.1.
// test/core/lazy-parts-connect.test.ts covers the wait itself.
before(() => loadReferences());

/** Everything a listener was told, in order; `log` interleaves the three kinds. */
export interface Recording {
  statuses: ConnectionStatus[];
  /** The error passed along with each status (undefined but for `error`). */
  statusErrors: Array<MqttElementsError | undefined>;
  errors: MqttElementsError[];
  connacks: IConnackPacket[];
  log: string[];
}

export function record(connection: MqttConnection): Recording {
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

export const URL_ = 'ws://broker.test/mqtt';
/** The message of a failed attempt: it names the URL first (a diagnosis may follow). */
export const COULD_NOT_CONNECT = /^could not connect to ws:\/\/broker\.test\/mqtt(:|$)/;

export function setup(config: Partial<ConnectionConfig> = {}): { connection: MqttConnection; factory: FakeFactory; rec: Recording } {
  const factory = new FakeFactory();
  const connection = new MqttConnection(factory.create);
  // Retries 1 ms after a failure (no backoff to wait for): tests await them with retried().
  connection.config = { url: URL_, reconnectPeriod: 1, reconnectMax: 1, ...config };
  const rec = record(connection);
  return { connection, factory, rec };
}

/** A connection whose client the broker accepted; the recording starts after that. */
export function connected(config: Partial<ConnectionConfig> = {}): { connection: MqttConnection; factory: FakeFactory; client: FakeClient; rec: Recording } {
  const { connection, factory } = setup(config);
  connection.connect();
  const client = factory.client;
  client.accept();
  expect(connection.status).to.equal('connected');
  return { connection, factory, client, rec: record(connection) };
}

/** Resolves once the connection's retry schedule reconnected `client` (again): `reconnects` grew. */
export async function retried(client: FakeClient): Promise<void> {
  const before = client.reconnects.length;
  const deadline = performance.now() + 1000;
  while (client.reconnects.length === before) {
    if (performance.now() > deadline) throw new Error('no reconnect within 1 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Resolves once `predicate` holds (polled), failing after 1 s. */
export async function until(predicate: () => boolean): Promise<void> {
  const deadline = performance.now() + 1000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`not true within 1 s: ${predicate.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets queued tasks run (the fake's end(), settled credentials). */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve));

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function rejection(promise: Promise<unknown>): Promise<MqttElementsError> {
  try {
    await promise;
  } catch (e) {
    expect(e, 'a coded error').to.be.instanceOf(MqttElementsError);
    return e as MqttElementsError;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export function only(errors: MqttElementsError[]): MqttElementsError {
  expect(errors.map((e) => `${e.code}: ${e.message}`)).to.have.length(1);
  return errors[0];
}

/**
 * A credentials function whose first answer (`token-1`) comes at once and whose later ones
 * (`token-2`, …) wait for `gate`: a reconnect's fetch can then be held while the test acts.
 */
export function heldTokens() {
  const gate = deferred<void>();
  let calls = 0;
  const credentials = async () => {
    if (++calls > 1) await gate.promise;
    return { password: `token-${calls}` };
  };
  return { gate, credentials, calls: () => calls };
}
