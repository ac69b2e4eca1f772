/**
 * What `<mqtt-chart>` shows in its shadow root: the uPlot chart, sized to the element's box, and a
 * visually hidden list with each series' latest value for assistive technology. Series names and
 * values reach the DOM as text only: uPlot writes legend labels with `textContent` and values with
 * `nodeValue`, and draws axes on the canvas; the summary is written with `textContent`.
 */
// Before uPlot: its module body reads navigator.language, which may be no locale (uplot-locale.ts).
import { releaseLanguage } from './uplot-locale.js';
import uPlot from 'uplot';
import { formatValue } from '../core/format.js';
import { writeText } from '../elements/internal/write-value.js';
import type { AlignedData } from './series-buffer.js';

releaseLanguage();

/** How the chart looks: changing any of these builds the uPlot chart anew. */
export interface ChartLook {
  /** No axes, legend, cursor or padding: a line the size of a word. */
  sparkline: boolean;
  /** Fraction digits of axis ticks, the legend and the summary. */
  decimals?: number | undefined;
  /** Values drawn as horizontal lines (the y axis always includes them). */
  thresholds?: readonly number[] | undefined;
  /** BCP 47 locale of the numbers (the nearest `lang`). */
  locale?: string | undefined;
}

/** Series colours when the page sets no `--mqtt-chart-color-N`. */
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];


/**
 * Owns the uPlot instance: made at the first draw once the box has a size, rebuilt when the look
 * changes, resized with the box, destroyed on `destroy()`. Draws only when told to (`draw`); the
 * element calls it at most once per animation frame.
 */
export class ChartView {
  readonly #host: HTMLElement;
  /** uPlot's container: fills the host's box (CSS), hidden from assistive technology. */
  readonly #box: HTMLElement;
  readonly #summary: HTMLElement;
  #plot?: uPlot | undefined;
  #look: ChartLook = { sparkline: false };
  /** The series names the plot has, in order. */
  #names: string[] = [];
  /** The key (topic) of each of the plot's series, in order. */
  #keys: string[] = [];
  /**
   * Each series' colour slot (`--mqtt-chart-color-<slot + 1>`): its index when the chart was
   * built, else the lowest slot free when it came, so that a series keeps its colour when another
   * is dropped and a new one takes a colour no live series has.
   */
  #slots: number[] = [];
  #width = 0;
  #height = 0;
  /** How many times data was handed to uPlot (`setData`, or a new chart made with data). */
  draws = 0;

  constructor(host: HTMLElement, root: ShadowRoot | HTMLElement) {
    this.#host = host;
    const part = (tag: string, name: string) => {
      const element = root.appendChild(host.ownerDocument.createElement(tag));
      element.className = name;
      element.setAttribute('part', name);
      return element;
    };
    this.#box = part('div', 'chart');
    this.#box.setAttribute('aria-hidden', 'true');
    this.#summary = part('ul', 'summary');
  }

  /** The element uPlot's chart fills: observe its size and call `resize`. */
  get box(): HTMLElement {
    return this.#box;
  }

  /** Whether a chart exists (else the next `draw` makes one, if the box has a size). */
  get drawn(): boolean {
    return this.#plot !== undefined;
  }

