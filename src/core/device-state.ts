/**
 * The rules of controls that follow the device (README, "Control panels: controls that
 * follow the device"): how a reported state is read (`state-path`), how it maps onto a checkbox
 * (`payload-on`/`payload-off`), when a report confirms a command, what an availability payload
 * says, and the `not-confirmed` error's words. Pure: no DOM, no timers. A reported state is
 * untrusted: nothing here interprets it as anything but data.
 */
import { MqttElementsError } from '../errors.js';
// Types only from payload.ts: a value import of it (or of subscriptions.ts) from this lazy chunk
// makes the bundler split errors.ts out of the main entry into a chunk of its own (+0.4 KB gzip).
import type { DecodeResult, PayloadDecoder } from './payload.js';

/** The payload `<mqtt-publish>` sends for a checked checkbox, and the state that checks it (README). */
export const DEFAULT_PAYLOAD_ON = 'true';
/** The payload sent for an unchecked checkbox, and the state that unchecks it. */
export const DEFAULT_PAYLOAD_OFF = 'false';
/** ms a command waits for its state report when `confirm-timeout` is absent or unreadable. */
export const DEFAULT_CONFIRM_TIMEOUT = 5000;

/** What {@link stateText} gives for a value it cannot write out (never a state a device reported: {@link decodeState} refuses those). */
const TOO_DEEP = '(a value nested too deeply to show)';

/**
 * A reported state: with `statePath`, the JSON payload followed along the path (a payload that
 * is not JSON, lacks the path, or holds there a value nested too deeply to be written out again,
 * is a failure: the control keeps what it shows); without, the payload's text.
 */
export function decodeState(decoder: PayloadDecoder, statePath: string | undefined): DecodeResult {
  if (!statePath) return { ok: true, value: decoder.text };
  const state = decoder.decode('json', statePath);
  // JSON.parse takes nesting that JSON.stringify then throws on (Firefox: "too much recursion"):
  // a hostile device's state must fail here, not later inside a control's update.
  if (state.ok && typeof state.value === 'object' && state.value !== null && stateText(state.value) === TOO_DEEP) {
    return { ok: false, reason: `the value at "${statePath}" is nested too deeply to be shown` };
  }
  return state;
}

/**
 * A state as text: a string as it is, anything else as JSON (a control's `value`, a message), a
 * BigInt (a 64-bit integer a CBOR command carries) as its digits. Never throws: a value nested
 * too deeply to write out gives a fixed text.
 */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value);
  } catch {
    return TOO_DEEP;
  }
}

/**
 * A value as a state is compared: text that parses as JSON by its JSON form (`50.0` and `50`,
 * `"eco"` and `eco` are one state), other text as it is, other values as JSON.
 */
export function stateKey(value: unknown): string {
  if (typeof value !== 'string') return stateText(value);
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
  } catch {
    return value;
  }
}

/**
 * Whether `value` means on (true), off (false) or neither (undefined) for a checkbox: its text is
 * compared with `payloadOn`/`payloadOff`, and JSON `true`/`false` count as the default ones
 * whatever those are set to.
 */
export function switchState(value: unknown, payloadOn = DEFAULT_PAYLOAD_ON, payloadOff = DEFAULT_PAYLOAD_OFF): boolean | undefined {
  const text = stateText(value);
  if (text === payloadOn) return true;
  if (text === payloadOff) return false;
  const key = stateKey(value);
  return key === DEFAULT_PAYLOAD_ON ? true : key === DEFAULT_PAYLOAD_OFF ? false : undefined;
}

/**
 * Whether the reported state `reported` is what the command `commanded` asked for: the same
 * state (see {@link stateKey}), or both on or both off for a switch.
 */
export function confirms(commanded: unknown, reported: unknown, payloadOn?: string, payloadOff?: string): boolean {
  if (stateKey(commanded) === stateKey(reported)) return true;
  const wanted = switchState(commanded, payloadOn, payloadOff);
  return wanted !== undefined && wanted === switchState(reported, payloadOn, payloadOff);
}

/**
 * What a command sends: with `payload-on`/`payload-off` set, a boolean (a checkbox's state, or
 * `publish(true)`) becomes that payload; anything else goes as it is.
 */
export function commandPayload(payload: unknown, payloadOn: string | undefined, payloadOff: string | undefined): unknown {
  if (payload === true && payloadOn != null) return payloadOn;
  if (payload === false && payloadOff != null) return payloadOff;
  return payload;
}

/**
 * What an availability payload says: true for `payloadAvailable`, false for
 * `payloadNotAvailable` (compared as text, surrounding whitespace ignored), undefined for
 * anything else (which changes nothing).
 */
export function availabilityOf(text: string, payloadAvailable = 'online', payloadNotAvailable = 'offline'): boolean | undefined {
  const said = text.trim();
  if (said === payloadAvailable.trim()) return true;
  if (said === payloadNotAvailable.trim()) return false;
  return undefined;
}

/** The `not-confirmed` error: which topic did not confirm what, within how long, and what to check. */
export function notConfirmedError(commandTopic: string, stateTopic: string, commanded: unknown, timeout: number): MqttElementsError {
  return new MqttElementsError(
    'not-confirmed',
    `the device did not confirm ${JSON.stringify(stateText(commanded))}: "${stateTopic}" did not report it within ${timeout} ms of the command to "${commandTopic}". ` +
      'The control shows the last reported state again. Check that the device is online and subscribed to the command topic, ' +
      'that it publishes its state to the state topic (with state-path: in that shape), and that confirm-timeout gives it time enough',
  );
}

/** The `publish-failed` error of a command refused because the device said it is unavailable. */
export function unavailableError(commandTopic: string, availabilityTopic: string): MqttElementsError {
  return new MqttElementsError(
    'publish-failed',
    `nothing was sent to "${commandTopic}": the device is unavailable ("${availabilityTopic}" said so); commands go again once it says it is available`,
  );
}
