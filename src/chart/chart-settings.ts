/**
 * `<mqtt-chart>`'s own settings (`window`, `max-points`, `max-series`, `label-level`) and what they
 * mean for a series: pure, no DOM. Each is read by `numericSetting` (core/numeric-setting.ts): a
 * bad value is a `payload-format` error and that setting's default applies, the others keep theirs.
 */
import type { MqttElementsError } from '../errors.js';
import { numericSetting } from '../core/numeric-setting.js';
import type { SeriesLimits } from './series-buffer.js';

/** The defaults the README's `<mqtt-chart>` table names: 300 s of data, 1000 points a series, 20 series. */
export const DEFAULT_WINDOW_S = 300;
export const DEFAULT_MAX_POINTS = 1000;
export const DEFAULT_MAX_SERIES = 20;

/** The chart settings that limit the buffer, by property name. */
export type LimitSetting = 'window' | 'maxPoints' | 'maxSeries';

/** The buffer's limits, and each setting that could not be used (its default is in the limits). */
export interface ParsedLimits {
  limits: SeriesLimits;
  errors: Partial<Record<LimitSetting, MqttElementsError>>;
}

/** `window` (seconds, > 0), `max-points` and `max-series` (whole numbers ≥ 1) as the buffer's limits. */
export function parseLimits(window: unknown, maxPoints: unknown, maxSeries: unknown): ParsedLimits {
  const seconds = numericSetting('window', window, DEFAULT_WINDOW_S, { min: 0, aboveMin: true });
  const points = numericSetting('max-points', maxPoints, DEFAULT_MAX_POINTS, { min: 1, whole: true });
  const series = numericSetting('max-series', maxSeries, DEFAULT_MAX_SERIES, { min: 1, whole: true });
  const errors: ParsedLimits['errors'] = {};
  if (seconds.error) errors.window = seconds.error;
  if (points.error) errors.maxPoints = points.error;
  if (series.error) errors.maxSeries = series.error;
  return { limits: { windowMs: seconds.value * 1000, maxPoints: points.value, maxSeries: series.value }, errors };
}

/** `label-level`: a topic level (0-based), or undefined for the whole topic. */
export function parseLabelLevel(value: unknown): { value: number | undefined; error?: MqttElementsError } {
  return numericSetting('label-level', value, undefined, { min: 0, whole: true });
}

/**
 * A series' name: level `level` of its topic (`1` of `home/kitchen/temperature` is `kitchen`), or
 * the whole topic without a level, or when that level is missing or empty. Shown as text only.
 */
export function seriesName(topic: string, level: number | undefined): string {
  return (level !== undefined && topic.split('/')[level]) || topic;
}
