/**
 * How a dashboard shows a value (README, `<mqtt-subscribe>`: `decimals`, `labels`, `thresholds`): the text for a
 * value, and its level against thresholds. Pure, no DOM; the locale is passed in.
 */
import { MqttElementsError } from '../errors.js';
import { displayText } from './payload.js';

/** The display settings of an element, parsed. */
export interface DisplayFormat {
  /** Fraction digits numbers are shown with, or undefined for as they come. */
  decimals?: number | undefined;
  /** Value (as text) → the text shown for it. */
  labels?: ReadonlyMap<string, string> | undefined;
  /** BCP 47 locale for numbers, e.g. the nearest `lang`; the browser's when undefined. */
  locale?: string | undefined;
}

/**
 * A number, a BigInt (CBOR's and Sparkplug's 64-bit integers; the nearest number beyond 2^53), or a
 * string that is exactly a finite number (`format="text"` gives `"21.5"`); else undefined.
 */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses `decimals`: a whole number from 0 to 20, or `invalid`. Absent (or NaN from an empty attribute): undefined. */
export function parseDecimals(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || Number.isNaN(value)) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20) {
    throw new MqttElementsError('payload-format', `decimals must be a whole number from 0 to 20, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses `labels`: a JSON object of texts (or the object itself, set as a property). */
export function parseLabels(value: unknown): Map<string, string> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch (e) {
      throw new MqttElementsError('payload-format', `labels must be a JSON object, e.g. {"true":"On"}: ${(e as Error).message}`);
    }
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new MqttElementsError('payload-format', 'labels must be a JSON object of value → text, e.g. {"true":"On","false":"Off"}');
  }
  return new Map(Object.entries(object as Record<string, unknown>).map(([key, text]) => [key, displayText(text)]));
}

/** Parses `thresholds`: ascending numbers separated by whitespace. */
export function parseThresholds(value: unknown): number[] | undefined {
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  const parts = String(value).trim().split(/\s+/);
  const numbers = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(numbers[i]));
  if (bad !== undefined) throw new MqttElementsError('payload-format', `thresholds must be numbers separated by spaces, not "${bad}"`);
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) {
    throw new MqttElementsError('payload-format', `thresholds must be ascending, not "${String(value).trim()}"`);
  }
  return numbers;
}

/** How many of `thresholds` the value is at or above, or undefined for a value that is no number. */
export function levelOf(value: unknown, thresholds: readonly number[] | undefined): number | undefined {
  const n = numericValue(value);
  if (!thresholds || n === undefined) return undefined;
  let level = 0;
  while (level < thresholds.length && n >= thresholds[level]!) level++;
  return level;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * The text a value is shown as: its label if `labels` lists it, else a number with exactly
 * `decimals` fraction digits in the locale, else as `displayText` shows it.
 */
export function formatValue(value: unknown, format: DisplayFormat): string {
  const text = displayText(value);
  const label = format.labels?.get(text);
  if (label !== undefined) return label;
  // A BigInt stays exact: Intl formats it digit for digit.
  const n = format.decimals === undefined ? undefined : typeof value === 'bigint' ? value : numericValue(value);
  if (n === undefined) return text;
  const key = `${format.locale ?? ''}|${format.decimals}`;
  let numbers = numberFormats.get(key);
  if (!numbers) {
    const digits = { minimumFractionDigits: format.decimals, maximumFractionDigits: format.decimals };
    try {
      numbers = new Intl.NumberFormat(format.locale, digits);
    } catch {
      numbers = new Intl.NumberFormat(undefined, digits); // a `lang` that is no valid locale
    }
    numberFormats.set(key, numbers);
  }
  return numbers.format(n);
}
