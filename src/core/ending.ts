/**
 * Ending a client within a bound (README, `<mqtt-connection>`: `disconnect()` settles within a second in any state), and
 * answering the publishes it still held. MQTT.js's `end(false)` waits for every QoS 1/2 message in
 * flight to be acknowledged first: offline, that is forever, and a shared connection's leader then
 * never hands its lock on. No DOM.
 */
import type { MqttClient } from 'mqtt';
import { MqttElementsError } from '../errors.js';

/** How long `disconnect()` may take, at most (README, `<mqtt-connection>`: Methods). */
export const END_LIMIT_MS = 1000;

/**
 * Ends `client` and resolves within `limit` ms. Connected with nothing unacknowledged: a clean
 * DISCONNECT (no will). Connected with QoS 1/2 in flight: they get most of the limit to be
 * acknowledged, then the socket is closed. Not connected: closed at once (there is no one to say
 * DISCONNECT to). Resolves at the limit whatever MQTT.js still does: the caller has dropped the
 * client by then.
 */
export function endWithin(client: MqttClient, limit = END_LIMIT_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, limit);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (!client.connected || Object.keys(client.outgoing ?? {}).length === 0) {
      client.end(!client.connected, {}, done);
      return;
    }
    const graceful = () => {
      clearTimeout(force);
      client.end(false, {}, done);
    };
    const force = setTimeout(() => {
      client.removeListener('outgoingEmpty', graceful);
      client.end(true, {}, done);
    }, limit * 0.8);
    client.once('outgoingEmpty', graceful);
  });
}

interface Sending {
  topic: string;
  qos: number;
  reject(error: MqttElementsError): void;
}

/** The publishes each client holds, until acknowledged or written, so that ending it answers them. */
export class InFlight {
  readonly #byClient = new WeakMap<object, Set<Sending>>();

  /** Follows `send`, a publish of `topic` at `qos` on `client`: the promise it returns settles as it does, or at `abandon`. */
  track(client: object, topic: string, qos: number, send: Promise<void>): Promise<void> {
    let sending = this.#byClient.get(client);
    if (!sending) this.#byClient.set(client, (sending = new Set()));
    const set = sending;
    return new Promise<void>((resolve, reject) => {
      const entry: Sending = { topic, qos, reject };
      set.add(entry);
      send.then(resolve, reject).finally(() => set.delete(entry));
    });
  }

  /** Ends `client` within a second (`endWithin`), then answers what it still held (`abandon`). */
  async end(client: MqttClient, keepStored: boolean): Promise<void> {
    await endWithin(client);
    this.abandon(client, keepStored);
  }

  /**
   * `client` was ended: what it still held fails with `publish-failed`, except QoS 1/2 messages a
   * persistent store keeps (`keepStored`), which the next connect sends.
   */
  abandon(client: object, keepStored: boolean): void {
    const set = this.#byClient.get(client);
    if (!set) return;
    for (const entry of [...set]) {
      if (keepStored && entry.qos > 0) continue;
      set.delete(entry);
      entry.reject(
        new MqttElementsError(
          'publish-failed',
          `the publish to "${entry.topic}" was not ${entry.qos > 0 ? 'acknowledged' : 'sent'} before the connection was disconnected: publish it again once connected`,
        ),
      );
    }
  }
}
