/**
 * `<mqtt-chart>`'s own settings (`window`, `max-points`, `label-level`) and what they mean for a
 * series: pure, no DOM. A bad value is a `payload-format` error, as a bad `decimals` is on
 * `<mqtt-subscribe>`, and the default is used meanwhile.
 */
import { MqttElementsError } from '../errors.js';
import type { SeriesLimits } from './series-buffer.js';

/** SPEC's defaults: 300 s of data, 1000 points a series. */
export const DEFAULT_WINDOW_S = 300;
export const DEFAULT_MAX_POINTS = 1000;

/**
 * A number setting: `fallback` when absent (undefined, null, empty), else a number that passes
 * `valid`, else a `payload-format` error saying `rule`.
 */
function numberSetting<T>(name: string, value: unknown, fallback: T, valid: (n: number) => boolean, rule: string): number | T {
  if (value === undefined || value === null || String(value).trim() === '') return fallback;
  const n = Number(value);
  if (!valid(n)) throw new MqttElementsError('payload-format', `${name} must be ${rule}, not ${JSON.stringify(value)}`);
  return n;
}

/** `window` (seconds, > 0) and `max-points` (a whole number ≥ 1) as the buffer's limits. */
export function parseLimits(window: unknown, maxPoints: unknown): SeriesLimits {
  const seconds = numberSetting('window', window, DEFAULT_WINDOW_S, (n) => n > 0 && n < Infinity, 'a number of seconds above 0');
  const most = numberSetting('max-points', maxPoints, DEFAULT_MAX_POINTS, (n) => Number.isInteger(n) && n >= 1, 'a whole number from 1 up');
  return { windowMs: seconds * 1000, maxPoints: most };
}

/** `label-level`: a topic level (0-based), or undefined for the whole topic. */
export function parseLabelLevel(value: unknown): number | undefined {
  return numberSetting('label-level', value, undefined, (n) => Number.isInteger(n) && n >= 0, 'a whole number from 0 up');
}

/**
 * A series' name: level `level` of its topic (`1` of `home/kitchen/temperature` is `kitchen`), or
 * the whole topic without a level, or when that level is missing or empty. Shown as text only.
 */
export function seriesName(topic: string, level: number | undefined): string {
  return (level !== undefined && topic.split('/')[level]) || topic;
}
