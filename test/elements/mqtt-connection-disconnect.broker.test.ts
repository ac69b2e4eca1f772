// <mqtt-connection>'s disconnect() and removal settle within a second in any state (README,
// `<mqtt-connection>`: `disconnect()`), offline with a QoS 1 publish queued included: MQTT.js's own
// end() waits for that publish's PUBACK, which never comes while the broker is away. A private
// mosquitto, stopped for good, is the broker that went away.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttElementsError } from '../../src/index.js';
import { privateMosquitto, uid, waitFor } from '../support/brokers.js';
import { untilStatus } from './connection-helpers.js';

/** How a promise settled, once it has: `resolved`, or the rejection's code. */
function outcome(promise: Promise<unknown>): { settled?: string } {
  const seen: { settled?: string } = {};
  promise.then(
    () => (seen.settled = 'resolved'),
    (e: MqttElementsError) => (seen.settled = e.code),
  );
  return seen;
}

/** A connection to a private mosquitto, then the broker gone: `offline`, a QoS 1 publish queued. */
async function offlineWithQueued(store = 'memory'): Promise<{ el: MqttConnectionElement; queued: { settled?: string } }> {
  const broker = await privateMosquitto();
  const id = uid('end');
  const el = await fixture<MqttConnectionElement>(
    html`<mqtt-connection url=${broker.url} client-id=${id} store=${store} reconnect-period="100" reconnect-max="200"></mqtt-connection>`,
  );
  await untilStatus(el, 'connected');
  await broker.stop();
  await waitFor(() => el.status === 'offline' || el.status === 'reconnecting', { message: 'the connection saw the broker go' });
  const queued = outcome(el.publish(`${id}/set`, 'queued', { qos: 1 }));
  expect(el.client!.connected).to.equal(false);
  return { el, queued };
}

describe('<mqtt-connection>: disconnect() and removal settle within a second', () => {
  it('disconnect() while offline with a QoS 1 publish queued: resolves within 1 s, closed; the publish rejects publish-failed', async () => {
    const { el, queued } = await offlineWithQueued();
    const started = performance.now();
    const done = outcome(el.disconnect());
    await waitFor(() => done.settled, { timeout: 1000, message: 'disconnect() settled within 1 s' });
    expect(done.settled).to.equal('resolved');
    expect(performance.now() - started).to.be.below(1000);
    expect(el.status).to.equal('closed');
    await waitFor(() => queued.settled, { timeout: 1000, message: 'the queued publish was answered' });
    expect(queued.settled).to.equal('publish-failed');
  });

  it('removal while offline with a QoS 1 publish queued: closed within 1 s; the publish rejects publish-failed', async () => {
    const { el, queued } = await offlineWithQueued();
    const closed = new Promise<void>((resolve) => el.addEventListener('mqtt-status', (e) => e.detail.status === 'closed' && resolve()));
    const started = performance.now();
    el.remove();
    await closed;
    expect(performance.now() - started).to.be.below(1000);
    await waitFor(() => queued.settled, { timeout: 1000, message: 'the queued publish was answered' });
    expect(queued.settled).to.equal('publish-failed');
  });

  it('store="indexeddb": disconnect() while offline resolves within 1 s and keeps the queued publish stored, not failed', async () => {
    const { el, queued } = await offlineWithQueued('indexeddb');
    // Once IndexedDB holds it (a disconnect during that write is the store's own matter).
    await waitFor(() => storedFor(el.clientId!), { message: 'the publish is in IndexedDB' });
    const started = performance.now();
    await el.disconnect();
    expect(performance.now() - started).to.be.below(1000);
    expect(el.status).to.equal('closed');
    // Kept for the next connect: still in the store, and not failed.
    expect(await storedFor(el.clientId!), 'still stored').to.equal(true);
    expect(queued.settled, 'a stored publish does not fail').to.not.equal('publish-failed');
  });
});

/** Whether IndexedDB holds a publish of "queued" for `clientId` (store.ts's records). */
async function storedFor(clientId: string): Promise<boolean> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('mqtt-elements');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    if (!db.objectStoreNames.contains('outbox')) return false;
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const req = db.transaction('outbox', 'readonly').objectStore('outbox').getAllKeys();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    // Keys are [URLs, client id, direction, login, message id] (idb-store.ts).
    return keys.some((k) => Array.isArray(k) && k.includes(clientId));
  } finally {
    db.close();
  }
}
