/**
 * Form fields as a JSON object: each name once, a name repeated (checkbox groups, multi-selects)
 * as an array of its values in order. Pure: takes the entries, not the form.
 */
export function entriesToObject(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    if (!Object.prototype.hasOwnProperty.call(object, name)) {
      // defineProperty, not assignment: a field named `__proto__` must stay a field.
      Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
    } else if (Array.isArray(object[name])) {
      (object[name] as unknown[]).push(value);
    } else {
      object[name] = [object[name], value];
    }
  }
  return object;
}
