/**
 * `LazyClaims`: the fixed client id's claims across tabs (takeover.ts), whose code loads on the
 * first connect with a fixed client id (core/load-part.ts): a page that never sets `client-id`
 * never downloads it. The connection waits for it before that first attempt, so the attempt
 * already hears the other tabs' claims, as when it was loaded at once. The code loads once a page:
 * later connections make their claims at once. No DOM.
 */
import type { MqttElementsError } from '../errors.js';
import { oncePart } from './load-part.js';
import type * as Takeover from './takeover.js';
import type { ClientIdClaims } from './takeover.js';

/** takeover.ts's `takenOverError`, handed to the connection when another tab took its id. */
export type TakenOverError = (clientId: string, url: string) => MqttElementsError;

// Not `typeof import(…)`: the CDN build turns each `import(…)` into a static import.
type TakeoverPart = typeof Takeover;
/** The code: it loads once a page, and every later connection makes its claims at once. */
const code = oncePart<TakeoverPart>(() => import('./takeover.js'), 'client-id', 'connection-failed');

/** A connection's claims of its fixed client id, whose code loads before its first attempt with one. */
export class LazyClaims {
  readonly #onTakenOver: (error: TakenOverError) => void;
  #claims?: ClientIdClaims;

  /** @param onTakenOver called when a newer connection elsewhere holds this one's id on its broker. */
  constructor(onTakenOver: (error: TakenOverError) => void) {
    this.#onTakenOver = onTakenOver;
  }

  /** The code's arrival, or undefined once it is here (then nothing needs to wait). */
  load(): Promise<void> | undefined {
    if (this.#claims) return undefined;
    if (code.part) return void this.#make(code.part);
    // A failure is tried again on the next connect.
    return code.load().then((loaded) => this.#make(loaded));
  }

  #make({ ClientIdClaims, takenOverError }: TakeoverPart): void {
    this.#claims ??= new ClientIdClaims(() => this.#onTakenOver(takenOverError));
  }

  /** As `ClientIdClaims.want`; nothing before the code is here (no attempt starts before it). */
  want(clientId: string, url: string): void {
    this.#claims?.want(clientId, url);
  }

  /** As `ClientIdClaims.claim`. */
  claim(clientId: string, url: string, since?: number): void {
    this.#claims?.claim(clientId, url, since);
  }

  /** As `ClientIdClaims.release`. */
  release(): void {
    this.#claims?.release();
  }
}
