/**
 * The contract with MQTT.js: every reach past its public API, in this one file, so that a newer
 * MQTT.js that changes one breaks this file and its test (test/transport/mqtt-internals.test.ts,
 * which checks each BEHAVIOUR relied on against the real MQTT.js, not only that a name exists).
 *
 * Private members ({@link PRIVATE_MEMBERS}, {@link PARSER_PRIVATE_MEMBERS}):
 * - `MqttClient._reconnect` (5.x: called by the reconnect timer and by the public `reconnect()`;
 *   emits `reconnect`, then calls `connect()`). MQTT.js reconnects on a fixed timer
 *   (`reconnectPeriod`, forever) and builds CONNECT synchronously from `client.options`, with no
 *   public hook to wait or change anything first; the connection's own schedule (core/retry.ts:
 *   backoff with jitter, failover, fresh credentials before every CONNECT) takes the timer's calls
 *   over. MQTT.js keeps its timer, and with it its behaviour while disconnected (messages queued,
 *   QoS 1/2 kept for the next session); the public `reconnect()` still reconnects at once.
 * - the parser Writable's `_write` (the Writable `MqttClient.connect()` pipes its stream into):
 *   ws-stream.ts hands it each frame directly, skipping the Writable's buffer and its nextTick.
 *
 * Behaviours of public members relied on:
 * - `client.options` is read at each attempt: CONNECT's `username`/`password` by `connect()`, and
 *   the URL by the stream builder (connect.ts), so writing them before `_reconnect` changes the
 *   next attempt ({@link setNextOptions}).
 * - emitting `close` on the client runs MQTT.js's close handling again (connected false, keepalive
 *   stopped, the reconnect timer set up) ({@link closeAgain}).
 */
import type { IClientOptions, MqttClient } from 'mqtt';

/** The private members of MQTT.js's `MqttClient` used here, by name. */
export const PRIVATE_MEMBERS = ['_reconnect'] as const;

/** The private members of the parser Writable (`MqttClient.connect()` pipes its stream into it) used here. */
export const PARSER_PRIVATE_MEMBERS = ['_write'] as const;

/**
 * Stops MQTT.js's own reconnect timer from reconnecting (its calls do nothing from now on) and
 * returns the function that reconnects, for the caller to call when it decides. A page's own
 * `client.reconnect()` (README: `<mqtt-connection>`'s `client`) still reconnects at once.
 */
export function takeOverReconnects(client: MqttClient): () => void {
  const target = client as unknown as { _reconnect?: () => void; reconnect: MqttClient['reconnect'] };
  if (typeof target._reconnect !== 'function') {
    throw new Error('MQTT.js has no private _reconnect any more: see src/transport/mqtt-internals.ts');
  }
  const reconnect = target._reconnect.bind(client);
  // Set by the public reconnect(): its call of _reconnect (at once, or once an end() in progress
  // finished) goes through; the timer's calls do not.
  let asked = false;
  target._reconnect = () => {
    if (!asked) return;
    asked = false;
    reconnect();
  };
  // (A stand-in client of the unit tests may have no public reconnect.)
  if (typeof target.reconnect !== 'function') return reconnect;
  const publicReconnect = target.reconnect.bind(client);
  target.reconnect = (opts) => {
    asked = true;
    return publicReconnect(opts);
  };
  return reconnect;
}

/** The Writable that `MqttClient.connect()` pipes its stream into (mqtt-packet's parser). */
export interface ParserSink {
  _write(chunk: Uint8Array, encoding: string, callback: (error?: Error | null) => void): void;
}

/**
 * Hands one chunk to MQTT.js's parser: it parses it and calls back once every packet in it was
 * handled; it must not be called again before that (the caller does one chunk at a time).
 */
export function parseChunk(sink: ParserSink, chunk: Uint8Array, callback: (error?: Error | null) => void): void {
  sink._write(chunk, 'buffer', callback);
}

/**
 * Changes the client's next attempt: its CONNECT's `username`/`password` (read by MQTT.js's
 * `connect()` at each attempt) or where it goes (`host`, `port`, `path`, `protocol`: read by the
 * stream builder, connect.ts). The one place `client.options` is rewritten after creation.
 */
export function setNextOptions(client: MqttClient, patch: IClientOptions): void {
  Object.assign(client.options, patch);
}

/**
 * Runs MQTT.js's close handling once more, in a microtask: for a CONNACK parsed after its socket
 * had closed, which MQTT.js took as connected (keepalive started) although nothing is.
 */
export function closeAgain(client: MqttClient): void {
  queueMicrotask(() => client.emit('close'));
}

/** What the transport's stream (ws-stream.ts) tells of its socket; a stand-in stream may tell nothing. */
export interface SocketState {
  /** The WebSocket opened (the upgrade succeeded). */
  opened: boolean;
  /** The stream was destroyed (its socket closed). */
  destroyed: boolean;
  /** The WebSocket's close code and reason, once closed. */
  closeCode?: number | undefined;
  closeReason?: string | undefined;
}

/** The state of the client's current stream's socket. */
export function socketState(client: MqttClient): SocketState {
  const s = (client.stream ?? {}) as { opened?: unknown; destroyed?: unknown; closeCode?: unknown; closeReason?: unknown };
  return {
    opened: s.opened === true,
    destroyed: s.destroyed === true,
    closeCode: typeof s.closeCode === 'number' ? s.closeCode : undefined,
    closeReason: typeof s.closeReason === 'string' ? s.closeReason : undefined,
  };
}
