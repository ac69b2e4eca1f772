/**
 * Which DOM events inside `<mqtt-publish>` publish, and what they send (README, `<mqtt-publish>`): `submit` from a
 * form (its navigation prevented), `change` from an input, select or textarea, `click` from
 * anything else (a button), unless `trigger` names one event type for everything.
 */
import { controlPayload, formPayload, isFormControl } from './control-payload.js';

/** The event types `<mqtt-publish>` listens to. */
export const TRIGGERS = ['click', 'change', 'input', 'submit'] as const;

/** What the decision needs of the element. */
export interface TriggerHost extends Element {
  trigger?: string | undefined;
  payload?: unknown;
}

/**
 * The payload an event publishes, or undefined when the event does not publish. A fixed
 * `payload` wins; else a form sends its fields, a control its value.
 */
export function triggeredPayload(host: TriggerHost, event: Event): { payload: unknown } | undefined {
  const source = event.target;
  if (!(source instanceof Element) || source === host) return undefined;
  const form = source instanceof HTMLFormElement ? source : source.closest('form');
  const inForm = form !== null && host.contains(form);
  if (!triggers(host.trigger, event, source, inForm)) return undefined;
  let payload = host.payload;
  if (event.type === 'submit' && source instanceof HTMLFormElement) {
    event.preventDefault();
    if (payload === undefined || payload === null) payload = formPayload(source, (event as SubmitEvent).submitter);
  } else if (payload === undefined || payload === null) {
    // The control an event is about: a click on an icon inside a button is the button's.
    payload = controlPayload(source.closest('button, input, select, textarea') ?? source);
  }
  return { payload };
}

function triggers(trigger: string | undefined, event: Event, source: Element, inForm: boolean): boolean {
  if (trigger) return event.type === trigger;
  switch (event.type) {
    case 'submit':
      return source instanceof HTMLFormElement;
    case 'change':
      return isFormControl(source) && !inForm;
    case 'click':
      // Clicks on inputs, labels and inside forms lead to `change` or `submit` instead.
      return !inForm && !isFormControl(source) && source.closest('label, input, select, textarea, option') === null;
    default:
      return false;
  }
}
