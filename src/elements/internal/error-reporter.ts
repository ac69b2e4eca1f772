import type { MqttElementsError } from '../../errors.js';
import { MqttErrorEvent } from '../../events.js';

/** An element's last error, and how it is told: `error` is set, then `mqtt-error` is dispatched. */
export class ErrorReporter {
  /** The last error reported. */
  last?: MqttElementsError;
  readonly #host: EventTarget;

  constructor(host: EventTarget) {
    this.#host = host;
  }

  /** Sets `last` and dispatches `mqtt-error` on the host (bubbling, composed). */
  report = (error: MqttElementsError): void => {
    this.last = error;
    this.#host.dispatchEvent(new MqttErrorEvent({ error }));
  };
}
