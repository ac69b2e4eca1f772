/**
 * Rules for writing a received value into a page element. Pure, no DOM: the element does the
 * writing, this decides what is allowed and what gets written.
 */
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

/** What a property receives: text for the text properties, the value itself for the others. */
export function propertyValue(property: string, value: unknown): unknown {
  return property === 'textContent' || property === 'innerText' ? displayText(value) : value;
}

/**
 * What an attribute receives: `true` makes it present and empty, `false`/`null`/`undefined`
 * remove it (boolean attributes such as `disabled` work), anything else is its text.
 */
export function attributeValue(value: unknown): string | null {
  if (value === true) return '';
  if (value === false || value === null || value === undefined) return null;
  return displayText(value);
}
