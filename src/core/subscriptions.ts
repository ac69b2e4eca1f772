/**
 * Refcounted broker subscriptions on one connection. However many elements ask for a filter,
 * the broker sees one SUBSCRIBE (at the highest QoS asked) and, once the last element lets go,
 * one UNSUBSCRIBE. Requests made in the same task are sent together, so a page of elements that
 * upgrade at once costs one SUBSCRIBE per distinct filter. No DOM: the client is an interface.
 */
import type { IClientSubscribeOptions, ISubscriptionGrant, IPublishPacket } from 'mqtt';
import { brokerReason, MqttElementsError } from '../errors.js';
import { toReceivedMessage, type ReceivedMessage } from './message.js';
import { deliver, deliverToEntry, Entry, mqtt5SubscribeOptions, notify, type Holder, type SubscribeOptions, type SubscriptionStatus } from './subscription-entry.js';
import { parseQos, type QoS } from './options.js';
import { TopicRouter } from './topic-router.js';
import { assertTopicFilter, matchedFilter } from './topic.js';

// Defined beside the entry that keeps them, re-exported here where elements look for them.
export type { SubscribeOptions, SubscriptionStatus } from './subscription-entry.js';

/** Checks what a subscription asks for: throws `invalid-topic` or `invalid-qos`, else returns the QoS. */
export function subscriptionTarget(filter: unknown, qos: unknown): QoS {
  assertTopicFilter(filter);
  return qos === undefined || qos === null ? 0 : parseQos(qos);
}

/** The part of MQTT.js's `MqttClient` the registry uses (a fake one suffices in unit tests). */
export interface SubscribeTransport {
  subscribe(
    filter: string,
    options: IClientSubscribeOptions,
    callback: (error: Error | null | undefined, granted?: ISubscriptionGrant[]) => void,
  ): unknown;
  unsubscribe(filter: string): unknown;
}

/** The reason code of a refused SUBACK, or undefined when `granted` is a grant. */
function refusal(granted: { qos: number } | undefined): number | undefined {
  if (!granted) return undefined;
  const code = granted.qos;
  return code >= 0x80 ? code : undefined;
}

/**
 * The refcounted subscriptions of one connection: `acquire` a filter, get messages and status,
 * release it; the broker sees one SUBSCRIBE per filter and one UNSUBSCRIBE when the last holder
 * goes. It follows the connection's client through reconnects (see the module comment).
 */
