import { ReactiveElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { bindingError } from '../core/binding.js';
import { plainMessage, type MqttMessage, type ReceivedMessage } from '../core/message.js';
import { displayText, formatError, isPayloadFormat, type PayloadFormat } from '../core/payload.js';
import type { SubscriptionStatus } from '../core/subscriptions.js';
import { MqttElementsError } from '../errors.js';
import { MqttErrorEvent, MqttMessageEvent } from '../events.js';
import { defineElement } from './define-element.js';
import { keepOf, MessageHistory } from './message-history.js';
import { Problems } from './problems.js';
import { bindValue, SubscribeView } from './subscribe-view.js';
import { SubscriptionController, type SubscriptionProblem } from './subscription-controller.js';

export type { MqttMessage } from '../core/message.js';

/**
 * Subscribes to a topic filter on its connection and shows, binds or emits what arrives.
 *
 * With no element children and no `target`, it renders the latest value as text (objects as
 * JSON, bytes as hex), or with `history` > 1 the last messages as a list; any text inside it
 * stands until the first message arrives. With `target`, it writes the value into that element's
 * `property` (default `textContent`) or `attribute` instead. Payloads are untrusted: they are only
 * ever written as text, property values or attribute values, never parsed as HTML, and bindings
 * to `innerHTML`, `outerHTML`, `srcdoc` or any `on*` name are refused (`unsafe-binding`).
 *
 * Several elements on one filter share one broker subscription; a late one is shown the latest
 * message the others already had (marked `retained`).
 *
 * @customElement mqtt-subscribe
 * @attr {"idle"|"pending"|"subscribed"|"error"} status - Read-only, reflected: the subscription status.
 * @summary Live values from an MQTT topic filter.
 * @slot - Optional. Text: a placeholder, replaced by the first value. Elements: the author's own
 *   content, left alone (the value then goes only to `target`, `value` and the events).
 * @fires {MqttMessageEvent} mqtt-message - For every message matching the filter; detail `{topic, payload, value, retained, qos, receivedAt, properties?}`.
 * @fires {MqttErrorEvent} mqtt-error - On bad input, a refused subscription or an undecodable payload; detail `{error}`.
 */
export class MqttSubscribeElement extends ReactiveElement {
  /** Registers this class as `tag` (once; a second load of the package is harmless). */
  static define(tag = 'mqtt-subscribe', registry: CustomElementRegistry = customElements): void {
    defineElement(tag, this, registry);
  }

  /** Topic filter; `+` and `#` wildcards allowed. */
  @property() topic = '';

  /** QoS to subscribe with: 0, 1 or 2. */
  @property() qos: string | number = 0;

  /** How `value` is decoded: `text` (UTF-8), `json` or `bytes` (Uint8Array). */
  @property() format: PayloadFormat = 'text';

  /** With `json`: a dot path into the payload, e.g. `sensors.0.celsius`. */
  @property() path?: string;

  /** CSS selector of the element to write values into, resolved in this element's root node. */
  @property() target?: string;

  /** Property of `target` that receives the value. */
  @property() property = 'textContent';

  /** Attribute of `target` that receives the value, instead of a property. */
  @property() attribute?: string;

  /** How many messages `messages` keeps; with no children, more than 1 renders them as a list. */
  @property({ type: Number }) history = 1;

  /** Id of an `<mqtt-connection>` to use instead of the nearest ancestor. */
  @property() connection?: string;

  /** MQTT 5: do not receive this client's own publishes. */
  @property({ type: Boolean, attribute: 'no-local' }) noLocal = false;

  /** MQTT 5: keep the retain flag as published. */
  @property({ type: Boolean, attribute: 'retain-as-published' }) retainAsPublished = false;

  /** MQTT 5: retain handling (0: send retained, 1: only for new subscriptions, 2: never). */
  @property({ type: Number, attribute: 'retain-handling' }) retainHandling?: number;

  readonly #problems = new Problems<SubscriptionProblem | 'binding' | 'payload' | 'value'>((e) => this.#report(e));
  readonly #subscription = new SubscriptionController(this, this.#problems, {
    message: (message) => this.#receive(message),
    status: () => this.#reflectStatus(),
    error: (error) => this.#report(error),
  });
  readonly #view = new SubscribeView(this);
  #inUpdate = false;
  #error?: MqttElementsError;
  #value: unknown;
  readonly #history = new MessageHistory();
  #unboundValue = false;

  /** `idle`, `pending` (SUBSCRIBE sent), `subscribed` or `error`. Reflected. */
  get status(): SubscriptionStatus {
    return this.#problems.any ? 'error' : this.#subscription.status;
  }

  /** The decoded latest value. */
  get value(): unknown {
    return this.#value;
  }

  /** The latest message. */
  get message(): MqttMessage | undefined {
    return this.#history.latest;
  }

  /** The last `history` messages, oldest first. */
  get messages(): readonly MqttMessage[] {
    return this.#history.messages;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#error;
  }

  protected override createRenderRoot(): HTMLElement {
    // Values are rendered as light-DOM text: `textContent` reads them, and page styles apply.
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectStatus();
    this.requestUpdate();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('property') || changed.has('attribute') || changed.has('target')) {
      this.#problems.set('binding', bindingError(this.target, this.attribute, this.property));
      this.#unboundValue = true;
    }
    if (changed.has('format')) this.#problems.set('payload', formatError(this.format), true);
    // Subscribing to a filter another element already holds replays its latest message at once;
    // the #render below shows it, so that message must not schedule a second update.
    this.#inUpdate = true;
    try {
      this.#subscription.sync(changed);
    } finally {
      this.#inUpdate = false;
    }
    this.#render();
    this.#reflectStatus();
  }

  /**
   * Runs for every message, possibly many times between two renders: it keeps the state and
   * fires the event, and leaves all DOM work to the one update that follows a burst.
   */
  #receive(received: ReceivedMessage): void {
    const known = isPayloadFormat(this.format);
    const format = known ? this.format : 'text';
    const result = received.decoder.decode(format, format === 'json' ? this.path : undefined);
    const message = plainMessage(received);
    let shown: string | undefined;
    this.#history.add(message, () => (shown ??= result.ok ? displayText(result.value) : received.decoder.text), keepOf(this.history));
    if (result.ok) {
      this.#value = result.value;
      this.#unboundValue = true;
      if (known) this.#problems.set('payload', undefined);
    } else {
      this.#problems.set('payload', new MqttElementsError('payload-format', `${received.topic}: ${result.reason}`), true);
    }
    this.dispatchEvent(new MqttMessageEvent({ ...message, value: result.ok ? result.value : undefined }));
    if (!this.#inUpdate) this.requestUpdate();
  }

  #render(): void {
    if (this.target) {
      if (this.#unboundValue && this.#value !== undefined && !this.#problems.has('binding')) {
        const root = this.getRootNode() as Document | ShadowRoot;
        const bound = bindValue(root, this.target, this, this.#value);
        this.#unboundValue = bound === false;
        this.#problems.set('value', bound instanceof MqttElementsError ? bound : undefined);
      }
      return;
    }
    if (this.#history.received === 0 || this.#view.hasAuthorContent) return;
    const keep = keepOf(this.history);
    if (keep > 1) this.#view.showList(this.#history.displays, this.#history.received, keep);
    else this.#view.showText(displayText(this.#value));
  }

  #report(error: MqttElementsError): void {
    this.#error = error;
    this.dispatchEvent(new MqttErrorEvent({ error }));
  }

  #reflectStatus(): void {
    if (this.getAttribute('status') !== this.status) this.setAttribute('status', this.status);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-subscribe': MqttSubscribeElement;
  }
}
