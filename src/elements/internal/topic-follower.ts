/**
 * `TopicFollower` (loaded on first use, with device-part.ts): holds one subscription an element
 * needs besides its own, the `state-topic` or `availability-topic` of controls that follow the
 * device, through the connection's shared subscriptions (`MqttConnection.subscribe`: refcounted,
 * one SUBSCRIBE per filter, the latest message per topic replayed to a late holder, restored on
 * reconnect). It moves when the topic or the connection changes and lets go on a removal that
 * lasts a task, as `SubscriptionController` does for `<mqtt-subscribe>`'s own filter; it is a class
 * of its own so that the main entry, which every page loads, does not carry it.
 */
import type { ReactiveController } from 'lit';
import type { MqttConnection } from '../../core/connection.js';
import type { QoS } from '../../core/options.js';
import type { ReceivedMessage } from '../../core/message.js';
import { parseQos } from '../../core/options.js';
import { assertTopicFilter } from '../../core/topic.js';
import type { MqttElementsError } from '../../errors.js';
import type { ConnectionController, ConnectionHost } from './connection-controller.js';
import type { ProblemSink } from './problems.js';

/** What a follower is told. */
export interface FollowerEvents {
  /** Every message on the topic (a retained or latest one first, on subscribing). */
  message(message: ReceivedMessage): void;
  /** The topic or the connection changed (or the element left for good): what it said is void. */
  moved(): void;
}

export class TopicFollower<Kind extends string> implements ReactiveController {
  readonly #host: ConnectionHost & { qos?: unknown };
  readonly #connections: ConnectionController;
  readonly #topic: () => string | undefined;
  readonly #problems: ProblemSink<Kind>;
  readonly #kind: Kind;
  readonly #events: FollowerEvents;
  #release?: (() => void) | undefined;
  #heldOn?: MqttConnection | undefined;
  #heldTopic?: string | undefined;
  #leaving?: ReturnType<typeof setTimeout>;

  /**
   * @param topic reads the topic from the host's settings (empty or undefined: none).
   * @param kind the problem a bad topic or a refused subscription is set as.
   */
  constructor(
    host: ConnectionHost & { qos?: unknown },
    connections: ConnectionController,
    topic: () => string | undefined,
    problems: ProblemSink<Kind>,
    kind: Kind,
    events: FollowerEvents,
  ) {
    this.#host = host;
    this.#connections = connections;
    this.#topic = topic;
    this.#problems = problems;
    this.#kind = kind;
    this.#events = events;
    host.addController(this);
  }

  /** Whether a topic is set (the follower may hold no subscription yet: no connection). */
  get active(): boolean {
    return !!this.#topic();
  }

  hostConnected(): void {
    clearTimeout(this.#leaving);
  }

  /** A DOM move (remove and re-insert in one task) keeps the subscription; a lasting removal ends it. */
  hostDisconnected(): void {
    clearTimeout(this.#leaving);
    this.#leaving = setTimeout(() => {
      if (!this.#host.isConnected) this.#move(undefined, undefined);
    });
  }

  /** Before the host's update: in time for it to reflect a problem as its status. */
  hostUpdate(): void {
    if (!this.#host.isConnected) return;
    const connection = this.#connections.value;
    const topic = this.#topic() || undefined;
    if (connection !== this.#heldOn || topic !== this.#heldTopic) this.#move(connection, topic);
  }

  #move(connection: MqttConnection | undefined, topic: string | undefined): void {
    const had = this.#heldTopic;
    this.#release?.();
    this.#release = undefined;
    this.#heldOn = connection;
    this.#heldTopic = topic;
    if (had !== undefined) this.#events.moved();
    this.#problems.set(this.#kind, undefined);
    if (!topic) return;
    try {
      assertTopicFilter(topic);
    } catch (e) {
      this.#problems.set(this.#kind, e as MqttElementsError);
      return;
    }
    if (!connection) return;
    let qos: QoS = 0;
    try {
      // The element's QoS where it is one; a bad one is the element's own problem, reported apart.
      qos = parseQos(this.#host.qos ?? 0);
    } catch {
      // subscribe at 0
    }
    this.#release = connection.subscribe(
      topic,
      {
        qos,
        onStatus: (_status, refused) => {
          if (!refused) return;
          this.#problems.set(this.#kind, refused);
          this.#host.requestUpdate();
        },
      },
      (message) => this.#events.message(message),
    );
  }
}
