/**
 * The one way a received value reaches the page (README: Security; SECURITY.md). Every feature that
 * writes a payload, a topic or a request's reply into an element — `<mqtt-subscribe>`'s `target`,
 * its own text and history list, the rows of a template, `<mqtt-publish>`'s reply, the chart's
 * summary — calls {@link writeValue} or {@link writeText}; nothing else in `src/` assigns a
 * received value to the DOM. The rules are core/binding.ts's; this applies them to an element and
 * turns a DOM refusal into an error instead of an exception.
 */
import { attributeValue, propertyValue, unsafeBindingReason, unsafeTargetReason, unsafeValueReason } from '../../core/binding.js';
import { displayText } from '../../core/payload.js';
import { MqttElementsError } from '../../errors.js';

/** Where a value goes: a property of the target (default `textContent`), or an attribute. */
export interface BindingSink {
  property: string;
  attribute?: string | undefined;
}

/** What a write did: `true` (written), or why nothing was written (`unsafe-binding`, `binding-failed`). */
export type WriteResult = true | MqttElementsError;

const TEXT_SINK: BindingSink = { property: 'textContent' };

/**
 * Writes `value` into `target`'s property or attribute. A refused write writes nothing:
 * - the sink parses HTML or makes a handler (`innerHTML`, `outerHTML`, `srcdoc`, `on*`), or the
 *   target is a `<script>`: `unsafe-binding`;
 * - the value, in the form the sink will receive it (an attribute's text, a property's string
 *   conversion: a JSON array becomes its items joined by commas), is a `javascript:`,
 *   `vbscript:` or `data:` HTML URL: `unsafe-binding`;
 * - the DOM throws (`attribute="a b"`, `valueAsNumber` on a text input, a read-only property
 *   in strict mode): `binding-failed`, never an exception.
 * `text` makes text of a value for the text sinks and attributes (formatting: `decimals`, `labels`).
 */
export function writeValue(target: Element, sink: BindingSink, value: unknown, text: (value: unknown) => string = displayText): WriteResult {
  const name = sink.attribute || sink.property;
  const reason = unsafeBindingReason(name) ?? unsafeTargetReason(target.localName);
  if (reason) return new MqttElementsError('unsafe-binding', reason);
  const written = sink.attribute ? attributeValue(value, text) : propertyValue(sink.property, value, text);
  const refused = unsafeValueReason(name, written, !!sink.attribute);
  if (refused) return new MqttElementsError('unsafe-binding', refused);
  try {
    if (!sink.attribute) (target as unknown as Record<string, unknown>)[sink.property] = written;
    else if (written === null) target.removeAttribute(sink.attribute);
    else target.setAttribute(sink.attribute, written as string);
    return true;
  } catch (e) {
    const what = sink.attribute ? `attribute "${sink.attribute}"` : `property "${sink.property}"`;
    const why = (e as Error)?.message ?? String(e);
    return new MqttElementsError(
      'binding-failed',
      `<${target.localName}> refused the value for its ${what}: ${why}. Check the binding's property or attribute name and that the element accepts this kind of value`,
      { cause: e },
    );
  }
}

/** Writes `text` as `node`'s only content (a received value shown as text). Same guard as {@link writeValue}. */
export function writeText(node: Element, text: string): WriteResult {
  // Unchanged text is not written again: rows and lists rewrite the same text often.
  const first = node.firstChild;
  if (first === null ? text === '' : first === node.lastChild && first.nodeType === 3 /* TEXT_NODE */ && (first as Text).data === text) return true;
  return writeValue(node, TEXT_SINK, text, String);
}