export class SubscriptionRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #router = new TopicRouter<Entry>();
  #client?: SubscribeTransport;
  #connected = false;
  #flushQueued = false;
  #releaseQueued = new Set<Entry>();
  /** Filters let go while offline: a session the broker kept still holds them. */
  #releasedOffline = new Set<string>();

  /**
   * Number of distinct filters held (each is one broker subscription). Public for diagnostics:
   * the tests read it to prove that released filters are forgotten, not leaked.
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Status of the broker subscription for `filter`, if any element holds it. Public for
   * diagnostics and tests: each holder is told its own status through `onStatus`.
   */
  statusOf(filter: string): SubscriptionStatus | undefined {
    return this.#entries.get(filter)?.status;
  }

  /**
   * Holds `filter` for one subscriber until the returned function is called. Throws an
   * `invalid-topic` or `invalid-qos` error for bad input, synchronously, before anything is sent.
   */
  acquire(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    const qos = subscriptionTarget(filter, options.qos);
    let entry = this.#entries.get(filter);
    if (!entry) {
      entry = new Entry(filter);
      this.#entries.set(filter, entry);
      this.#router.add(matchedFilter(filter), entry);
    }
    this.#releaseQueued.delete(entry);
    const holder: Holder = { options, qos, onMessage };
    entry.holders.add(holder);
    notify(holder, entry.status, entry.error);
    for (const message of options.replay === false ? [] : entry.last.values()) {
      // Replayed as retained: it is a message from before this element subscribed.
      deliver(holder, message.retained ? message : { ...message, retained: true });
    }
    // Sent at more than anyone now asks (those who asked for more are gone, e.g. this very
    // element before its `qos` changed): subscribe again at the highest QoS asked for.
    if (entry.sentQos > entry.wantedQos) entry.sentQos = -1;
    if (this.#connected && entry.sentQos < entry.wantedQos) this.#queueFlush();

    const held = entry;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.holders.delete(holder);
      if (held.holders.size === 0) this.#queueRelease(held);
    };
  }

  /**
   * Takes a new client (first connect, or a new URL or identity). Nothing is sent until it
   * reports `connected()`.
   */
  attach(client: SubscribeTransport | undefined): void {
    this.#client = client;
    this.#connected = false;
    this.#releasedOffline.clear();
    for (const entry of this.#entries.values()) {
      entry.sentQos = -1;
      entry.last.clear();
      if (entry.status !== 'idle') entry.setStatus('idle');
    }
  }

  /**
   * The client connected. With `sessionPresent` the broker kept this client's subscriptions,
   * so those already acknowledged need no new SUBSCRIBE; otherwise every filter is sent again.
   */
  connected(sessionPresent: boolean): void {
    this.#connected = true;
    if (sessionPresent && this.#client) {
      for (const filter of this.#releasedOffline) if (!this.#entries.has(filter)) this.#client.unsubscribe(filter);
    }
    this.#releasedOffline.clear();
    for (const entry of this.#entries.values()) {
      if (sessionPresent && entry.status === 'subscribed' && entry.sentQos >= entry.wantedQos) continue;
      entry.sentQos = -1;
    }
    this.#flush();
  }

  /**
   * The broker is about to be asked for every filter again on behalf of holders that keep what
   * they were shown (another tab took the shared connection over): the retained copies it sends
   * back are not delivered a second time.
   */
  handover(): void {
    for (const entry of this.#entries.values()) entry.seen = new Map([...(entry.seen ?? []), ...entry.last]);
  }

  /** The client lost its connection: subscriptions wait for the next `connected()`. */
  disconnected(): void {
    this.#connected = false;
    for (const entry of this.#entries.values()) {
      if (entry.status === 'pending') entry.sentQos = -1;
      // A persistent session may keep `subscribed` entries on the broker; `connected()` decides.
    }
  }

  /** Routes one incoming PUBLISH to every filter it matches. */
  dispatch(topic: string, payload: Uint8Array, packet: IPublishPacket): void {
    let message: ReceivedMessage | undefined;
    this.#router.match(topic, (entry) => {
      message ??= toReceivedMessage(topic, payload, packet);
      deliverToEntry(entry, message);
    });
  }

  /**
   * Delivers one PUBLISH to the holders of `filter` only: a connection shared between tabs gets
   * each message once per filter it holds there, already routed (shared-link.ts), and received
   * at `receivedAt` by the tab holding the connection.
   */
  dispatchTo(filter: string, topic: string, payload: Uint8Array, receivedAt: number, packet: IPublishPacket): void {
    const entry = this.#entries.get(filter);
    if (!entry) return;
    const message = toReceivedMessage(topic, payload, packet);
    message.receivedAt = receivedAt;
    deliverToEntry(entry, message);
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush();
    });
  }

  #flush(): void {
    const client = this.#client;
    if (!client || !this.#connected) return;
    for (const entry of this.#entries.values()) {
      if (entry.holders.size === 0) continue;
      const qos = entry.wantedQos;
      if (entry.sentQos >= qos) continue;
      this.#subscribe(client, entry, qos);
    }
  }

  #subscribe(client: SubscribeTransport, entry: Entry, qos: QoS): void {
    // Asked again at a higher QoS on the same session: the holders have the retained messages
    // the broker sends back (after a reconnect they come as they always did).
    if (entry.status === 'subscribed' && entry.sentQos >= 0) entry.seen = new Map([...(entry.seen ?? []), ...entry.last]);
    entry.sentQos = qos;
    const first = entry.holders.values().next().value as Holder;
    const options: IClientSubscribeOptions = { qos, ...mqtt5SubscribeOptions(first.options) };
    entry.setStatus('pending');
    client.subscribe(entry.filter, options, (error, granted) => {
      // An answer for a client or a QoS that has since been replaced is stale.
      if (client !== this.#client || this.#entries.get(entry.filter) !== entry || entry.sentQos !== qos) return;
      const packetGranted = (error as { packet?: { granted?: Array<number | ISubscriptionGrant> } } | null)?.packet
        ?.granted;
      const first = packetGranted?.[0];
      const denied = refusal(granted?.[0]) ?? refusal(typeof first === 'number' ? { qos: first } : first);
      if (denied !== undefined) {
        const properties = (error as { packet?: { properties?: Parameters<typeof brokerReason>[1] } } | null)?.packet?.properties;
        const message = `the broker refused the subscription to "${entry.filter}" (reason code ${denied})`;
        entry.setStatus('error', new MqttElementsError('subscribe-denied', message, brokerReason(denied, properties)));
      } else if (error) {
        // Not an answer from the broker (the connection went away): retried on the next connect.
        entry.sentQos = -1;
        entry.setStatus('idle');
      } else {
        entry.setStatus('subscribed');
      }
    });
  }

  #queueRelease(entry: Entry): void {
    // Deferred to the next microtask: a holder that lets go and takes the filter back in the
    // same task (an element changing its `qos`) costs no UNSUBSCRIBE. Elements moved in the DOM
    // hold on for a task themselves: their re-insert's update comes after this microtask.
    this.#releaseQueued.add(entry);
    if (this.#releaseQueued.size > 1) return;
    queueMicrotask(() => {
      for (const e of this.#releaseQueued) {
        if (e.holders.size > 0 || this.#entries.get(e.filter) !== e) continue;
        this.#entries.delete(e.filter);
        this.#router.delete(matchedFilter(e.filter), e);
        if (!this.#client || e.sentQos < 0) continue;
        if (this.#connected) this.#client.unsubscribe(e.filter);
        else this.#releasedOffline.add(e.filter);
      }
      this.#releaseQueued.clear();
    });
  }
}
