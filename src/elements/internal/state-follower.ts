/**
 * `StateFollower` (loaded on first use, with device-part.ts): `<mqtt-publish state-topic>`. The
 * controls inside show the state the device reports, never a commanded value it has not confirmed
 * (unless `optimistic`): a command puts them back to the last reported state at once, and the
 * report of the commanded value confirms it (`confirmed`). A report of another value while a
 * command waits changes nothing on screen until `confirm-timeout`; then the controls show the last
 * reported state and the command fails with `not-confirmed`. Reported states are untrusted: they
 * reach the controls only through the guarded writer.
 */
import type { ReactiveController } from 'lit';
import { confirms, decodeState, DEFAULT_CONFIRM_TIMEOUT, notConfirmedError, stateKey, stateText, switchState } from '../../core/device-state.js';
import { numericSetting } from '../../core/numeric-setting.js';
import { MqttElementsError } from '../../errors.js';
import type { ConnectionController } from './connection-controller.js';
import type { CommandEnd, DeviceHost } from './lazy-device.js';
import type { ProblemSink } from './problems.js';
import { TopicFollower } from './topic-follower.js';
import { writeValue } from './write-value.js';
import { writtenSetting } from './written-setting.js';

/** The problems a state follower finds. */
export type StateProblem = 'stateTopic' | 'state' | 'confirmTimeout';

/** The controls that show a state: every input but the buttons and files, selects, textareas. */
const CONTROLS = 'input:not([type=button],[type=submit],[type=reset],[type=image],[type=file]), select, textarea';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A command waiting for the device to report its state. */
interface Waiting {
  commanded: unknown;
  topic: string;
  done(end: CommandEnd): void;
  timer: ReturnType<typeof setTimeout>;
}

export class StateFollower implements ReactiveController {
  readonly #host: DeviceHost;
  readonly #problems: ProblemSink<StateProblem>;
  readonly #follower: TopicFollower<StateProblem>;
  /** The latest reported state, once there is one. */
  #reported?: { value: unknown };
  /** What each control showed when this started: shown again when a command fails before any report. */
  readonly #initial = new Map<Control, { checked: boolean; value: string }>();
  #waiting?: Waiting | undefined;
  #timeoutRead?: unknown;
  #timeout = DEFAULT_CONFIRM_TIMEOUT;

  constructor(host: DeviceHost, connections: ConnectionController, problems: ProblemSink<StateProblem>) {
    this.#host = host;
    this.#problems = problems;
    for (const control of this.#controls()) {
      this.#initial.set(control, { checked: (control as HTMLInputElement).checked, value: control.value });
    }
    this.#follower = new TopicFollower(host, connections, () => host.stateTopic, problems, 'stateTopic', {
      message: (message) => {
        if (message.payload.length === 0) return; // a retained state cleared: nothing reported
        const decoded = decodeState(message.decoder, host.statePath);
        if (!decoded.ok) {
          this.#problems.set('state', new MqttElementsError('payload-format', `the state on ${message.topic}: ${decoded.reason}; the controls keep what they show`), true);
          return;
        }
        this.#problems.set('state', undefined);
        this.#reported = { value: decoded.value };
        const waiting = this.#waiting;
        // Another value while a command waits changes nothing until its timeout.
        if (waiting && !confirms(waiting.commanded, decoded.value, host.payloadOn ?? undefined, host.payloadOff ?? undefined)) return;
        this.#show(decoded.value);
        this.#end('confirmed');
      },
      // Another topic, another connection, or a lasting removal: what was reported is void, and
      // a waiting command is no longer followed (it ends as sent, with no error and no timer left).
      moved: () => {
        this.#reported = undefined;
        this.#end('sent');
      },
    });
    host.addController(this);
  }

  /** Whether a state topic is set: commands wait for their confirmation. */
  get follows(): boolean {
    return this.#follower.active;
  }

  /** Before each update: `confirm-timeout` read by the one numeric rule, a bad one reported at once. */
  hostUpdate(): void {
    const host = this.#host;
    const written = writtenSetting(host, 'confirm-timeout', host.confirmTimeout);
    if (Object.is(written, this.#timeoutRead)) return;
    this.#timeoutRead = written;
    const setting = numericSetting('confirm-timeout', written, DEFAULT_CONFIRM_TIMEOUT, { min: 0, aboveMin: true, max: 2147483647 });
    this.#timeout = setting.value;
    this.#problems.set('confirmTimeout', setting.error);
  }

  /**
   * Sends `payload` through `send` and resolves `confirmed` once it was sent and the state topic
   * reported it; rejects with `not-confirmed` after `confirm-timeout`, or with the send's error.
   * Either way the controls then show the last reported state. A newer command replaces this one,
   * which then resolves `sent`.
   */
  command(payload: unknown, send: (payload: unknown) => Promise<CommandEnd>): Promise<CommandEnd> {
    const host = this.#host;
    this.#end('sent');
    if (host.optimistic) this.#show(payload);
    else this.#showReported();
    const timeout = this.#timeout;
    const stateTopic = host.stateTopic ?? '';
    let waiting!: Waiting;
    const confirmed = new Promise<CommandEnd>((resolve, reject) => {
      waiting = {
        commanded: payload,
        topic: host.topic,
        done: resolve,
        timer: setTimeout(() => {
          if (this.#waiting !== waiting) return;
          this.#waiting = undefined;
          this.#showReported();
          reject(notConfirmedError(waiting.topic, stateTopic, payload, timeout));
        }, timeout),
      };
    });
    this.#waiting = waiting;
    const sent = send(payload);
    sent.catch(() => {
      if (this.#waiting !== waiting) return;
      clearTimeout(waiting.timer);
      this.#waiting = undefined;
      this.#showReported();
    });
    return Promise.all([sent, confirmed]).then(([, end]) => end);
  }

  /** The waiting command, if any, ends as `end`: its timer cleared. */
  #end(end: CommandEnd): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.done(end);
  }

  #controls(): Control[] {
    return [...this.#host.querySelectorAll<Control>(CONTROLS)];
  }

  /** The last reported state, or before any report what the controls showed at first. */
  #showReported(): void {
    if (this.#reported) return this.#show(this.#reported.value);
    for (const [control, shown] of this.#initial) {
      this.#write(control, 'checked', shown.checked);
      this.#write(control, 'value', shown.value);
    }
  }

  /**
   * Shows `value` in every control: a checkbox checked by `payload-on`, unchecked by
   * `payload-off` (a value that is neither leaves it); a radio checked when its value is the
   * state; any other control given the state as its value.
   */
  #show(value: unknown): void {
    const host = this.#host;
    for (const control of this.#controls()) {
      const type = (control as HTMLInputElement).type;
      if (type === 'checkbox') {
        const on = switchState(value, host.payloadOn ?? undefined, host.payloadOff ?? undefined);
        if (on !== undefined) this.#write(control, 'checked', on);
      } else if (type === 'radio') {
        this.#write(control, 'checked', stateKey(control.value) === stateKey(value));
      } else {
        this.#write(control, 'value', stateText(value));
      }
    }
  }

  #write(control: Control, property: 'checked' | 'value', value: unknown): void {
    if (property === 'checked' && !(control instanceof HTMLInputElement)) return;
    const written = writeValue(control, { property }, value);
    if (written !== true) this.#problems.set('state', written, true);
  }
}
