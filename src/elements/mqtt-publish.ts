import { html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { contentsStyle } from './contents-style.js';
import { publishProperties, publishTarget } from '../core/publish.js';
import { isMqttElementsError, MqttElementsError } from '../errors.js';
import { MqttPublishedEvent } from '../events.js';
import { ErrorReporter } from './error-reporter.js';
import { ConnectionController } from './connection-controller.js';
import { controlPayload, formPayload, isFormControl } from './control-payload.js';
import { defineElement } from './define-element.js';

const TRIGGERS = ['click', 'change', 'input', 'submit'] as const;

/** Where `<mqtt-publish>`'s latest publish stands. */
export type PublishStatus = 'idle' | 'pending' | 'sent' | 'error';

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
 * @attr {"idle"|"pending"|"sent"|"error"} status - Read-only, reflected: where the latest publish stands.
 * @summary Publishes from buttons, inputs and forms to an MQTT topic.
 * @slot - The controls that publish: buttons, inputs, selects, textareas, forms.
 * @fires {MqttPublishedEvent} mqtt-published - After a publish completed; detail `{topic, payload}`.
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

  readonly #connections = new ConnectionController(this);
  readonly #errors = new ErrorReporter(this);
  #status: PublishStatus = 'idle';
  /** Counts publishes: only the latest one's outcome sets `status`. */
  #latest = 0;

  constructor() {
    super();
    for (const type of TRIGGERS) this.addEventListener(type, this.#onEvent);
  }

  /**
   * `idle`; `pending` while the latest publish is queued offline or waits for the broker's
   * acknowledgement; `sent` once written (QoS 0) or acknowledged (QoS 1/2); `error` when it failed.
   * Reflected, so a page can style an unconfirmed control: `mqtt-publish[status="pending"]`.
   */
  get status(): PublishStatus {
    return this.#status;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#errors.last;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#setStatus(this.#status);
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
  }

  /**
   * Publishes `payload`, or the fixed `payload` when called without one. Resolves when the
   * publish completed; rejects with the coded error it also dispatches as `mqtt-error`.
   */
  async publish(payload: unknown = this.payload): Promise<void> {
    const topic = this.topic;
    const publish = ++this.#latest;
    try {
      // Core's rule, asked before the first await so that a click's error is reported at once.
      publishTarget(topic, this.qos);
      const connection = this.#connections.value;
      if (!connection) {
        throw new MqttElementsError('no-connection', 'this <mqtt-publish> has no <mqtt-connection> to publish through');
      }
      const properties = publishProperties(this);
      this.#setStatus('pending');
      const sent = await connection.publish(topic, payload, { qos: this.qos, retain: this.retain, ...(properties ? { properties } : {}) });
      if (publish === this.#latest) this.#setStatus('sent');
      this.dispatchEvent(new MqttPublishedEvent({ topic, payload: sent }));
    } catch (e) {
      if (publish === this.#latest) this.#setStatus('error');
      const error = isMqttElementsError(e)
        ? e
        : new MqttElementsError('publish-failed', `publish to "${topic}" failed: ${(e as Error)?.message ?? e}`, { cause: e });
      this.#errors.report(error);
      throw error;
    }
  }

  #setStatus(status: PublishStatus): void {
    this.#status = status;
    if (this.getAttribute('status') !== status) this.setAttribute('status', status);
  }

  #onEvent = (event: Event): void => {
    const source = event.target;
    if (!(source instanceof Element) || source === this) return;
    const form = source instanceof HTMLFormElement ? source : source.closest('form');
    const inForm = form !== null && this.contains(form);
    if (!this.#triggers(event, source, inForm)) return;
    let payload = this.payload;
    if (event.type === 'submit' && source instanceof HTMLFormElement) {
      event.preventDefault();
      if (payload === undefined || payload === null) payload = formPayload(source, (event as SubmitEvent).submitter);
    } else if (payload === undefined || payload === null) {
      payload = controlPayload(this.#controlOf(source));
    }
    // Errors are reported as `mqtt-error`; nothing may escape from an event handler.
    this.publish(payload).catch(() => {});
  };

  #triggers(event: Event, source: Element, inForm: boolean): boolean {
    if (this.trigger) return event.type === this.trigger;
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

  /** The control an event is about: a click on an icon inside a button is the button's. */
  #controlOf(source: Element): Element {
    return source.closest('button, input, select, textarea') ?? source;
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-publish': MqttPublishElement;
  }
}
