// A stand-in for MqttConnection, handed to elements through mqttContext as <mqtt-connection>
// would: element tests then run with no broker and no MQTT.js client. It has only what the
// elements use (subscribe and publish); reading anything else from it is recorded and fails the
// test, so an element that starts to use more of the connection shows up here first.
import type { IPublishPacket } from 'mqtt';
import type { MqttConnection } from '../../src/core/connection.js';
import { toReceivedMessage, type ReceivedMessage } from '../../src/core/message.js';
import type { PublishOptions } from '../../src/core/publish.js';
import type { SubscribeOptions } from '../../src/core/subscriptions.js';
import { topicMatches } from '../../src/core/topic.js';

/** One `subscribe()` call an element made. */
export interface FakeSubscription {
  filter: string;
  options: SubscribeOptions;
  onMessage: (message: ReceivedMessage) => void;
  /** How often its release function was called. */
  releases: number;
}

/** One `publish()` call an element made. */
export interface FakePublish {
  topic: string;
  payload: unknown;
  options: PublishOptions;
}

/** What a message delivered through the fake carries besides topic and payload. */
export type PacketFields = Partial<Pick<IPublishPacket, 'qos' | 'retain' | 'properties'>>;

export class FakeConnection {
  /** Every subscribe() call, released or not, in order. */
  readonly subscriptions: FakeSubscription[] = [];
  /** Every publish() call, in order. */
  readonly publishes: FakePublish[] = [];
  /** Members other than subscribe/publish that something read (must stay empty). */
  readonly unexpected: string[] = [];
  /** What publish() settles with; by default the payload as MqttConnection would encode a string. */
  answer: (call: FakePublish) => Promise<string | Uint8Array> = (call) => Promise.resolve(`sent ${String(call.payload)}`);

  /** The fake typed as the connection elements expect, watching for reads of other members. */
  readonly connection: MqttConnection;

  constructor() {
    const members: Record<string, unknown> = {
      subscribe: this.subscribe.bind(this),
      publish: this.publish.bind(this),
    };
    this.connection = new Proxy(this, {
      get: (target, key) => {
        if (typeof key === 'string' && key in members) return members[key];
        if (typeof key === 'string') target.unexpected.push(key);
        return undefined;
      },
    }) as unknown as MqttConnection;
  }

  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    const subscription: FakeSubscription = { filter, options, onMessage, releases: 0 };
    this.subscriptions.push(subscription);
    return () => {
      subscription.releases++;
    };
  }

  publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<string | Uint8Array> {
    const call = { topic, payload, options };
    this.publishes.push(call);
    return this.answer(call);
  }

  /** The subscriptions not released yet. */
  get held(): FakeSubscription[] {
    return this.subscriptions.filter((s) => s.releases === 0);
  }

  /**
   * Delivers a message, made as the registry makes it (toReceivedMessage), to every held
   * subscription whose filter matches `topic`. Returns how many got it.
   */
  deliver(topic: string, payload: string | Uint8Array, fields: PacketFields = {}): number {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    const packet = { cmd: 'publish', topic, payload: bytes, qos: 0, retain: false, dup: false, ...fields } as IPublishPacket;
    const message = toReceivedMessage(topic, bytes, packet);
    const targets = this.held.filter((s) => topicMatches(s.filter, topic));
    for (const s of targets) s.onMessage(message);
    return targets.length;
  }
}
