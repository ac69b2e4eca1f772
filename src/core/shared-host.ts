/**
 * What a connection gives its `SharedLink` (shared-link.ts): its own client to lead with, and for
 * a follower tab, its registry and status fed from the leader. Kept apart from connection.ts so
 * that the one-tab path reads without it.
 */
import type { MqttConnection } from './connection.js';
import type { SharedHost } from './shared-link.js';
import type { StatusBoard } from './status.js';
import type { SubscriptionRegistry } from './subscriptions.js';

/** The connection's private parts the link needs, passed in by the connection itself. */
export interface SharedPrivates {
  lead(): void;
  endLead(): Promise<void>;
  adoptClientId(id: string): void;
}

/** The link's view of `connection`. */
export function sharedHost(connection: MqttConnection, registry: SubscriptionRegistry, board: StatusBoard, own: SharedPrivates): SharedHost {
  return {
    lead: own.lead,
    endLead: own.endLead,
    subscribe: (filter, options, onMessage) => connection.subscribe(filter, options, onMessage),
    publish: (topic, payload, options) => connection.publish(topic, payload, options),
    clientId: () => connection.clientId,
    // Tabs without a client-id share the leader's generated one (a new leader keeps the session).
    adoptClientId: (id) => {
      if (!connection.config.clientId && id) own.adoptClientId(id);
    },
    current: () => ({ status: board.status, error: board.error }),
    mirror: (status, error) => (error ? board.fail(error, status) : board.set(status)),
    attachRemote: (transport) => registry.attach(transport),
    remoteConnected: () => registry.connected(false),
    remoteDisconnected: () => registry.disconnected(),
    remoteMessage: (filter, topic, payload, packet) =>
      registry.dispatchTo(filter, topic, payload, {
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
