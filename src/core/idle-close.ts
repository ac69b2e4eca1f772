/**
 * Tells a proxy's idle timeout from other losses (README: Behind a reverse proxy, and Troubleshooting). A reverse
 * proxy or load balancer closes a connection after a fixed time without traffic, so a connection
 * it keeps cutting is lost again and again after the same silence from the broker, whatever else
 * happens. Random losses (a network change, a broker restart) come after silences of any length.
 * Here the silences are measured; the rule and the message (idle-diagnosis.ts) load on the first
 * loss, and the diagnosis needs three: the code is there long before it is wanted. Should it not
 * be (a loss while it loads, or it did not arrive), the status is `offline` as it is without one,
 * and the silences still count once it is there.
 *
 * No DOM: the times come in, the message goes out; `watchIdleCloses` reads them from a client.
 */
import { MqttElementsError } from '../errors.js';
import { oncePart } from './load-part.js';

const diagnosis = oncePart(() => import('./idle-diagnosis.js'), 'the idle-close diagnosis', 'connection-failed');

/** The diagnosis's code, loaded (for tests that drive losses synchronously). */
export const loadIdleDiagnosis = (): Promise<unknown> => diagnosis.load();

/** The part of an MQTT.js client read here: its packets, and the keepalive it asked for. */
export interface PacketSource {
  on(event: 'packetreceive', listener: () => void): unknown;
  readonly options?: { keepalive?: number | undefined };
}

/** The idle-close watch of one client: `lost()` on each loss of an established connection. */
export interface IdleCloses {
  /** Records a loss now; the diagnosis as a `connection-failed` error when the losses are steady. */
  lost(): MqttElementsError | undefined;
}

/** Follows `client`'s packets from the broker (the CONNACK among them), for {@link IdleCloses.lost}. */
export function watchIdleCloses(client: PacketSource, now: () => number = Date.now): IdleCloses {
  let heardAt = now();
  const silences: number[] = [];
  client.on('packetreceive', () => {
    heardAt = now();
  });
  return {
    lost() {
      silences.push(now() - heardAt);
      const code = diagnosis.part;
      // A diagnosis is an addition to `offline`: without its code, none (it is asked for again at the next loss).
      if (!code) return void diagnosis.load().catch(() => {});
      const message = code.diagnose(silences, client.options?.keepalive);
      return message === undefined ? undefined : new MqttElementsError('connection-failed', message);
    },
  };
}
