/**
 * `Availability` (loaded on first use, with device-part.ts): `availability-topic` on
 * `<mqtt-publish>` and `<mqtt-subscribe>`. The device's latest availability payload decides
 * `available`; the element reflects the boolean attribute `unavailable` (and the custom state
 * `unavailable`, beside `stale`). On `<mqtt-publish>` the form controls inside are disabled while
 * unavailable (those added meanwhile too), and only those this disabled are enabled again: a
 * control the page disabled stays so. Messages are handled in the order they arrive, so a device that flaps ends in the state it
 * said last.
 */
import { availabilityOf } from '../../core/device-state.js';
import type { ConnectionController, ConnectionHost } from './connection-controller.js';
import type { ProblemSink } from './problems.js';
import { TopicFollower } from './topic-follower.js';

/** An element with the availability settings (README, Control panels). */
export interface AvailabilityHost extends ConnectionHost {
  availabilityTopic?: string | undefined;
  payloadAvailable?: string | undefined;
  payloadNotAvailable?: string | undefined;
  qos?: unknown;
}

/** ElementInternals' custom states (display-controller.ts holds the element's one set). */
export interface StateSet {
  add(state: string): void;
  delete(state: string): void;
}

/** The controls a device's unavailability disables. */
const CONTROLS = 'button, input, select, textarea';
type Control = HTMLButtonElement | HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export class Availability {
  readonly #host: AvailabilityHost;
  readonly #states: StateSet | undefined;
  readonly #disables: boolean;
  /** The controls this disabled (and only these are enabled again). */
  readonly #disabled = new Set<Control>();
  /** While unavailable: watches for controls added inside, to disable them too. */
  #added: MutationObserver | undefined;
  #available = true;

  /**
   * @param disables whether the form controls inside follow (`<mqtt-publish>`), or only the
   *   attribute and the state (`<mqtt-subscribe>`).
   */
  constructor(
    host: AvailabilityHost,
    connections: ConnectionController,
    problems: ProblemSink<'availabilityTopic'>,
    states: StateSet | undefined,
    disables: boolean,
  ) {
    this.#host = host;
    this.#states = states;
    this.#disables = disables;
    new TopicFollower(host, connections, () => host.availabilityTopic, problems, 'availabilityTopic', {
      message: (message) => {
        const said = availabilityOf(message.decoder.text, host.payloadAvailable ?? undefined, host.payloadNotAvailable ?? undefined);
        if (said !== undefined) this.#set(said);
      },
      // Another topic (or none) says nothing yet: available, as without one.
      moved: () => this.#set(true),
    });
  }

  /** False while the availability topic's latest payload is `payload-not-available`. */
  get available(): boolean {
    return this.#available;
  }

  #set(available: boolean): void {
    if (available === this.#available) return;
    this.#available = available;
    const host = this.#host;
    host.toggleAttribute('unavailable', !available);
    try {
      if (available) this.#states?.delete('unavailable');
      else this.#states?.add('unavailable');
    } catch {
      // Older engines accepted only `--name` states: the attribute still says it.
    }
    if (!this.#disables) return;
    if (available) {
      this.#added?.disconnect();
      this.#added = undefined;
      for (const control of this.#disabled) control.disabled = false;
      this.#disabled.clear();
    } else {
      this.#disableWithin(host);
      // A control the page adds while the device is away is disabled too (a framework re-render).
      this.#added ??= new MutationObserver(() => this.#disableWithin(host));
      this.#added.observe(host, { childList: true, subtree: true });
    }
  }

  #disableWithin(root: Element): void {
    for (const control of root.querySelectorAll<Control>(CONTROLS)) {
      if (control.disabled) continue;
      control.disabled = true;
      this.#disabled.add(control);
    }
  }
}

