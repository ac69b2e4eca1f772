/**
 * One rule for every numeric attribute (README: Errors, `payload-format`: a numeric
 * attribute that does not parse is an error with its default applied): `history`, `limit`,
 * `stale-after` and `throttle` on `<mqtt-subscribe>`, `response-timeout` on `<mqtt-publish>`
 * (reported when a request is made), `window`, `max-points`, `max-series` and `label-level` on `<mqtt-chart>`, and
 * `<mqtt-connection>`'s numbers (`keepalive`, `reconnect-period`, `reconnect-max`,
 * `connect-timeout`, `session-expiry`, `receive-maximum`: options.ts), which then connects with the
 * default. A number outside an attribute's range is refused the same way as one that does not parse.
 * Pure: no DOM.
 *
 * The code is `payload-format`, as for a bad `decimals` or `thresholds`: the public error codes have
 * none of their own for a setting, and one code for every unreadable setting lets a page handle them alike.
 */
import { MqttElementsError } from '../errors.js';

/** What a numeric setting accepts. */
export interface NumericRule {
  /** The lowest value accepted. */
  min: number;
  /** `min` itself is refused (`window` must be above 0). */
  aboveMin?: boolean;
  /** Only whole numbers (counts, levels). */
  whole?: boolean;
  /** The highest value accepted (a two-byte field, a timer's range). */
  max?: number;
}

/** A setting's value in use, and the error when what was written could not be used. */
export interface NumericSetting<T> {
  value: number | T;
  error?: MqttElementsError;
}

/**
 * Reads the numeric setting `name`: `fallback` when absent (undefined, null, blank), else a finite
 * number that keeps `rule`, else `fallback` with a `payload-format` error that names the
 * attribute, what was written and the default now applied.
 */
export function numericSetting<T extends number | undefined>(name: string, value: unknown, fallback: T, rule: NumericRule): NumericSetting<T> {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { value: fallback };
  // Number(true) and Number([]) are numbers; only strings and numbers are settings.
  const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  const low = rule.aboveMin ? n > rule.min : n >= rule.min;
  if (Number.isFinite(n) && low && n <= (rule.max ?? Infinity) && (!rule.whole || Number.isInteger(n))) return { value: n };
  const upTo = rule.max === undefined ? (rule.aboveMin ? '' : ' up') : ` to ${rule.max}`;
  const wanted = `${rule.whole ? 'a whole number' : 'a number'} ${rule.aboveMin ? 'above' : 'from'} ${rule.min}${upTo}`;
  const applied = `the default ${fallback === undefined ? '(none)' : fallback} applies`;
  const written = typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
  return {
    value: fallback,
    error: new MqttElementsError('payload-format', `${name}=${written} is not ${wanted}; ${applied} until it is set to one (or removed)`),
  };
}
