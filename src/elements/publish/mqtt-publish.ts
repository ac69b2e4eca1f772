import { html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { contentsStyle } from '../internal/contents-style.js';
import type { PayloadFormat } from '../../core/payload.js';
import { publishTarget } from '../../core/publish.js';
import type { MqttElementsError } from '../../errors.js';
import { ErrorReporter } from '../internal/error-reporter.js';
import { DisplayController } from '../internal/display-controller.js';
import { Problems } from '../internal/problems.js';
import { LazyDevice } from '../internal/lazy-device.js';
import { PublishController, type PublishStatus } from './publish-controller.js';
import { TRIGGERS, triggeredPayload } from './publish-trigger.js';
import { defineElement } from '../internal/define-element.js';


export type { PublishStatus } from './publish-controller.js';

/**
 * Publishes to a topic when the controls inside it are used, or when `publish()` is called.
 *
 * The default trigger depends on the control the event comes from: `submit` for a form (its
 * default navigation is prevented), `change` for an input, select or textarea, and `click` for
 * anything else (a button). Set `trigger` to use one event type for everything. Without a fixed
 * `payload`, a form sends its fields as a JSON object (repeated names as arrays), a checkbox
 * `true`/`false`, a number or range input the number, any other control its value as text.
 * While the connection is down, publishes are queued by MQTT.js and sent on reconnect; `status`
 * says `pending` until the latest one is written (QoS 0) or acknowledged (QoS 1/2).
 *
 * @customElement mqtt-publish
 * With `state-topic` the controls inside follow the device (README, "Control panels"): they show
 * the state it reports, and a command is `pending` until the state topic reports the commanded
 * value (`confirmed`), or fails with `not-confirmed` after `confirm-timeout`. With
 * `availability-topic` the controls are disabled while the device says it is not available, and
 * nothing is sent then: `publish()` rejects with `publish-failed`.
 *
 * @attr {"idle"|"pending"|"sent"|"confirmed"|"error"} status - Read-only, reflected: where the latest publish stands.
 * @attr {boolean} unavailable - Read-only, reflected (and the custom state `unavailable`): the availability topic's latest payload is `payload-not-available`.
 * @summary Publishes from buttons, inputs and forms to an MQTT topic.
 * @slot - The controls that publish: buttons, inputs, selects, textareas, forms.
 * @fires {MqttPublishedEvent} mqtt-published - After a publish completed; detail `{topic, payload}`.
 * @fires {MqttResponseEvent} mqtt-response - With `expect-response`: the reply arrived; detail `{topic, payload, value, properties}`.
 * @fires {MqttErrorEvent} mqtt-error - On bad input or a failed publish; detail `{error}`.
 */
export class MqttPublishElement extends LitElement {
  static override styles = contentsStyle;

  /** Registers this class as `tag` (once; a second load of the package is harmless). */
  static define(tag = 'mqtt-publish', registry: CustomElementRegistry = customElements): void {
    defineElement(tag, this, registry);
  }

  /** Topic name to publish to (no wildcards). */
  @property() topic = '';

  /** QoS: 0, 1 or 2. */
  @property() qos: string | number = 0;

  /** Ask the broker to retain the message. */
  @property({ type: Boolean }) retain = false;

  /** A fixed payload to send instead of the control's value (a property may be any value: non-strings go as JSON). */
  @property() payload?: unknown;

  /** DOM event on a descendant that publishes: `click`, `change`, `input` or `submit`. Default: by control, see above. */
  @property() trigger?: string;

  /** Id of an `<mqtt-connection>` to use instead of the nearest ancestor. */
  @property() connection?: string;

  /** MQTT 5: content type of the payload. */
  @property({ attribute: 'content-type' }) contentType?: string;

  /** MQTT 5: message expiry interval in seconds. */
  @property({ type: Number, attribute: 'message-expiry' }) messageExpiry?: number;

  /** MQTT 5: user properties, a JSON object of strings (as an attribute) or an object (as a property). */
  @property({ attribute: 'user-properties' }) userProperties?: string | Record<string, string | string[]>;

  /** MQTT 5: response topic. */
  @property({ attribute: 'response-topic' }) responseTopic?: string;

  /** MQTT 5: correlation data (text). */
  @property({ attribute: 'correlation-data' }) correlationData?: string;

  /** MQTT 5: publish as a request and wait for its reply (request/response; see `request()`). */
  @property({ type: Boolean, attribute: 'expect-response' }) expectResponse = false;

  /** ms to wait for the reply to a request. */
  @property({ type: Number, attribute: 'response-timeout' }) responseTimeout = 10000;

  /**
   * How a value is sent and the reply decoded: `text`, `json`, `bytes` (values sent as without a
   * format), `cbor` or `sparkplug` (the value encoded as CBOR or a Sparkplug B payload; `sparkplug`
   * takes `{metrics: [{name, type, value}]}`), or a name given to `registerFormat()` (its `encode`).
   */
  @property() format: PayloadFormat = 'text';

  /** With `json`, `cbor` or `sparkplug`: a dot path into the reply (as on `<mqtt-subscribe>`). */
  @property() path?: string;

  /** CSS selector of the element the reply is written into. */
  @property() target?: string;

  /** Property of `target` that receives the reply. */
  @property() property = 'textContent';

  /** Attribute of `target` that receives the reply, instead of a property. */
  @property() attribute?: string;

  /** The reply's numbers with exactly this many fraction digits (as on `<mqtt-subscribe>`). */
  @property({ type: Number }) decimals?: number;

  /** JSON object from reply value to the text shown for it. */
  @property() labels?: string | Record<string, unknown>;

  /**
   * Topic where the device reports its actual state: the controls inside show the reported state,
   * never a commanded value the device has not confirmed (unless `optimistic`).
   */
  @property({ attribute: 'state-topic' }) stateTopic?: string;

  /** With `state-topic`: a dot path into a JSON state payload, e.g. `state` or `lights.0.on`. */
  @property({ attribute: 'state-path' }) statePath?: string;

  /** What a checkbox sends when checked (a boolean command), and which reported state checks it. Default `true`. */
  @property({ attribute: 'payload-on' }) payloadOn?: string;

  /** What a checkbox sends when unchecked, and which reported state unchecks it. Default `false`. */
  @property({ attribute: 'payload-off' }) payloadOff?: string;

  /**
   * ms a command waits for the state topic to report the commanded value; then the controls show
   * the last reported state again, with error `not-confirmed`. Default 5000; a value that is no
   * number above 0 is a `payload-format` error, and 5000 applies meanwhile.
   */
  @property({ type: Number, attribute: 'confirm-timeout' }) confirmTimeout?: number;

  /** With `state-topic`: show the commanded value at once while waiting (it still reverts on timeout). */
  @property({ type: Boolean }) optimistic = false;

  /** Topic where the device says whether it is reachable (its last will and its birth message). */
  @property({ attribute: 'availability-topic' }) availabilityTopic?: string;

  /** The availability payload that says the device is reachable. Default `online`. */
  @property({ attribute: 'payload-available' }) payloadAvailable?: string;

  /** The availability payload that says the device is not reachable. Default `offline`. */
  @property({ attribute: 'payload-not-available' }) payloadNotAvailable?: string;

  readonly #errors = new ErrorReporter(this);
  readonly #problems = new Problems(this.#errors.report);
  readonly #display = new DisplayController(this, this.#problems);
  readonly #device = new LazyDevice(this, this.#problems, this.#display.states);
  readonly #publishes = new PublishController(this, this.#errors, this.#display, this.#device);

  constructor() {
    super();
    for (const type of TRIGGERS) this.addEventListener(type, this.#onEvent);
  }

  /**
   * `idle`; `pending` while the latest publish is queued offline or waits for the broker's
   * acknowledgement (or, with `expect-response`, for the reply; with `state-topic`, for the
   * device's report of the commanded value); `sent` once done (`confirmed` with `state-topic`);
   * `error` when it failed. Reflected: style an unconfirmed control with `mqtt-publish[status="pending"]`.
   */
  get status(): PublishStatus {
    return this.#publishes.status;
  }

  /** False while the availability topic's latest payload is `payload-not-available`; reflected as `unavailable`. */
  get available(): boolean {
    return this.#device.available;
  }

  /** The decoded latest reply (with `expect-response`). */
  get response(): unknown {
    return this.#publishes.response;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#errors.last;
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Report bad settings as soon as they are made, not only at the first click.
    if (changed.has('topic') || changed.has('qos')) {
      try {
        publishTarget(this.topic, this.qos);
      } catch (e) {
        this.#errors.report(e as MqttElementsError);
      }
    }
    this.#display.settingsChanged(changed);
  }

  /**
   * Publishes `payload`, or the fixed `payload` when called without one (with `expect-response`,
   * as a request). Resolves when done (with `state-topic`: confirmed by the device); rejects with
   * the coded error it also dispatches (`not-confirmed`; `publish-failed`, nothing sent, while
   * the device is unavailable).
   */
  async publish(payload: unknown = this.payload): Promise<void> {
    await this.#publishes.send(payload);
  }

  /**
   * MQTT 5: publishes `payload` (or the fixed `payload`) as a request and resolves with the
   * decoded reply. Rejects with `response-timeout`, `unsupported` on MQTT 3.1.1, or `publish-failed`
   * (nothing sent) while the `availability-topic` says the device is unavailable.
   */
  request(payload: unknown = this.payload): Promise<unknown> {
    if (!this.expectResponse) this.expectResponse = true;
    return this.#publishes.send(payload);
  }

  #onEvent = (event: Event): void => {
    const triggered = triggeredPayload(this, event);
    // Errors are reported as `mqtt-error`; nothing may escape from an event handler.
    if (triggered) this.publish(triggered.payload).catch(() => {});
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-publish': MqttPublishElement;
  }
}
