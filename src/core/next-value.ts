/**
 * Promises of the next value of something that comes later: a publish made while the connection
 * is still fetching credentials waits for the client it will get (or `undefined`, for none).
 */
export class NextValue<T> {
  #waiting: Array<(value: T | undefined) => void> = [];

  /** Resolves with the next value given to `give`. */
  next(): Promise<T | undefined> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Resolves every waiting promise with `value`. */
  give(value: T | undefined): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve(value);
  }
}
