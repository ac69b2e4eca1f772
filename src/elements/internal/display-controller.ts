import type { ReactiveController, ReactiveElement } from 'lit';
import { bindingError } from '../../core/binding.js';
import { useFormat } from '../../core/payload-formats.js';
import { formatValue, levelOf, parseDecimals, parseLabels, parseThresholds, type DisplayFormat } from '../../core/format.js';
import { numericSetting } from '../../core/numeric-setting.js';
import type { MqttElementsError } from '../../errors.js';
import type { ProblemSink } from './problems.js';
import { writtenSetting } from './written-setting.js';

/** An element with the dashboard settings of `<mqtt-subscribe>` (README). */
export interface DisplayHost extends ReactiveElement {
  decimals?: number | undefined;
  labels?: string | Record<string, unknown> | undefined;
  thresholds?: string | undefined;
  staleAfter?: number | undefined;
  throttle?: number | undefined;
  format?: unknown;
  target?: string | undefined;
  property?: string | undefined;
  attribute?: string | undefined;
}

/** ElementInternals' custom states. */
interface StateSet {
  add(state: string): void;
  delete(state: string): void;
}

const DISPLAY_PROPERTIES = ['decimals', 'labels', 'thresholds'] as const;

/** The problems this controller reports: bad settings, each cleared by its own fix. */
type DisplayProblem = 'display' | 'binding' | 'payload' | 'staleAfter' | 'throttle';

/** What the rows need from the element: formatting, levels, and the stale period. */
export interface RowFormat {
  text(value: unknown): string;
  level(value: unknown): number | undefined;
  /** ms without a message after which a row is stale, or 0. */
  staleAfterMs: number;
}

/**
 * What a dashboard element shows beyond the raw value: its text (`decimals` in the nearest
 * `lang`, `labels`), its `level` against `thresholds`, whether it is `stale` (no message for
 * `stale-after` seconds: the attribute and the custom state), and when it may render (`throttle`:
 * at most once a period, with the latest value). Bad settings become a `payload-format` problem.
 */
export class DisplayController implements ReactiveController {
  readonly #host: DisplayHost;
  readonly #problems: ProblemSink<DisplayProblem>;
  /** The element's custom states (`:state(stale)`), where the browser has them: one set per element. */
  readonly states?: StateSet | undefined;
  #format: DisplayFormat = {};
  #thresholds?: number[] | undefined;
  #staleTimer?: ReturnType<typeof setTimeout>;
  /** `stale-after` and `throttle` in ms as parsed (0: off, also while what was written is no number). */
  #staleMs = 0;
  #throttleMs = 0;
  #lastRender = -Infinity;
  #throttled?: ReturnType<typeof setTimeout>;

  constructor(host: DisplayHost, problems: ProblemSink<DisplayProblem>) {
    this.#host = host;
    this.#problems = problems;
    // The custom state `stale` (`:state(stale)` in CSS), where the browser has custom states.
    try {
      this.states = (host as unknown as { attachInternals(): { states?: StateSet } }).attachInternals().states;
    } catch {
      this.states = undefined;
    }
    host.addController(this);
  }

  /** The level of the latest value against `thresholds`, or undefined. */
  level?: number | undefined;

  hostConnected(): void {
    this.#restartStale();
  }

  hostDisconnected(): void {
    clearTimeout(this.#staleTimer);
    clearTimeout(this.#throttled);
    this.#throttled = undefined;
  }

  /**
   * Before rendering: parse the settings that changed, reporting bad ones (also `format`, and a
   * binding the payloads may not reach). True when the binding changed, so the value goes again.
   */
  settingsChanged(changed: ReadonlyMap<PropertyKey, unknown>): boolean {
    const host = this.#host;
    const rebind = changed.has('property') || changed.has('attribute') || changed.has('target');
    if (rebind) this.#problems.set('binding', bindingError(host.target, host.attribute, host.property ?? 'textContent'));
    // A lazy format's code starts loading now, before its first message.
    if (changed.has('format')) this.#problems.set('payload', useFormat(host.format), true);
    if (DISPLAY_PROPERTIES.some((name) => changed.has(name))) {
      const host = this.#host;
      let error: MqttElementsError | undefined;
      const parse = <T>(run: () => T): T | undefined => {
        try {
          return run();
        } catch (e) {
          error ??= e as MqttElementsError;
          return undefined;
        }
      };
      this.#format = { decimals: parse(() => parseDecimals(host.decimals)), labels: parse(() => parseLabels(host.labels)) };
      this.#thresholds = parse(() => parseThresholds(host.thresholds));
      this.#problems.set('display', error);
    }
    if (changed.has('staleAfter')) {
      this.#staleMs = this.#duration('staleAfter', 'stale-after', undefined, 1000) ?? 0;
      this.#restartStale();
    }
    if (changed.has('throttle')) this.#throttleMs = this.#duration('throttle', 'throttle', 0, 1);
    return rebind;
  }

  /** A duration setting (a number from 0 up) times `scale`, reporting a bad one (its default applies). */
  #duration<T extends number | undefined>(name: 'staleAfter' | 'throttle', attribute: string, fallback: T, scale: number): number | T {
    const setting = numericSetting(attribute, writtenSetting(this.#host, attribute, this.#host[name]), fallback, { min: 0 });
    this.#problems.set(name, setting.error);
    return setting.value === undefined ? (fallback as T) : setting.value * scale;
  }

  /** The text `value` is shown as, in the locale of the nearest `lang` (else the browser's). */
  text(value: unknown): string {
    const lang = this.#host.closest('[lang]')?.getAttribute('lang') || undefined;
    return formatValue(value, { ...this.#format, locale: lang });
  }

  /** Formatting, levels and the stale period, for rows per topic (rows-view.ts). */
  rowFormat(): RowFormat {
    return {
      text: (value) => this.text(value),
      level: (value) => levelOf(value, this.#thresholds),
      staleAfterMs: this.#staleMs,
    };
  }

  /** A message arrived with `value`: the level follows it, and the element is fresh again. */
  received(value: unknown): void {
    this.level = levelOf(value, this.#thresholds);
    this.#restartStale();
  }

  /** Reflects `level` (and `stale`) on `element`: the host, or a row of a template. */
  reflectLevel(element: Element, level: number | undefined): void {
    if (level === undefined) element.removeAttribute('level');
    else if (element.getAttribute('level') !== String(level)) element.setAttribute('level', String(level));
  }

  /**
   * Whether the host may render now (`throttle`: at most once a period). When not, one update is
   * asked for at the end of the period, which renders the latest value then.
   */
  mayRender(): boolean {
    const period = this.#throttleMs;
    if (period <= 0) return true;
    const now = performance.now();
    if (now - this.#lastRender >= period) {
      this.#lastRender = now;
      return true;
    }
    this.#throttled ??= setTimeout(() => {
      this.#throttled = undefined;
      this.#host.requestUpdate();
    }, period - (now - this.#lastRender));
    return false;
  }

  #restartStale(): void {
    clearTimeout(this.#staleTimer);
    this.#setStale(false);
    if (!(this.#staleMs > 0) || !this.#host.isConnected) return;
    this.#staleTimer = setTimeout(() => this.#setStale(true), this.#staleMs);
  }

  #setStale(stale: boolean): void {
    this.#host.toggleAttribute('stale', stale);
    try {
      if (stale) this.states?.add('stale');
      else this.states?.delete('stale');
    } catch {
      // Older engines accepted only `--stale`: the attribute still says it.
    }
  }
}
