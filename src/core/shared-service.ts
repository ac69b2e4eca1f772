/**
 * What the tab holding a shared connection (the leader, shared-link.ts) does for the other tabs:
 * holds their subscriptions on its own connection and forwards their messages, publishes for
 * them, and lets go of what a tab held once it has gone: it said `bye`, or the browser granted
 * that tab's own lock (it closed or crashed). No DOM.
 */
import { toCodedError, type MqttElementsError } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import type { PublishOptions } from './publish.js';
import { shapeError, type Body, type Message } from './shared-protocol.js';
import type { SubscribeOptions } from './subscriptions.js';

/**
 * What the service asks of the leader's connection: the part of shared-link.ts's `ServedHost` it
 * uses, named here so that the link, which imports this file, is not imported back.
 */
export interface ServedHost {
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void;
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<unknown>;
}

/** The leader's service to the followers; `stop()` when it stops leading. */
export class FollowerService {
  readonly #host: ServedHost;
  readonly #post: (message: Body) => void;
  readonly #tabLock: (tab: string) => string;
  readonly #tellStatus: () => void;
  /** What it holds for each follower, by `tab filter`. */
  readonly #served = new Map<string, () => void>();
  /** The followers whose end it awaits (their lock). */
  readonly #watched = new Map<string, AbortController>();

  constructor(host: ServedHost, post: (message: Body) => void, tabLock: (tab: string) => string, tellStatus: () => void) {
    this.#host = host;
    this.#post = post;
    this.#tabLock = tabLock;
    this.#tellStatus = tellStatus;
  }

  /** Stops waiting on the followers and lets go of everything held for them. */
  stop(): void {
    for (const watch of this.#watched.values()) watch.abort();
    this.#watched.clear();
    for (const release of this.#served.values()) release();
    this.#served.clear();
  }

  /** Leader: a follower's request. */
  serve(m: Message): void {
    if ('from' in m && m.t !== 'bye' && m.t !== 'status') this.#watch(m.from);
    switch (m.t) {
      case 'hello': {
        // A new tab: it needs the status now (the next change may be long in coming).
        return this.#tellStatus();
      }
      case 'sub':
        return this.#sub(m);
      case 'unsub': {
        const key = `${m.from} ${m.filter}`;
        this.#served.get(key)?.();
        this.#served.delete(key);
        return;
      }
      case 'bye':
        return this.#forget(m.from);
      case 'pub':
        this.#host.publish(m.topic, m.payload, m.options).then(
          () => this.#post({ t: 'puback', to: m.from, id: m.id }),
          (e: MqttElementsError) => this.#post({ t: 'puback', to: m.from, id: m.id, error: shapeError(e) }),
        );
        return;
      default:
    }
  }

  #sub(m: Extract<Message, { t: 'sub' }>): void {
    try {
      this.#hold(m);
    } catch (e) {
      // A filter or QoS the follower's own checks would have refused: told, never thrown here.
      this.#post({ t: 'suback', to: m.from, filter: m.filter, error: shapeError(toCodedError(e)) });
    }
  }

  #hold(m: Extract<Message, { t: 'sub' }>): void {
    const key = `${m.from} ${m.filter}`;
    const held = this.#served.get(key);
    const release = this.#host.subscribe(
      m.filter,
      {
        ...m.options,
        // The latest messages go to a tab that did not hold the filter here; one that asks again
        // (a new QoS, a reconnect) has them already.
        replay: !held,
        onStatus: (status, error) => {
          if (status === 'subscribed') this.#post({ t: 'suback', to: m.from, filter: m.filter, granted: m.options.qos ?? 0 });
          else if (status === 'error' && error) this.#post({ t: 'suback', to: m.from, filter: m.filter, error: shapeError(error) });
        },
      },
      (message) => {
        const { topic, payload, retained, qos, properties, receivedAt } = message;
        this.#post({ t: 'msg', to: m.from, filter: m.filter, topic, payload, retain: retained, qos, receivedAt, ...(properties ? { properties } : {}) });
      },
    );
    this.#served.set(key, release);
    held?.(); // after the new hold: the filter is never let go in between
  }

  /** Leader: waits for `tab`'s own lock, which the browser grants once that tab is gone. */
  #watch(tab: string): void {
    if (this.#watched.has(tab)) return;
    const watch = new AbortController();
    this.#watched.set(tab, watch);
    navigator.locks
      .request(this.#tabLock(tab), { signal: watch.signal }, () => {
        if (this.#watched.get(tab) === watch) this.#forget(tab);
      })
      .catch(() => {}); // aborted: the tab said bye, or this one stopped leading
  }

  /** Leader: `tab` is gone; what it held is let go (UNSUBSCRIBE where no one else holds it). */
  #forget(tab: string): void {
    this.#watched.get(tab)?.abort();
    this.#watched.delete(tab);
    for (const [key, release] of this.#served) {
      if (!key.startsWith(`${tab} `)) continue;
      release();
      this.#served.delete(key);
    }
  }
}
