/**
 * What a control inside `<mqtt-publish>` sends when no fixed `payload` is set (README, `<mqtt-publish>`): a form its
 * fields as a JSON object, a checkbox `true`/`false`, a number or range input the number, any
 * other control its value as text.
 */
import { entriesToObject } from '../../core/form-object.js';

/** A form's fields as a JSON object (repeated names as arrays), with the submitter's name/value. */
export function formPayload(form: HTMLFormElement, submitter?: HTMLElement | null): Record<string, unknown> {
  let data: FormData;
  try {
    data = new FormData(form, submitter ?? undefined);
  } catch {
    // A submitter that is not a submit button of this form is not allowed: leave it out.
    data = new FormData(form);
  }
  // Files cannot travel as JSON: their names stand in for them.
  return entriesToObject(Array.from(data, ([name, value]) => [name, typeof value === 'string' ? value : value.name]));
}

/** What one control sends: a checkbox its state, a number or range input its number, others their value as text. */
export function controlPayload(control: Element): unknown {
  if (control instanceof HTMLInputElement) {
    if (control.type === 'checkbox') return control.checked;
    if (control.type === 'number' || control.type === 'range') {
      return Number.isNaN(control.valueAsNumber) ? control.value : control.valueAsNumber;
    }
    return control.value;
  }
  const value = (control as { value?: unknown }).value;
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** Controls whose own event is `change` (the default trigger for input/select/textarea, README `<mqtt-publish>`). */
export function isFormControl(element: Element): boolean {
  return element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement;
}
