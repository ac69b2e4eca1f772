import { ReactiveElement, type PropertyValues } from 'lit';
import { numericValue, parseDecimals, parseThresholds } from '../core/format.js';
import type { ReceivedMessage } from '../core/message.js';
import { displayText, type PayloadFormat } from '../core/payload.js';
import { decodeFor, useFormat } from '../core/payload-formats.js';
import { FormatQueue } from '../core/format-queue.js';
import type { SubscriptionStatus } from '../core/subscriptions.js';
import { defineElement } from '../elements/internal/define-element.js';
import { ErrorReporter } from '../elements/internal/error-reporter.js';
import { Problems } from '../elements/internal/problems.js';
import { SubscriptionController, type SubscriptionProblem } from '../elements/internal/subscription-controller.js';
import { MqttElementsError } from '../errors.js';
import { DEFAULT_MAX_POINTS, DEFAULT_MAX_SERIES, DEFAULT_WINDOW_S, parseLabelLevel, parseLimits, seriesName, type LimitSetting } from './chart-settings.js';
import { chartStyles } from './chart-styles.js';
import { ChartView, type ChartLook } from './chart-view.js';
import { SeriesBuffer, type ChartSeries, type SeriesLimits } from './series-buffer.js';

export type { ChartSeries } from './series-buffer.js';

/** The chart's own settings: what `#applySettings` reads. */
const CHART_PROPERTIES = ['window', 'maxPoints', 'maxSeries', 'labelLevel', 'sparkline', 'decimals', 'thresholds'] as const;

/**
 * A live line chart of the numbers arriving on a topic filter, drawn by uPlot: one series per
 * topic, in order of first arrival (a retained message is its series' first point).
 *
 * Payloads are decoded as on `<mqtt-subscribe>` (`format`, `path`; `json` by default); numbers and
 * numeric strings are plotted, anything else is a `payload-format` error and skipped. Points older
 * than `window` seconds before the newest point, or beyond `max-points` per series, are dropped.
 * At most `max-series` series are kept: a new topic beyond it replaces the series updated longest
 * ago, and a series with no point left in the window goes, from `series`, the plot and the summary.
 * It shares the broker subscription with every other element on its filter and connection.
 *
 * It draws at most once per animation frame, however many messages arrive, and follows its box's
 * size (CSS decides: 100% × 12em by default; a `sparkline` is 5em × 1em). Topics and payloads are
 * untrusted: series names and values reach the page as text only. For assistive technology, the
 * canvas is hidden and a visually hidden list says each series' latest value (updated with the
 * drawing, not a live region). Import it from `mqtt-elements/chart`, or load `cdn/mqtt-chart.js`.
 *
 * @customElement mqtt-chart
 * @summary A live line chart of numeric values from an MQTT topic filter.
 * @attr {"idle"|"pending"|"subscribed"|"error"} status - Read-only, reflected: the subscription status.
 * @fires {MqttErrorEvent} mqtt-error - On bad input, a refused subscription, or a payload that is not a number; detail `{error}`.
 * @csspart chart - The box uPlot draws in (hidden from assistive technology).
 * @csspart summary - The visually hidden list of each series' latest value.
 * @cssprop --mqtt-chart-color-1 - Colour of the first series (and `-2`, `-3`, … for the next); a palette by default, the text colour for a sparkline's first.
 * @cssprop --mqtt-chart-threshold-color - Colour of the threshold lines.
 */
export class MqttChartElement extends ReactiveElement {
  /** Registers this class as `tag` (once; a second load of the package is harmless). */
  static define(tag = 'mqtt-chart', registry: CustomElementRegistry = customElements): void {
    defineElement(tag, this, registry);
  }

  static override styles = chartStyles();

  // Declared here rather than with decorators: the CDN build takes ReactiveElement from the main
  // CDN module, and lit's decorators would bring a second copy of its internals.
  static override properties = {
    topic: {},
    qos: {},
    format: {},
    path: {},
    connection: {},
    window: {},
    maxPoints: { attribute: 'max-points' },
    maxSeries: { attribute: 'max-series' },
    labelLevel: { attribute: 'label-level' },
    decimals: {},
    thresholds: {},
    sparkline: { type: Boolean, reflect: true },
  };

