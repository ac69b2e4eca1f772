/**
 * Rules for writing a received value into a page element. Pure, no DOM: the element does the
 * writing, this decides what is allowed and what gets written.
 */
import { MqttElementsError } from '../errors.js';
import { displayText } from './payload.js';

/** Sinks that would parse a payload as HTML or run it as code. */
const UNSAFE = new Set(['innerhtml', 'outerhtml', 'srcdoc']);

/** Names whose assignment swaps an object's prototype or constructor instead of setting a value. */
const PROTOTYPE = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a binding to this property or attribute is refused, or undefined when it is safe. */
export function unsafeBindingReason(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.trim().toLowerCase();
  if (UNSAFE.has(lower)) return `binding to "${name}" is refused: payloads are never parsed as HTML`;
  if (lower.startsWith('on')) return `binding to "${name}" is refused: payloads never become event handlers`;
  // Assigning to these replaces what the element is rather than a value it holds.
  if (PROTOTYPE.has(lower)) return `binding to "${name}" is refused: payloads never replace an element's prototype`;
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
 * URL schemes that run code or make a document of the value: `javascript:` and `vbscript:` run in
 * the page; a `data:` HTML, XHTML or SVG document runs its script in a frame or a new window.
 */
const SCRIPT_URL = /^(?:javascript:|vbscript:|data:(?:text\/html|application\/xhtml\+xml|image\/svg\+xml)[;,])/;

/**
 * The text a sink makes of `written`: what a property setter or `setAttribute` converts it to.
 * A JSON array becomes its items joined by commas, so `["javascript:…"]` is `javascript:…` for
 * an `href`; checking only strings (as this package once did) let that through.
 */
export function sinkText(written: unknown): string | undefined {
  if (written === null || written === undefined) return undefined;
  if (typeof written === 'string') return written;
  try {
    return String(written);
  } catch {
    // An object whose conversion throws (no payload decodes to one): the sink would throw too.
    return undefined;
  }
}

/**
 * Why writing `written` (the value as the sink will receive it) into the sink `name` is refused,
 * or undefined when it is safe (`attribute`: the sink is an attribute of that name, not a
 * property). Any sink but the text properties is checked, not only the known URL
 * ones (`href`, `src`, `action`, `formAction`, `data`, `poster`, `ping`, `xlink:href`, …): a
 * page's own custom elements have URL properties of their own. Browsers ignore leading spaces
 * and control characters and tabs or newlines inside the scheme, so all of those are removed
 * before looking.
 */
export function unsafeValueReason(name: string, written: unknown, attribute = false): string | undefined {
  // An attribute named `textContent` is only an attribute: the text exemption is the properties'.
  if (!attribute && TEXT_SINKS.has(name)) return undefined;
  const text = sinkText(written);
  if (text === undefined) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const start = text.slice(0, 256).replace(/[\u0000-\u0020]/g, '').slice(0, 30).toLowerCase();
  const match = SCRIPT_URL.exec(start);
  if (!match) return undefined;
  const scheme = match[0].replace(/[;,]$/, '');
  return `a "${scheme}" value for "${name}" is refused: payloads never become script`;
}

/** Elements whose text is code: a `<script>` that has not run yet would run a payload written into it. */
export function unsafeTargetReason(localName: string): string | undefined {
  return localName.toLowerCase() === 'script' ? 'writing into a <script> element is refused: payloads never become script' : undefined;
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
