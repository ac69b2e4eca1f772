/**
 * `FormatQueue`: an element's messages kept while its format's code loads (`cbor`, `sparkplug`:
 * payload-formats.ts). Decoding is synchronous once the code is there; until then nothing is lost
 * and nothing overtakes: every message that arrives meanwhile is kept, in arrival order, and handed
 * back to the element in that order once the code arrived, or failed to (then each one is the
 * `payload-format` error saying so, and the last good value stays). A load that hangs must not keep
 * a busy topic's every message, so at most {@link HELD_AT_MOST} are kept: beyond that the oldest go,
 * and the element hears it once. Pure, no DOM.
 */
import { MqttElementsError } from '../errors.js';
import { formatLoading } from './payload-formats.js';

/** How many messages an element keeps at most while its format's code loads (normally milliseconds). */
export const HELD_AT_MOST = 1000;

export class FormatQueue<M> {
  readonly #deliver: (message: M) => void;
  readonly #dropped: ((error: MqttElementsError) => void) | undefined;
  #held: M[] = [];
  /** Messages dropped since the code began to load (reported at the first). */
  #droppedCount = 0;

  /**
   * `deliver` is the element's own receiver, which asks {@link hold} first; `dropped` hears, once a
   * load, that messages are being dropped because the code has not arrived.
   */
  constructor(deliver: (message: M) => void, dropped?: (error: MqttElementsError) => void) {
    this.#deliver = deliver;
    this.#dropped = dropped;
  }

  /**
   * True when `message` was kept: `format`'s code is on its way, or earlier messages still wait for
   * it (one that arrives later must not overtake them). Kept ones go to `deliver` again, in order.
   */
  hold(message: M, format: unknown): boolean {
    if (this.#held.length === 0) {
      const loading = formatLoading(format);
      if (!loading) return false;
      this.#droppedCount = 0;
      void loading.then(() => this.#release());
    }
    this.#held.push(message);
    if (this.#held.length > HELD_AT_MOST) {
      // Amortised: the array is cut back to the newest HELD_AT_MOST once it holds twice as many.
      if (this.#held.length >= 2 * HELD_AT_MOST) this.#held = this.#held.slice(-HELD_AT_MOST);
      if (this.#droppedCount++ === 0) {
        this.#dropped?.(
          new MqttElementsError(
            'payload-format',
            `the code of format="${String(format)}" has not arrived after ${HELD_AT_MOST} messages: the oldest are dropped until it does; check that its chunks are served beside it, then reload`,
          ),
        );
      }
    }
    return true;
  }

  #release(): void {
    const held = this.#held.slice(-HELD_AT_MOST);
    this.#held = [];
    // Each goes through `hold` again: if the format changed to one still loading, they wait anew.
    for (const message of held) this.#deliver(message);
  }
}
