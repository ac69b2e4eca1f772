/**
 * A numeric property as the page wrote it, for `numericSetting` (core/numeric-setting.ts). Lit's
 * Number converter turns `history="abc"` into NaN and `history=""` into 0: the error must quote
 * what was written, and a blank attribute is an absent one.
 */
export function writtenSetting(host: Element, attribute: string, value: unknown): unknown {
  const text = host.getAttribute(attribute);
  return text !== null && Object.is(Number(text), value) ? text : value;
}
