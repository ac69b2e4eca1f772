/**
 * Client ids taken over by another tab. Two clients with one id make a broker drop the older one;
 * two tabs that both reconnect then take the id from each other forever (MQTT.js #684, #1585).
 * Each connection with a fixed client id announces, on every CONNACK, that it holds that id on
 * that broker, and since when; a connection that hears a newer holder of its own id was taken
 * over, and stops (SPEC: `client-id-in-use`). The newest holder wins, so a reconnect of the old
 * one (its `since` unchanged) never takes the id back. BroadcastChannel reaches every tab and
 * window of the origin, and other connections in the same page. No DOM.
 */

import { MqttElementsError } from '../errors.js';

const CHANNEL = 'mqtt-elements/client-ids';

/** The `client-id-in-use` error of a connection another tab or window took its id from. */
export function takenOverError(clientId: string, url: string): MqttElementsError {
  return new MqttElementsError(
    'client-id-in-use',
    `another tab or window of this page's site connected with client-id "${clientId}" to ${url}, ` +
      'so this one stopped (two clients with one id make the broker drop one of them, in a loop): give each ' +
      'page its own client-id, leave client-id out for a generated one, or call connect() to take the id back',
  );
}

interface Claim {
  clientId: string;
  url: string;
  /** When the sender first connected with this id on its current client (ms, its clock). */
  since: number;
  /** A random id of the sender, so two claims at the same millisecond still order. */
  from: string;
}

/** One connection's claims, and what it hears of others'. */
export class ClientIdClaims {
  readonly #self = Math.random().toString(36).slice(2);
  readonly #onTakenOver: (by: { url: string }) => void;
  #channel?: BroadcastChannel;
  #held?: Claim;

  /** @param onTakenOver called when a newer connection elsewhere holds this one's id on its broker. */
  constructor(onTakenOver: (by: { url: string }) => void) {
    this.#onTakenOver = onTakenOver;
  }

  /**
   * Announces that this connection holds `clientId` on the broker at `url`. `since` stays that
   * of the first claim until `release()`, so reconnects keep their place in the order.
   */
  claim(clientId: string, url: string): void {
    if (typeof BroadcastChannel !== 'function') return;
    if (!this.#held || this.#held.clientId !== clientId || this.#held.url !== url) {
      this.#held = { clientId, url, since: Date.now(), from: this.#self };
    }
    if (!this.#channel) {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = (event: MessageEvent<Claim>) => this.#hear(event.data);
    }
    this.#channel.postMessage(this.#held);
  }

  /** This connection no longer holds an id (ended, or a new client id or broker). */
  release(): void {
    this.#held = undefined;
    this.#channel?.close();
    this.#channel = undefined;
  }

  #hear(claim: Claim): void {
    const held = this.#held;
    if (!held || !claim || claim.clientId !== held.clientId || claim.url !== held.url) return;
    const newer = claim.since > held.since || (claim.since === held.since && claim.from > held.from);
    if (!newer) return;
    this.release();
    this.#onTakenOver({ url: claim.url });
  }
}
