/**
 * `SharedHost`: what a tab's part in a shared connection (shared-link.ts) needs of its connection,
 * named on its own so that shared-link.ts (which uses it) and shared-host.ts (which builds it from
 * an `MqttConnection`) both import it and not each other. No DOM.
 */
import type { MqttElementsError } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import type { PublishOptions } from './publish.js';
import type { ConnectionStatus } from './status.js';
import type { SubscribeOptions, SubscribeTransport } from './subscriptions.js';

/**
 * What the link needs from its connection: shared-host.ts builds it from an `MqttConnection`; the
 * follower service (shared-service.ts) uses only `subscribe` and `publish` of it.
 */
export interface SharedHost {
  /** Connect this tab's own client (it became the leader). */
  lead(): void;
  /** End this tab's own client (it gives the lead away); settles within a second. */
  endLead(): Promise<void>;
  /** This tab cannot share (a tab of another protocol version, no locks): it connects on its own. */
  alone(): void;
  /** The leader's own connection, serving followers. */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void;
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<unknown>;
  clientId(): string;
  /** A follower learns the leader's client id (tabs without a `client-id` share one). */
  adoptClientId(id: string): void;
  /** The leader's status now, for a tab that just joined. */
  current(): { status: ConnectionStatus; error?: MqttElementsError | undefined };
  /** A follower mirrors the leader's status. */
  mirror(status: ConnectionStatus, error?: MqttElementsError): void;
  /** A follower's subscriptions go through the leader: attach this transport, and (re)connected. */
  attachRemote(transport: SubscribeTransport | undefined): void;
  remoteConnected(): void;
  remoteDisconnected(): void;
  /** A follower gets a message for one of its filters, as the leader received it. */
  remoteMessage(
    filter: string,
    topic: string,
    payload: Uint8Array,
    packet: { retain: boolean; qos: number; receivedAt: number; properties?: unknown },
  ): void;
}
