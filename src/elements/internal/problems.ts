import type { MqttElementsError } from '../../errors.js';

/** The part of {@link Problems} a controller needs for the kinds it owns. */
export interface ProblemSink<Kind extends string> {
  has(kind: Kind): boolean;
  set(kind: Kind, error: MqttElementsError | undefined, always?: boolean): void;
}

/**
 * The problems an element currently has, one per kind, each cleared by its own fix: a bad topic
 * stays reported until the topic changes, whatever else happens. The element is in `error` while
 * any is set. A problem is reported (as `mqtt-error`) when it first appears or its message
 * changes, not again on every update that finds it still there.
 */
export class Problems<Kind extends string> implements ProblemSink<Kind> {
  readonly #current = new Map<Kind, MqttElementsError>();
  readonly #report: (error: MqttElementsError) => void;

  /** @param report called with each problem to report (the element sets `error`, fires `mqtt-error`). */
  constructor(report: (error: MqttElementsError) => void) {
    this.#report = report;
  }

  /** Whether any problem is set. */
  get any(): boolean {
    return this.#current.size > 0;
  }

  /** Whether a problem of this kind is set. */
  has(kind: Kind): boolean {
    return this.#current.has(kind);
  }

  /**
   * Sets (or with `undefined`, clears) the problem of one kind. `always` reports it even when the
   * same message is already set (every undecodable payload is its own event).
   */
  set(kind: Kind, error: MqttElementsError | undefined, always = false): void {
    if (!error) {
      this.#current.delete(kind);
      return;
    }
    const had = this.#current.get(kind);
    this.#current.set(kind, error);
    if (always || had?.message !== error.message) this.#report(error);
  }
}
