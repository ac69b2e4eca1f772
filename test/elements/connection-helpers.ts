// Helpers shared by the <mqtt-connection> test files (not a test file itself).
import type { IConnackPacket } from 'mqtt';
import type { ConnectionStatus, MqttConnectionElement, MqttElementsError } from '../../src/index.js';
import { mosquittoLog, waitFor, type AedesEventType } from '../support/brokers.js';
import { brokerEvents } from '../support/elements.js';

/** What one element reported, in order. Events are recorded on the element itself. */
export interface Recording {
  statuses: ConnectionStatus[];
  /** `mqtt-status` events with an error in their detail, as `status:code`. */
  statusErrors: string[];
  errors: MqttElementsError[];
  connacks: IConnackPacket[];
  /** Every event, for checks of order across types. */
  all: Event[];
}

export function record(el: MqttConnectionElement): Recording {
  const rec: Recording = { statuses: [], statusErrors: [], errors: [], connacks: [], all: [] };
  el.addEventListener('mqtt-status', (e) => {
    rec.all.push(e);
    rec.statuses.push(e.detail.status);
    const error = e.detail.error as MqttElementsError | undefined;
    if (error) rec.statusErrors.push(`${e.detail.status}:${error.code}`);
  });
  el.addEventListener('mqtt-error', (e) => {
    rec.all.push(e);
    rec.errors.push(e.detail.error as MqttElementsError);
  });
  el.addEventListener('mqtt-connect', (e) => {
    rec.all.push(e);
    rec.connacks.push(e.detail.connack);
  });
  return rec;
}

/** Resolves when `el.status` is `status` (at once if it already is). */
export async function untilStatus(el: MqttConnectionElement, status: ConnectionStatus, timeout = 5000): Promise<void> {
  try {
    await waitFor(() => el.status === status, { timeout });
  } catch {
    throw new Error(`status "${status}" not reached in ${timeout} ms: it is "${el.status}"${el.error ? ` (${el.error.code}: ${el.error.message})` : ""}`);
  }
}

/** Resolves after the `count`th `mqtt-connect` of a recording. */
export async function untilConnects(rec: Recording, count: number, timeout = 5000): Promise<void> {
  await waitFor(() => rec.connacks.length >= count, { timeout, message: `${count} mqtt-connect events` });
}

/** Waits until aedes recorded at least `count` events of `type` for `clientId`; returns them. */
export function untilAedes(clientId: string, type: AedesEventType, count = 1, timeout = 5000) {
  return waitFor(
    async () => {
      const events = await brokerEvents(clientId, type);
      return events.length >= count ? events : undefined;
    },
    { timeout, message: `${count} aedes "${type}" events for ${clientId}` },
  );
}

/** Over three reconnect periods of the 100 ms the tests use: long enough for a retry to show. */
export const QUIET = 350;

/**
 * Asserts that `check` keeps holding for `ms`, polling. Only for facts of the form "nothing more
 * happens" (no reconnect, no second CONNECT): an absence has no event to await, so it can only be
 * observed over a bounded time. Everything that does happen is awaited on its event instead.
 */
export async function holdsFor(check: () => boolean | Promise<boolean>, ms: number, message: string): Promise<void> {
  const deadline = performance.now() + ms;
  do {
    if (!(await check())) throw new Error(`no longer true: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  } while (performance.now() < deadline);
  if (!(await check())) throw new Error(`no longer true: ${message}`);
}

/** Rejection of a promise, or a failure if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<MqttElementsError> {
  try {
    await promise;
  } catch (e) {
    return e as MqttElementsError;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** mosquitto logs every CONNECT as "New client connected from … as <id> (p<version>, c<clean>, k<keepalive>[, u'<user>'])." */
export function untilMosquittoConnect(clientId: string): Promise<string> {
  const needle = ` as ${clientId} (`;
  return waitFor(async () => (await mosquittoLog(needle))[0], { timeout: 3000, message: `mosquitto CONNECT of ${clientId}` });
}
