/**
 * `FormatQueue`: an element's messages kept while its format's code loads (`cbor`, `sparkplug`:
 * payload-formats.ts). Decoding is synchronous once the code is there; until then nothing is lost
 * and nothing overtakes: every message that arrives meanwhile is kept, in arrival order, and handed
 * back to the element in that order once the code arrived, or failed to (then each one is the
 * `payload-format` error saying so, and the last good value stays). Pure, no DOM.
 */
import { formatLoading } from './payload-formats.js';

export class FormatQueue<M> {
  readonly #deliver: (message: M) => void;
  #held: M[] = [];

  /** `deliver` is the element's own receiver, which asks {@link hold} first. */
  constructor(deliver: (message: M) => void) {
    this.#deliver = deliver;
  }

  /**
   * True when `message` was kept: `format`'s code is on its way, or earlier messages still wait for
   * it (one that arrives later must not overtake them). Kept ones go to `deliver` again, in order.
   */
  hold(message: M, format: unknown): boolean {
    if (this.#held.length === 0) {
      const loading = formatLoading(format);
      if (!loading) return false;
      void loading.then(() => this.#release());
    }
    this.#held.push(message);
    return true;
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    // Each goes through `hold` again: if the format changed to one still loading, they wait anew.
    for (const message of held) this.#deliver(message);
  }
}
