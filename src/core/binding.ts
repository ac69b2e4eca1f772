/**
 * Rules for writing a received value into a page element. Pure, no DOM: the element does the
 * writing, this decides what is allowed and what gets written.
 */
import { MqttElementsError } from '../errors.js';
import { displayText } from './payload.js';

/** Sinks that would parse a payload as HTML or run it as code. */
const UNSAFE = new Set(['innerhtml', 'outerhtml', 'srcdoc']);

/** Why a binding to this property or attribute is refused, or undefined when it is safe. */
export function unsafeBindingReason(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.trim().toLowerCase();
  if (UNSAFE.has(lower)) return `binding to "${name}" is refused: payloads are never parsed as HTML`;
  if (lower.startsWith('on')) return `binding to "${name}" is refused: payloads never become event handlers`;
  return undefined;
}

/**
 * What a property receives: text for the text properties (made by `text`, which may format it),
 * the value itself for the others.
 */
export function propertyValue(property: string, value: unknown, text: (value: unknown) => string = displayText): unknown {
  return property === 'textContent' || property === 'innerText' ? text(value) : value;
}

/**
 * What an attribute receives: `true` makes it present and empty, `false`/`null`/`undefined`
 * remove it (boolean attributes such as `disabled` work), anything else is its text. A boolean
 * that `text` gives a text of its own (a label: `{"true":"On"}`) gets that text instead.
 */
export function attributeValue(value: unknown, text: (value: unknown) => string = displayText): string | null {
  if (value === null || value === undefined) return null;
  const shown = text(value);
  if (typeof value === 'boolean' && shown === String(value)) return value ? '' : null;
  return shown;
}

/** Properties whose value is only ever text on screen: a `javascript:` string there is harmless. */
const TEXT_SINKS = new Set(['textContent', 'innerText']);

/**
 * Why writing this value through this binding is refused, or undefined when it is safe. A
 * `javascript:` URL written into `href` or `src` (or any other URL-taking sink) runs in the page:
 * browsers ignore leading spaces and control characters and tabs or newlines inside the scheme,
 * so those are removed before looking.
 */
export function unsafeValueReason(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || TEXT_SINKS.has(name)) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const scheme = value.replace(/[\u0000-\u0020]/g, '').slice(0, 11).toLowerCase();
  if (scheme === 'javascript:') return `a "javascript:" value for "${name}" is refused: payloads never become script`;
  return undefined;
}

/**
 * The `unsafe-binding` error of a `target` binding's settings, or undefined. The sink is the
 * `attribute`, else the `property`: an empty `attribute` falls back to `property`, so
 * `attribute="" property="innerHTML"` is checked as `innerHTML`.
 */
export function bindingError(target: string | undefined, attribute: string | undefined, property: string): MqttElementsError | undefined {
  const reason = target ? unsafeBindingReason(attribute || property) : undefined;
  return reason ? new MqttElementsError('unsafe-binding', reason) : undefined;
}
