/**
 * The reach into MQTT.js's private client API, kept here so that a newer MQTT.js that changes it
 * breaks one file and one test (test/transport/mqtt-internals.test.ts), which names the symbol.
 *
 * Why it is needed: MQTT.js reconnects on its own timer and builds CONNECT synchronously from
 * `client.options`, with no public hook to await anything first. Credentials that expire (the
 * `credentials` property) must be fetched before every CONNECT, so the private `_reconnect`
 * (MQTT.js 5.x: called by the reconnect timer, emits `reconnect`, then `connect()`) is wrapped.
 */
import type { MqttClient } from 'mqtt';

/** The private MQTT.js members used here, by name: the test checks each still exists. */
export const PRIVATE_MEMBERS = ['_reconnect'] as const;

/**
 * Runs `before(done)` in place of each of MQTT.js's own reconnects; the reconnect happens when
 * `before` calls `done()`, and not when it calls `done(false)` (the next timer tick tries again). A reconnect asked for while one is
 * still waiting is dropped (MQTT.js's timer fires every `reconnectPeriod` regardless).
 */
export function beforeEachReconnect(client: MqttClient, before: (done: (proceed?: boolean) => void) => void): void {
  const target = client as unknown as { _reconnect?: () => void };
  if (typeof target._reconnect !== 'function') {
    throw new Error('MQTT.js has no private _reconnect any more: see src/transport/mqtt-internals.ts');
  }
  const reconnect = target._reconnect.bind(client);
  let waiting = false;
  target._reconnect = () => {
    if (waiting) return;
    waiting = true;
    before((proceed = true) => {
      waiting = false;
      if (proceed) reconnect();
    });
  };
}