  /** Topic filter; `+` and `#` wildcards allowed. One series per topic it matches. */
  topic = '';

  /** QoS to subscribe with: 0, 1 or 2. */
  qos: string | number = 0;

  /**
   * How payloads are decoded before plotting: `json` (default), `text`, `cbor`, `sparkplug`, a name
   * given to `registerFormat()`, or `bytes` (never a number).
   */
  format: PayloadFormat = 'json';

  /** With `json` or `cbor`: a dot path into the payload, e.g. `sensors.0.celsius`; with `sparkplug`, `metrics.NAME`. */
  path?: string;

  /** Id of an `<mqtt-connection>` to use instead of the nearest ancestor. */
  connection?: string;

  /** Seconds of data kept and shown: points older than this before the newest point are dropped. */
  window: number | string = DEFAULT_WINDOW_S;

  /** The most points kept per series; the oldest go first. */
  maxPoints: number | string = DEFAULT_MAX_POINTS;

  /**
   * The most series kept (a whole number from 1 up): a new topic beyond it replaces the series
   * updated longest ago, and a series with no point left in `window` is dropped. A filter such as
   * `plant/#` over thousands of devices shows the latest `max-series` of them, not thousands.
   */
  maxSeries: number | string = DEFAULT_MAX_SERIES;

  /** Topic level (0-based) that names a series, e.g. `1` names `home/kitchen/temperature` `kitchen`; the whole topic when absent. */
  labelLevel?: number | string;

  /** Numbers on the axis, in the legend and in the summary get exactly this many fraction digits, in the locale of the nearest `lang`. */
  decimals?: number | string;

  /** Ascending numbers separated by whitespace, drawn as horizontal lines. */
  thresholds?: string;

  /** No axes, legend or padding, sized to sit inside a line of text. */
  sparkline = false;

  /** @internal The subscription options of MQTT 5 that `<mqtt-subscribe>` has; a chart uses the defaults. */
  readonly noLocal = false;
  /** @internal */
  readonly retainAsPublished = false;
  /** @internal */
  readonly retainHandling?: number;