  /** Sets the look; a different one drops the chart, and the next `draw` builds it anew. */
  setLook(look: ChartLook): void {
    if (JSON.stringify(look) === JSON.stringify(this.#look)) return;
    this.#look = look;
    this.#drop();
  }

  /** The series names changed (`label-level`), not the series: build anew. */
  rename(): void {
    this.#drop();
  }

  /** The box's size in CSS pixels. */
  resize(width: number, height: number): void {
    this.#width = Math.floor(width);
    this.#height = Math.floor(height);
    if (this.#width <= 0 || this.#height <= 0) return;
    this.#fit();
  }

  /**
   * Hands `data` to uPlot: series named `names`, one per key in `keys` (a series' topic). Series
   * whose key went are removed from the plot and its legend; new keys come at the end and are
   * added. Nothing happens while the box has no size; false then, so that the caller draws again
   * once it has one.
   */
  draw(keys: readonly string[], names: readonly string[], data: AlignedData): boolean {
    if (this.#width <= 0 || this.#height <= 0) return false;
    this.draws++;
    if (this.#plot && !sameKeys(this.#keys, keys)) this.#follow(keys, names);
    const plot = this.#plot;
    if (!plot) {
      this.#names = [...names];
      this.#keys = [...keys];
      this.#slots = keys.map((_key, i) => i);
      this.#plot = new uPlot(this.#options(), data, this.#box);
      this.#fit();
      return true;
    }
    plot.setData(data);
    return true;
  }

  /**
   * Makes the plot's series those of `keys`: removes the ones that went (in place, keeping the
   * others' colours) and adds the new ones at the end. Keys in another order (never from the
   * buffer, which only drops and appends) drop the plot, and `draw` builds it anew.
   */
  #follow(keys: readonly string[], names: readonly string[]): void {
    const plot = this.#plot!;
    const wanted = new Set(keys);
    for (let i = this.#keys.length - 1; i >= 0; i--) {
      if (wanted.has(this.#keys[i]!)) continue;
      plot.delSeries(i + 1);
      this.#keys.splice(i, 1);
      this.#names.splice(i, 1);
      this.#slots.splice(i, 1);
    }
    if (this.#keys.some((key, i) => keys[i] !== key)) return this.#drop();
    for (let i = this.#keys.length; i < keys.length; i++) {
      const used = new Set(this.#slots);
      let slot = 0;
      while (used.has(slot)) slot++;
      plot.addSeries(this.#seriesOptions(names[i]!, slot), i + 1);
      this.#keys.push(keys[i]!);
      this.#names.push(names[i]!);
      this.#slots.push(slot);
    }
    this.#fit();
  }

  /** The summary for assistive technology: one item per series, `name: value`, written as text. */
  summarize(lines: readonly string[]): void {
    const items = this.#summary.children;
    for (let i = 0; i < lines.length; i++) {
      const item = items[i] ?? this.#summary.appendChild(this.#host.ownerDocument.createElement('li'));
      // Topics are the broker's: written through the one guarded writer like every received text.
      writeText(item, lines[i]!);
    }
    while (items.length > lines.length) items[items.length - 1]!.remove();
  }

  /** The text of a value, as the axis, legend and summary show it. */
  text(value: number): string {
    return formatValue(value, { decimals: this.#look.decimals, locale: this.#look.locale });
  }

  /** Destroys the chart (its listeners go with it); `draw` makes a new one. */
  destroy(): void {
    this.#drop();
  }

  #drop(): void {
    this.#plot?.destroy();
    this.#plot = undefined;
    this.#names = [];
    this.#keys = [];
    this.#slots = [];
  }

  /** Plot height: the box's, less the legend's (which wraps as series are added). */
  #fit(): void {
    const plot = this.#plot;
    if (!plot) return;
    const legend = this.#look.sparkline ? null : plot.root.querySelector<HTMLElement>('.u-legend');
    const height = Math.max(0, this.#height - (legend?.offsetHeight ?? 0));
    if (plot.width !== this.#width || plot.height !== height) plot.setSize({ width: this.#width, height });
  }

  #color(name: string, fallback: string): string {
    return getComputedStyle(this.#host).getPropertyValue(name).trim() || fallback;
  }

  #seriesOptions(label: string, slot: number): uPlot.Series {
    const fallback = this.#look.sparkline && slot === 0 ? getComputedStyle(this.#host).color : PALETTE[slot % PALETTE.length]!;
    return {
      label,
      stroke: this.#color(`--mqtt-chart-color-${slot + 1}`, fallback),
      width: 1.5,
      spanGaps: true,
      points: this.#look.sparkline ? { show: false } : {},
      value: (_u: uPlot, value: number | null) => (value === null || value === undefined ? '--' : this.text(value)),
    };
  }

  #options(): uPlot.Options {
    const look = this.#look;
    const sparkline = look.sparkline;
    const ink = getComputedStyle(this.#host).color;
    const grid = { stroke: 'rgba(128,128,128,0.25)', width: 1 };
    const thresholds = look.thresholds ?? [];
    const thresholdColor = this.#color('--mqtt-chart-threshold-color', 'rgba(128,128,128,0.9)');
    const axis: uPlot.Axis = { show: !sparkline, stroke: ink, grid, ticks: grid };
    return {
      width: Math.max(this.#width, 1),
      height: Math.max(this.#height, 1),
      ...(sparkline ? { padding: [0, 0, 0, 0] as uPlot.Padding } : {}),
      legend: { show: !sparkline },
      // A drag would zoom, and the next message (resetting the scales) would undo it at once.
      cursor: sparkline ? { show: false } : { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: {
          range: (_u, min, max) => {
            const low = Math.min(min ?? Infinity, ...thresholds);
            const high = Math.max(max ?? -Infinity, ...thresholds);
            return low > high ? [0, 1] : uPlot.rangeNum(low, high, 0.1, true);
          },
        },
      },
      axes: [axis, look.decimals === undefined ? axis : { ...axis, values: (_u, splits) => splits.map((v) => this.text(v)) }],
      series: [{}, ...this.#names.map((name, i) => this.#seriesOptions(name, this.#slots[i]!))],
      hooks: {
        draw: [
          (u: uPlot) => {
            if (thresholds.length === 0) return;
            const { ctx } = u;
            const { left, top, width, height } = u.bbox;
            const ratio = uPlot.pxRatio;
            ctx.save();
            ctx.strokeStyle = thresholdColor;
            ctx.lineWidth = ratio;
            ctx.setLineDash([4 * ratio, 4 * ratio]);
            for (const threshold of thresholds) {
              const y = Math.round(u.valToPos(threshold, 'y', true)) + 0.5;
              if (y < top || y > top + height) continue;
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + width, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
  }
}

/** Whether two key lists are the same, in the same order. */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}
