/**
 * What a connection gives its `SharedLink` (shared-link.ts): its own client to lead with, and for
 * a follower tab, its registry and status fed from the leader. Kept apart from connection.ts so
 * that the one-tab path reads without it.
 */
import type { ClientPlan } from './options.js';
import type { ReceivedMessage } from './message.js';
import type { PublishOptions } from './publish.js';
import type { SharedHost } from './shared-host-port.js';
import { SharedLink } from './shared-link.js';
import type { StatusBoard } from './status.js';
import type { SubscribeOptions, SubscriptionRegistry } from './subscriptions.js';

/**
 * The part of `MqttConnection` (connection.ts) the link's host uses: named here rather than
 * imported, so that connection.ts can import this file without a circle.
 */
export interface SharingConnection {
  readonly config: { clientId?: string | undefined; username?: string | undefined };
  readonly clientId: string;
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void;
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<unknown>;
}

/** The connection's private parts the link needs, passed in by the connection itself. */
export interface SharedPrivates {
  lead(): void;
  endLead(): Promise<void>;
  adoptClientId(id: string): void;
  /** `link` cannot share (another protocol version, locks refused): connect as without `shared`. */
  alone(link: SharedLink): void;
}

/**
 * This tab's part in the connection that the tabs declaring the same broker URLs, client id and
 * user name share (the key is hashed into the lock and channel names: shared-protocol.ts).
 */
export function joinShared(plan: ClientPlan, connection: SharingConnection, registry: SubscriptionRegistry, board: StatusBoard, own: SharedPrivates): SharedLink {
  const key = `${plan.urls.join(' ')}|${connection.config.clientId ?? ''}|${connection.config.username ?? ''}`;
  const host = sharedHost(connection, registry, board, own);
  const link: SharedLink = new SharedLink(key, { ...host, alone: () => own.alone(link) });
  return link;
}

/** The link's view of `connection`. */
export function sharedHost(connection: SharingConnection, registry: SubscriptionRegistry, board: StatusBoard, own: SharedPrivates): SharedHost {
  return {
    lead: own.lead,
    endLead: own.endLead,
    alone: () => {},
    subscribe: (filter, options, onMessage) => connection.subscribe(filter, options, onMessage),
    publish: (topic, payload, options) => connection.publish(topic, payload, options),
    clientId: () => connection.clientId,
    // Tabs without a client-id share the leader's generated one (a new leader keeps the session).
    adoptClientId: (id) => {
      if (!connection.config.clientId && id) own.adoptClientId(id);
    },
    current: () => ({ status: board.status, error: board.error }),
    // A status repeated for a tab that joined is no news here: no second `mqtt-error`.
    mirror: (status, error) => {
      if (status === board.status && error?.code === board.error?.code && error?.message === board.error?.message) return;
      if (error) board.fail(error, status);
      else board.set(status);
    },
    attachRemote: (transport) => {
      // No longer following (this tab leads now): its holders keep what they were shown.
      if (!transport) registry.handover();
      registry.attach(transport);
    },
    remoteConnected: () => {
      registry.handover();
      registry.connected(false);
    },
    remoteDisconnected: () => registry.disconnected(),
    remoteMessage: (filter, topic, payload, packet) =>
      registry.dispatchTo(filter, topic, payload, packet.receivedAt, {
        cmd: 'publish',
        topic,
        payload: payload as never,
        qos: packet.qos as 0 | 1 | 2,
        retain: packet.retain,
        dup: false,
        ...(packet.properties ? { properties: packet.properties as never } : {}),
      }),
  };
}
