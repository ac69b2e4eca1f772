/**
 * Client ids taken over by another tab. Two clients with one id make a broker drop the older one;
 * two tabs that both reconnect then take the id from each other forever (MQTT.js #684, #1585).
 * Each connection with a fixed client id announces, on every CONNACK, that it holds that id on
 * that broker, and since when; a connection that hears a newer holder of its own id was taken
 * over, and stops (README: Errors and Troubleshooting, `client-id-in-use`). The newest holder wins, so a reconnect of the old
 * one (its `since` unchanged) never takes the id back. BroadcastChannel reaches every tab and
 * window of the origin, and other connections in the same page. No DOM.
 */

import { MqttElementsError } from '../errors.js';
import { redactUrl } from './redact-url.js';

const CHANNEL = 'mqtt-elements/client-ids';

/** The `client-id-in-use` error of a connection another tab or window took its id from. */
export function takenOverError(clientId: string, url: string): MqttElementsError {
  return new MqttElementsError(
    'client-id-in-use',
    `another tab or window of this page's site connected with client-id "${clientId}" to ${redactUrl(url)}, ` +
      'so this one stopped (two clients with one id make the broker drop one of them, in a loop): give each ' +
      'page its own client-id, leave client-id out for a generated one, or call connect() to take the id back',
  );
}

interface Claim {
  clientId: string;
  url: string;
  /**
   * When the sender sent the CONNECT of its current hold (ms): the broker keeps the client whose
   * CONNECT came last, and a tab may handle its CONNACK late, after a newer one's.
   */
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
  /** The id this connection is trying to connect with, not holding yet. */
  #wanted?: { clientId: string; url: string };

  /** @param onTakenOver called when a newer connection elsewhere holds this one's id on its broker. */
  constructor(onTakenOver: (by: { url: string }) => void) {
    this.#onTakenOver = onTakenOver;
  }

  /**
   * Announces that this connection holds `clientId` on the broker at `url`, since the CONNECT
   * sent at `since`. It stays that of the first claim until `release()`, so reconnects keep their
   * place in the order.
   */
  claim(clientId: string, fullUrl: string, since = Date.now()): void {
    if (!this.#listen()) return;
    // Every tab of the origin hears it: a signed URL's token stays here (one broker all the same).
    const url = redactUrl(fullUrl);
    if (!this.#held || this.#held.clientId !== clientId || this.#held.url !== url) {
      this.#held = { clientId, url, since, from: this.#self };
    }
    this.#channel!.postMessage(this.#held);
  }

  /**
   * This connection is trying to connect with `clientId` to `url` and holds it nowhere yet: if
   * another connection claims that id there meanwhile, connecting would only drop it, so this one
   * is taken over (a tab whose CONNACKs come too late to claim would otherwise retry forever).
   */
  want(clientId: string, url: string): void {
    if (this.#listen()) this.#wanted = { clientId, url: redactUrl(url) };
  }

  #listen(): boolean {
    if (typeof BroadcastChannel !== 'function') return false;
    if (!this.#channel) {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = (event: MessageEvent<Claim>) => this.#hear(event.data);
    }
    return true;
  }

  /** This connection no longer holds an id (ended, or a new client id or broker). */
  release(): void {
    this.#held = undefined;
    this.#wanted = undefined;
    this.#channel?.close();
    this.#channel = undefined;
  }

  #hear(claim: Claim): void {
    const wanted = this.#wanted;
    if (!this.#held && wanted && claim && claim.clientId === wanted.clientId && claim.url === wanted.url) {
      this.release();
      this.#onTakenOver({ url: claim.url });
      return;
    }
    const held = this.#held;
    if (!held || !claim || claim.clientId !== held.clientId || claim.url !== held.url) return;
    const newer = claim.since > held.since || (claim.since === held.since && claim.from > held.from);
    if (!newer) return;
    this.release();
    this.#onTakenOver({ url: claim.url });
  }
}
