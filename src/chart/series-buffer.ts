/**
 * The points `<mqtt-chart>` keeps: one series per topic, in order of first arrival, trimmed to
 * `window` and `max-points`, at most `max-series` of them. Pure, no DOM: the element adds points as
 * messages come and reads the series (and uPlot's aligned arrays) once per frame.
 */

/** One series of `<mqtt-chart>`'s `series`: a topic and its points, oldest first. */
export interface ChartSeries {
  /** The topic the points came on. */
  readonly topic: string;
  /** `[receivedAt, value]` pairs, oldest first; `receivedAt` in ms since the epoch, local clock. */
  readonly points: ReadonlyArray<readonly [receivedAt: number, value: number]>;
}

/** How many points and series are kept. */
export interface SeriesLimits {
  /** Points older than this many ms before the newest point of any series are dropped. */
  windowMs: number;
  /** The most points a series keeps; the oldest go first. */
  maxPoints: number;
  /** The most series kept; a new topic beyond it replaces the series updated longest ago. */
  maxSeries: number;
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

  /** When the newest point came (-Infinity with none). */
  get newest(): number {
    return this.head < this.times.length ? this.times[this.times.length - 1]! : -Infinity;
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
 * The series of one chart. `add` costs O(1) on average, however many series or topics there are:
 * it trims only its own series, and the series that go (beyond `max-series`, or with no point
 * left in the window) are always the ones updated longest ago, at the front of `#recent`. The
 * other series are trimmed to the moved window when next read, once per frame: O(series).
 * `aligned` merges the series by time for uPlot, O(points × series).
 */
export class SeriesBuffer {
  /** In order of first arrival: the order of `series`, the legend and the summary. */
  readonly #series = new Map<string, Points>();
  /**
   * The same series by last update, least recent first. Times never go backwards, so this is
   * also the order of their newest points: the series with no point left in the window are a
   * prefix of it.
   */
  readonly #recent = new Map<string, Points>();
  #newest = -Infinity;
  #list?: readonly ChartSeries[] | undefined;
  /** The limits of the last `add` or `trim`, which the other series are trimmed to before a read. */
  #limits?: SeriesLimits | undefined;
  /** Series other than the one added to may hold points the window has left. */
  #untrimmed = false;

  /** How many series there are. */
  get size(): number {
    return this.#series.size;
  }

  /** The topics, in order of first arrival. */
  get topics(): string[] {
    return [...this.#series.keys()];
  }

  /**
   * Adds a point to `topic`'s series (a new series goes last; beyond `maxSeries` the series updated
   * longest ago goes first) and drops what `limits` no longer keep: this series' points beyond the
   * window or `maxPoints`, and every series with no point left in the window. Times never go
   * backwards: a point stamped before the newest one (the local clock was set back) counts as
   * received then.
   */
  add(topic: string, receivedAt: number, value: number, limits: SeriesLimits): void {
    let points = this.#series.get(topic);
    if (points) {
      this.#recent.delete(topic);
    } else {
      this.#evict(limits.maxSeries - 1);
      points = new Points(topic);
      this.#series.set(topic, points);
    }
    this.#recent.set(topic, points);
    const at = Math.max(receivedAt, this.#newest);
    this.#newest = at;
    points.times.push(at);
    points.values.push(value);
    points.trim(at - limits.windowMs, limits.maxPoints);
    this.#dropOutOfWindow(at - limits.windowMs);
    this.#limits = limits;
    this.#untrimmed = true;
    this.#list = undefined;
  }

  /**
   * Drops, in every series, the points `limits` no longer keep, the series with none left and
   * those beyond `maxSeries` (after `window`, `max-points` or `max-series` changed).
   */
  trim(limits: SeriesLimits): void {
    this.#limits = limits;
    this.#untrimmed = true;
    this.#evict(limits.maxSeries);
    this.#settle();
  }

  /** Drops the series updated longest ago until at most `keep` are left. */
  #evict(keep: number): void {
    for (const topic of this.#recent.keys()) {
      if (this.#series.size <= Math.max(0, keep)) break;
      this.#drop(topic);
    }
  }

  /** Drops the series whose newest point is before `cutoff`: a prefix of `#recent`. */
  #dropOutOfWindow(cutoff: number): void {
    for (const [topic, points] of this.#recent) {
      if (points.newest >= cutoff) break;
      this.#drop(topic);
    }
  }

  #drop(topic: string): void {
    this.#series.delete(topic);
    this.#recent.delete(topic);
    this.#list = undefined;
  }

  /** Trims every series to the current window before a read. */
  #settle(): void {
    const limits = this.#limits;
    if (!this.#untrimmed || !limits) return;
    this.#untrimmed = false;
    const cutoff = this.#newest - limits.windowMs;
    this.#dropOutOfWindow(cutoff);
    for (const points of this.#series.values()) if (points.trim(cutoff, limits.maxPoints)) this.#list = undefined;
  }

  /** The series as `<mqtt-chart>`'s `series` shows them: frozen copies, made again only after a change. */
  get series(): readonly ChartSeries[] {
    this.#settle();
    this.#list ??= Object.freeze(
      [...this.#series.values()].map(({ topic, times, values, head }) =>
        Object.freeze({ topic, points: Object.freeze(times.slice(head).map((time, i) => [time, values[head + i]!] as const)) }),
      ),
    );
    return this.#list;
  }

  /** Each series' latest value, in series order (a series with no point left is dropped with it). */
  latest(): Array<number | undefined> {
    this.#settle();
    return [...this.#series.values()].map((points) => points.latest);
  }

  /**
   * The series as uPlot's aligned data: x in seconds, ascending; each series has its value in
   * the slots of its own points and null elsewhere (drawn with `spanGaps`). Points of different
   * series at the same time share a slot.
   */
  aligned(): AlignedData {
    this.#settle();
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
