/**
 * The points `<mqtt-chart>` keeps: one series per topic, in order of first arrival, trimmed to
 * `window` and `max-points`. Pure, no DOM: the element adds points as messages come and reads the
 * series (and uPlot's aligned arrays) once per frame.
 */

/** One series of `<mqtt-chart>`'s `series`: a topic and its points, oldest first. */
export interface ChartSeries {
  /** The topic the points came on. */
  readonly topic: string;
  /** `[receivedAt, value]` pairs, oldest first; `receivedAt` in ms since the epoch, local clock. */
  readonly points: ReadonlyArray<readonly [receivedAt: number, value: number]>;
}

/** How many points are kept. */
export interface SeriesLimits {
  /** Points older than this many ms before the newest point of any series are dropped. */
  windowMs: number;
  /** The most points a series keeps; the oldest go first. */
  maxPoints: number;
}

/** What uPlot draws: shared x values (seconds) and one y array per series, aligned by index. */
export type AlignedData = [xs: number[], ...ys: Array<Array<number | null>>];

/** One topic's points in two parallel arrays; `head` is the first kept (dropped points are skipped, not moved, until compacted). */
class Points {
  readonly topic: string;
  times: number[] = [];
  values: number[] = [];
  head = 0;

  constructor(topic: string) {
    this.topic = topic;
  }

  get latest(): number | undefined {
    return this.head < this.values.length ? this.values[this.values.length - 1] : undefined;
  }

  /** Drops points before `cutoff` and beyond `maxPoints`; true when any went. */
  trim(cutoff: number, maxPoints: number): boolean {
    const start = this.head;
    const times = this.times;
    while (this.head < times.length && (times[this.head]! < cutoff || times.length - this.head > maxPoints)) this.head++;
    if (this.head === start) return false;
    // Moving the kept points down now and then keeps each message's cost constant on average.
    if (this.head > 64 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
    return true;
  }
}

/**
 * The series of one chart. `add` costs O(series) (every series is trimmed to the window that the
 * new point moves on); `aligned` merges the series by time for uPlot, O(points × series).
 */
export class SeriesBuffer {
  readonly #series = new Map<string, Points>();
  #newest = -Infinity;
  #list?: readonly ChartSeries[] | undefined;

  /** How many series there are. */
  get size(): number {
    return this.#series.size;
  }

  /** The topics, in order of first arrival. */
  get topics(): string[] {
    return [...this.#series.keys()];
  }

  /**
   * Adds a point to `topic`'s series (a new series goes last) and drops what `limits` no longer
   * keep, in every series. Times never go backwards: a point stamped before the newest one (the
   * local clock was set back) counts as received then.
   */
  add(topic: string, receivedAt: number, value: number, limits: SeriesLimits): void {
    let points = this.#series.get(topic);
    if (!points) {
      points = new Points(topic);
      this.#series.set(topic, points);
      this.#list = undefined;
    }
    const at = Math.max(receivedAt, this.#newest);
    this.#newest = at;
    points.times.push(at);
    points.values.push(value);
    this.#list = undefined;
    this.trim(limits);
  }

  /** Drops, in every series, the points `limits` no longer keep (after `window` or `max-points` changed). */
  trim(limits: SeriesLimits): void {
    const cutoff = this.#newest - limits.windowMs;
    for (const points of this.#series.values()) if (points.trim(cutoff, limits.maxPoints)) this.#list = undefined;
  }

  /** The series as `<mqtt-chart>`'s `series` shows them: frozen copies, made again only after a change. */
  get series(): readonly ChartSeries[] {
    this.#list ??= Object.freeze(
      [...this.#series.values()].map(({ topic, times, values, head }) =>
        Object.freeze({ topic, points: Object.freeze(times.slice(head).map((time, i) => [time, values[head + i]!] as const)) }),
      ),
    );
    return this.#list;
  }

  /** Each series' latest value (undefined once its points have all been dropped), in series order. */
  latest(): Array<number | undefined> {
    return [...this.#series.values()].map((points) => points.latest);
  }

  /**
   * The series as uPlot's aligned data: x in seconds, ascending; each series has its value in
   * the slots of its own points and null elsewhere (drawn with `spanGaps`). Points of different
   * series at the same time share a slot.
   */
  aligned(): AlignedData {
    const all = [...this.#series.values()];
    const xs: number[] = [];
    const ys: Array<Array<number | null>> = all.map(() => []);
    const next = all.map((points) => points.head);
    for (;;) {
      let time = Infinity;
      for (let s = 0; s < all.length; s++) {
        const points = all[s]!;
        if (next[s]! < points.times.length && points.times[next[s]!]! < time) time = points.times[next[s]!]!;
      }
      if (time === Infinity) break;
      xs.push(time / 1000);
      for (let s = 0; s < all.length; s++) {
        const points = all[s]!;
        const i = next[s]!;
        if (i < points.times.length && points.times[i] === time) {
          ys[s]!.push(points.values[i]!);
          next[s] = i + 1;
        } else {
          ys[s]!.push(null);
        }
      }
    }
    return [xs, ...ys];
  }
}
