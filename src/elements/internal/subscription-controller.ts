import type { ReactiveController } from 'lit';
import type { MqttConnection } from '../../core/connection.js';
import type { ReceivedMessage } from '../../core/message.js';
import type { QoS } from '../../core/options.js';
import { subscriptionTarget, type SubscriptionStatus } from '../../core/subscriptions.js';
import { mqtt5SubscribeOptions } from '../../core/subscription-entry.js';
import type { MqttElementsError } from '../../errors.js';
import { ConnectionController, type ConnectionHost } from './connection-controller.js';
import type { ProblemSink } from './problems.js';

/** An element that holds a subscription: the filter and its options, as attributes. */
export interface SubscriptionHost extends ConnectionHost {
  topic: string;
  qos: string | number;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling?: number | undefined;
}

/** The problems this controller finds: a bad filter or QoS, or no connection to subscribe on. */
export type SubscriptionProblem = 'config' | 'connection';

/** What the controller tells its host. */
export interface SubscriptionEvents {
  /** Every message matching the filter (the latest ones replayed when it subscribes). */
  message(message: ReceivedMessage): void;
  /** `status` may have changed. */
  status(): void;
  /** The broker refused the subscription (`subscribe-denied`). */
  error(error: MqttElementsError): void;
}

/** The host properties a broker subscription is made of (with the connection). */
const SUBSCRIPTION_PROPERTIES = ['topic', 'qos', 'noLocal', 'retainAsPublished', 'retainHandling'] as const;

/**
 * Which filter an element holds on which connection: subscribes when the element is in the
 * document and has a connection, moves the subscription when the filter, its options or the
 * connection change, and lets go when the element leaves (but not for a DOM move: a remove and a
 * re-insert in the same task keeps it, so no UNSUBSCRIBE/SUBSCRIBE pair and no replay).
 */
export class SubscriptionController implements ReactiveController {
  readonly #host: SubscriptionHost;
  readonly #connections: ConnectionController;
  readonly #problems: ProblemSink<SubscriptionProblem>;
  readonly #events: SubscriptionEvents;
  #release?: () => void;
  /** The subscription properties as a key, rebuilt only when one of them changed. */
  #configKey?: string;
  #heldKey?: string;
  #heldFilter?: string;
  #heldOn?: MqttConnection;
  #status: SubscriptionStatus = 'idle';
  #releaseTimer?: ReturnType<typeof setTimeout>;

  /** @param problems where a bad filter or a missing connection is set (and reported). */
  constructor(host: SubscriptionHost, problems: ProblemSink<SubscriptionProblem>, events: SubscriptionEvents) {
    this.#host = host;
    this.#problems = problems;
    this.#events = events;
    this.#connections = new ConnectionController(host);
    host.addController(this);
  }

  /** The broker subscription's status (`error` also when the broker refused it). */
  get status(): SubscriptionStatus {
    return this.#status;
  }

  /** True while `sync()` runs: a message replayed to a late subscriber arrives then. */
  syncing = false;

  /** The host is back in a document: a pending release (a DOM move) is cancelled, status shown. */
  hostConnected(): void {
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    this.#events.status();
    this.#host.requestUpdate();
  }

  /**
   * A DOM move is a remove and a re-insert in the same task. Releasing at once would send
   * UNSUBSCRIBE before the re-insert's update (a later microtask) subscribes again, and the
   * re-subscription would replay the latest message: only a removal that lasts a task lets go.
   */
  hostDisconnected(): void {
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined;
      if (!this.#host.isConnected) this.#letGo();
    });
  }

  /** Brings the subscription in line with the host's properties; call from the host's `updated`. */
  sync(changed: ReadonlyMap<PropertyKey, unknown>): void {
    this.syncing = true;
    try {
      this.#sync(changed);
    } finally {
      this.syncing = false;
    }
  }

  #sync(changed: ReadonlyMap<PropertyKey, unknown>): void {
    const host = this.#host;
    // Most updates are a message's: they change none of these, and need no key built. Kept up to
    // date while detached too: a change then must still count when the element comes back.
    if (this.#configKey === undefined || SUBSCRIPTION_PROPERTIES.some((name) => changed.has(name))) {
      this.#configKey = JSON.stringify([host.topic, String(host.qos), host.noLocal, host.retainAsPublished, host.retainHandling]);
    }
    if (!host.isConnected) return;
    const connection = this.#connections.value;
    const key = this.#configKey;
    if (connection === this.#heldOn && key === this.#heldKey && (this.#release || this.#problems.has('config'))) {
      this.#problems.set('connection', connection ? undefined : this.#connections.missing);
      return;
    }
    // Only the QoS or options changed: the element already shows the latest messages.
    const sameFilter = this.#release !== undefined && connection === this.#heldOn && this.#heldFilter === host.topic;
    this.#letGo();
    this.#heldKey = key;
    this.#heldFilter = host.topic;
    this.#heldOn = connection;
    let qos: QoS;
    try {
      // Core's rule, asked here too so that a bad filter is reported before any connection exists.
      qos = subscriptionTarget(host.topic, host.qos);
      this.#problems.set('config', undefined);
    } catch (e) {
      this.#problems.set('config', e as MqttElementsError);
      return;
    }
    this.#problems.set('connection', connection ? undefined : this.#connections.missing);
    if (!connection) return;
    const rh = host.retainHandling;
    const { message, status, error } = this.#events;
    this.#release = connection.subscribe(
      host.topic,
      {
        qos,
        replay: !sameFilter,
        ...mqtt5SubscribeOptions({ nl: host.noLocal || undefined, rap: host.retainAsPublished || undefined, rh }),
        onStatus: (next, refused) => {
          this.#status = next;
          if (refused) error(refused);
          status();
        },
      },
      message,
    );
  }

  #letGo(): void {
    this.#release?.();
    this.#release = undefined;
    this.#heldKey = undefined;
    this.#heldOn = undefined;
    this.#status = 'idle';
  }
}