  readonly #errors = new ErrorReporter(this);
  /** One problem per bad setting (`settings`: `decimals`, `thresholds`), each cleared by its own fix. */
  readonly #problems = new Problems<SubscriptionProblem | LimitSetting | 'labelLevel' | 'payload' | 'settings'>(this.#errors.report);
  readonly #subscription = new SubscriptionController(this, this.#problems, {
    message: (message) => this.#receive(message),
    status: () => this.#reflectStatus(),
    error: this.#errors.report,
  });
  /** Messages kept while the code of `format` loads. */
  readonly #waiting = new FormatQueue<ReceivedMessage>(
    (message) => this.#receive(message),
    (error) => {
      this.#problems.set('payload', error, true);
      this.requestUpdate();
    },
  );
  #buffer = new SeriesBuffer();
  #limits: SeriesLimits = parseLimits(undefined, undefined, undefined).limits;
  #labelLevel?: number | undefined;
  #view?: ChartView | undefined;
  #resizes?: ResizeObserver | undefined;
  #frame?: number | undefined;
  /** Data changed since the last draw. */
  #dirty = false;
  #destroyTimer?: ReturnType<typeof setTimeout>;

  /** `idle`, `pending` (SUBSCRIBE sent), `subscribed` or `error`. Reflected. */
  get status(): SubscriptionStatus {
    return this.#problems.any ? 'error' : this.#subscription.status;
  }

  /**
   * The series kept (at most `max-series`), in order of first arrival: `{topic, points:
   * [[receivedAt, value], …]}`, oldest point first.
   */
  get series(): readonly ChartSeries[] {
    return this.#buffer.series;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#errors.last;
  }

  /**
   * How many times data has been handed to uPlot to draw: at most once per animation frame,
   * however many messages arrived in it. For tests and diagnostics.
   */
  get drawCount(): number {
    return this.#view?.draws ?? 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.#destroyTimer);
    this.#view ??= new ChartView(this, this.renderRoot as ShadowRoot);
    const view = this.#view;
    this.#resizes ??= new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      view.resize(box.width, box.height);
      if (!view.drawn) this.#requestFrame();
    });
    this.#resizes.observe(view.box);
    this.#dirty = true;
    this.#requestFrame();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resizes?.disconnect();
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    // A DOM move (removed and put back in the same task) keeps the chart; a removal drops uPlot's
    // canvas and listeners, and the points stay for when the element comes back.
    this.#destroyTimer = setTimeout(() => {
      if (!this.isConnected) this.#view?.destroy();
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (CHART_PROPERTIES.some((name) => changed.has(name))) this.#applySettings(changed);
    if (changed.has('format')) this.#problems.set('payload', useFormat(this.format), true);
    // Another filter (or connection) charts other topics: start afresh, before the subscription
    // moves and replays the new filter's latest messages.
    if ((changed.has('topic') || changed.has('connection')) && this.#buffer.size > 0) {
      this.#buffer = new SeriesBuffer();
      this.#view?.rename();
      this.#dirty = true;
      this.#requestFrame();
    }
    this.#subscription.sync(changed);
    this.#reflectStatus();
  }

  #applySettings(changed: PropertyValues<this>): void {
    let error: MqttElementsError | undefined;
    const parse = <T>(run: () => T, fallback: T): T => {
      try {
        return run();
      } catch (e) {
        error ??= e as MqttElementsError;
        return fallback;
      }
    };
    if (changed.has('window') || changed.has('maxPoints') || changed.has('maxSeries')) {
      const { limits, errors } = parseLimits(this.window, this.maxPoints, this.maxSeries);
      this.#limits = limits;
      for (const setting of ['window', 'maxPoints', 'maxSeries'] as const) this.#problems.set(setting, errors[setting]);
      this.#buffer.trim(limits);
    }
    const level = parseLabelLevel(this.labelLevel);
    this.#problems.set('labelLevel', level.error);
    if (level.value !== this.#labelLevel) {
      this.#labelLevel = level.value;
      this.#view?.rename();
    }
    const look: ChartLook = {
      sparkline: this.sparkline,
      decimals: parse(() => parseDecimals(this.decimals), undefined),
      thresholds: parse(() => parseThresholds(this.thresholds), undefined),
      locale: this.closest('[lang]')?.getAttribute('lang') || undefined,
    };
    this.#view?.setLook(look);
    this.#problems.set('settings', error);
    this.#dirty = true;
    this.#requestFrame();
  }

  /**
   * Runs for every message, possibly many times a frame: keeps the point and asks for a frame;
   * the drawing (and the summary) happen once in it.
   */
  #receive(received: ReceivedMessage): void {
    if (this.#waiting.hold(received, this.format)) return;
    const result = decodeFor(received.decoder, this.format, this.path);
    // A retained message cleared, or a Sparkplug message without the metric: no point, no error.
    if (result.empty || result.absent) return;
    const value = result.ok ? numericValue(result.value) : undefined;
    if (value === undefined) {
      const reason = result.ok ? `${quote(result.value)} is not a number` : result.reason;
      this.#problems.set('payload', new MqttElementsError('payload-format', `${received.topic}: ${reason}`), true);
    } else {
      this.#buffer.add(received.topic, received.receivedAt, value, this.#limits);
      if (result.known) this.#problems.set('payload', undefined);
      this.#dirty = true;
      this.#requestFrame();
    }
    this.#reflectStatus();
  }

  #requestFrame(): void {
    if (this.#frame !== undefined || !this.isConnected) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#draw();
    });
  }

  #draw(): void {
    const view = this.#view;
    if (!view || (!this.#dirty && view.drawn)) return;
    // Named here, once a frame, not per message: the buffer drops and adds series as topics come.
    const topics = this.#buffer.topics;
    const names = topics.map((topic) => seriesName(topic, this.#labelLevel));
    if (view.draw(topics, names, this.#buffer.aligned())) this.#dirty = false;
    const latest = this.#buffer.latest();
    view.summarize(names.flatMap((name, i) => (latest[i] === undefined ? [] : [`${name}: ${view.text(latest[i]!)}`])));
  }

  #reflectStatus(): void {
    if (this.getAttribute('status') !== this.status) this.setAttribute('status', this.status);
  }
}

/** A decoded value, shortened to 40 characters, for an error message. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : displayText(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-chart': MqttChartElement;
  }
}
