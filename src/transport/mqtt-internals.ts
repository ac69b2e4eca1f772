/**
 * The reach into MQTT.js's private client API, kept here so that a newer MQTT.js that changes it
 * breaks one file and one test (test/transport/mqtt-internals.test.ts), which names the symbol.
 * (The other private name this package uses is the parser Writable's `_write`, in ws-stream.ts.)
 *
 * Why it is needed: MQTT.js reconnects on a fixed timer (`reconnectPeriod`, forever) and builds
 * CONNECT synchronously from `client.options`, with no public hook to wait or change anything
 * first. The connection's own schedule (core/retry.ts: backoff with jitter, failover between
 * URLs, fresh credentials before every CONNECT) therefore takes over the private `_reconnect`
 * (MQTT.js 5.x: called by the reconnect timer; emits `reconnect`, then calls `connect()`).
 * MQTT.js keeps its timer, and with it its behaviour while disconnected (messages queued, QoS 1/2
 * in flight kept for the next session); only the moment of each attempt is ours.
 */
import type { MqttClient } from 'mqtt';

/** The private MQTT.js members used here, by name: the test checks each still exists. */
export const PRIVATE_MEMBERS = ['_reconnect'] as const;

/**
 * Stops MQTT.js's own reconnect timer from reconnecting (its calls do nothing from now on) and
 * returns the function that reconnects, for the caller to call when it decides.
 */
export function takeOverReconnects(client: MqttClient): () => void {
  const target = client as unknown as { _reconnect?: () => void };
  if (typeof target._reconnect !== 'function') {
    throw new Error('MQTT.js has no private _reconnect any more: see src/transport/mqtt-internals.ts');
  }
  const reconnect = target._reconnect.bind(client);
  target._reconnect = () => {};
  return reconnect;
}
