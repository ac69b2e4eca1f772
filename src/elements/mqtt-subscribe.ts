import { ReactiveElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { IPublishPacket } from 'mqtt';
import { attributeValue, propertyValue, unsafeBindingReason, unsafeValueReason } from '../core/binding.js';
import type { MqttConnection } from '../core/connection.js';
import type { ReceivedMessage } from '../core/message.js';
import { parseQos, type QoS } from '../core/options.js';
import { displayText, isPayloadFormat, type PayloadFormat } from '../core/payload.js';
import type { SubscriptionStatus } from '../core/subscriptions.js';
import { topicFilterError } from '../core/topic.js';
import { MqttElementsError } from '../errors.js';
import { MqttErrorEvent, MqttMessageEvent, type MqttMessageDetail } from '../events.js';
import { ConnectionController } from './connection-controller.js';
import { defineElement } from './define-element.js';

/** A received message as `<mqtt-subscribe>` exposes it. */
export interface MqttMessage {
  topic: string;
  payload: Uint8Array;
  retained: boolean;
  qos: QoS;
  properties?: IPublishPacket['properties'];
}

/** Problems the element itself found, each cleared by its own fix. */
type Problem = 'config' | 'binding' | 'payload' | 'connection' | 'value';

/** The properties the broker subscription is made of (with the connection). */
const SUBSCRIPTION_PROPERTIES = ['topic', 'qos', 'noLocal', 'retainAsPublished', 'retainHandling'] as const;

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
 * @fires {MqttMessageEvent} mqtt-message - For every message matching the filter; detail `{topic, payload, value, retained, qos, properties?}`.
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

  readonly #connections = new ConnectionController(this);
  #release?: () => void;
  /** The subscription properties as a key, rebuilt only when one of them changed. */
  #configKey?: string;
  #subscribedKey?: string;
  #subscribedFilter?: string;
  #subscribedTo?: MqttConnection;
  #subscriptionStatus: SubscriptionStatus = 'idle';
  #inUpdate = false;
  #problems = new Map<Problem, MqttElementsError>();
  #error?: MqttElementsError;
  #value: unknown;
  #message?: MqttMessage;
  #messages: MqttMessage[] = [];
  /** What the list shows for each of `#messages`: made when first rendered, not per message. */
  #displays: Array<() => string> = [];
  #list?: HTMLUListElement;
  #unboundValue = false;
  #releaseTimer?: ReturnType<typeof setTimeout>;

  /** `idle`, `pending` (SUBSCRIBE sent), `subscribed` or `error`. Reflected. */
  get status(): SubscriptionStatus {
    return this.#problems.size > 0 || this.#subscriptionStatus === 'error' ? 'error' : this.#subscriptionStatus;
  }

  /** The decoded latest value. */
  get value(): unknown {
    return this.#value;
  }

  /** The latest message. */
  get message(): MqttMessage | undefined {
    return this.#message;
  }

  /** The last `history` messages, oldest first. */
  get messages(): readonly MqttMessage[] {
    return this.#messages;
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
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    this.#reflectStatus();
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A DOM move is a remove and a re-insert in the same task. Releasing at once would send
    // UNSUBSCRIBE before the re-insert's update (a later microtask) subscribes again, and the
    // re-subscription would replay the latest message: only a removal that lasts a task lets go.
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined;
      if (!this.isConnected) this.#unsubscribe();
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#checkConfig(changed);
    // Subscribing to a filter another element already holds replays its latest message at once;
    // the #render below shows it, so that message must not schedule a second update.
    this.#inUpdate = true;
    try {
      this.#syncSubscription(changed);
    } finally {
      this.#inUpdate = false;
    }
    this.#render(changed);
    this.#reflectStatus();
  }

  #checkConfig(changed: PropertyValues<this>): void {
    if (changed.has('property') || changed.has('attribute') || changed.has('target')) {
      // The sink #bind() writes to: an empty `attribute` falls back to `property`, so `??` here
      // would let `attribute="" property="innerHTML"` through unchecked.
      const reason = this.target ? unsafeBindingReason(this.attribute || this.property) : undefined;
      this.#setProblem('binding', reason ? new MqttElementsError('unsafe-binding', reason) : undefined);
      this.#unboundValue = true;
    }
    if (changed.has('format') && !isPayloadFormat(this.format)) {
      this.#setProblem(
        'payload',
        new MqttElementsError('payload-format', `format must be text, json or bytes, not "${this.format}"; using text`),
      );
    }
  }

  #syncSubscription(changed: PropertyValues<this>): void {
    // Most updates are a message's: they change none of these, and need no key built. Kept up to
    // date while detached too: a change then must still count when the element comes back.
    if (this.#configKey === undefined || SUBSCRIPTION_PROPERTIES.some((name) => changed.has(name))) {
      this.#configKey = JSON.stringify([this.topic, String(this.qos), this.noLocal, this.retainAsPublished, this.retainHandling]);
    }
    if (!this.isConnected) return;
    const connection = this.#connections.value;
    const key = this.#configKey;
    if (connection === this.#subscribedTo && key === this.#subscribedKey && (this.#release || this.#problems.has('config'))) {
      this.#setProblem('connection', connection ? undefined : this.#connections.missing);
      return;
    }
    // Only the QoS or options changed: the element already shows the latest messages.
    const sameFilter = this.#release !== undefined && connection === this.#subscribedTo && this.#subscribedFilter === this.topic;
    this.#unsubscribe();
    this.#subscribedKey = key;
    this.#subscribedFilter = this.topic;
    this.#subscribedTo = connection;
    let qos: QoS;
    try {
      const reason = topicFilterError(this.topic);
      if (reason) throw new MqttElementsError('invalid-topic', reason);
      qos = parseQos(this.qos);
      this.#setProblem('config', undefined);
    } catch (e) {
      this.#setProblem('config', e as MqttElementsError);
      return;
    }
    this.#setProblem('connection', connection ? undefined : this.#connections.missing);
    if (!connection) return;
    const rh = this.retainHandling;
    this.#release = connection.subscribe(
      this.topic,
      {
        qos,
        replay: !sameFilter,
        ...(this.noLocal ? { nl: true } : {}),
        ...(this.retainAsPublished ? { rap: true } : {}),
        ...(rh === 0 || rh === 1 || rh === 2 ? { rh } : {}),
        onStatus: (status, error) => {
          this.#subscriptionStatus = status;
          if (error) this.#report(error);
          this.#reflectStatus();
        },
      },
      (message) => this.#receive(message),
    );
  }

  #unsubscribe(): void {
    this.#release?.();
    this.#release = undefined;
    this.#subscribedKey = undefined;
    this.#subscribedTo = undefined;
    this.#subscriptionStatus = 'idle';
  }

  /**
   * Runs for every message, possibly many times between two renders: it keeps the state and
   * fires the event, and leaves all DOM work to the one update that follows a burst.
   */
  #receive(received: ReceivedMessage): void {
    const requested = this.format;
    const known = isPayloadFormat(requested);
    const format = known ? requested : 'text';
    const result = received.decoder.decode(format, format === 'json' ? this.path : undefined);
    const message: MqttMessage = {
      topic: received.topic,
      payload: received.payload,
      retained: received.retained,
      qos: received.qos,
    };
    if (received.properties) message.properties = received.properties;
    const keep = this.#keep();
    let shown: string | undefined;
    const display = () => (shown ??= result.ok ? displayText(result.value) : received.decoder.text);
    this.#message = message;
    if (keep === 1) {
      // The common case: no copies of the history.
      this.#messages = [message];
      this.#displays = [display];
    } else {
      this.#messages = [...this.#messages, message].slice(-keep);
      this.#displays = [...this.#displays, display].slice(-keep);
    }
    if (result.ok) {
      this.#value = result.value;
      this.#unboundValue = true;
      if (known) this.#setProblem('payload', undefined);
    } else {
      this.#setProblem('payload', new MqttElementsError('payload-format', `${received.topic}: ${result.reason}`));
    }
    const detail: MqttMessageDetail = {
      topic: message.topic,
      payload: message.payload,
      value: result.ok ? result.value : undefined,
      retained: message.retained,
      qos: message.qos,
    };
    if (message.properties) detail.properties = message.properties;
    this.dispatchEvent(new MqttMessageEvent(detail));
    if (!this.#inUpdate) this.requestUpdate();
  }

  /** How many messages `messages` keeps: `history`, at least 1. */
  #keep(): number {
    return Math.max(1, Math.floor(Number(this.history)) || 1);
  }

  #render(changed: PropertyValues<this>): void {
    if (this.target) {
      if (this.#unboundValue || changed.has('target')) this.#bind();
      return;
    }
    if (this.#message === undefined) return;
    // Content the page author put inside is theirs: only bindings and events then.
    for (let child = this.firstElementChild; child; child = child.nextElementSibling) {
      if (child !== this.#list) return;
    }
    const keep = this.#keep();
    if (keep > 1) {
      const list = (this.#list ??= document.createElement('ul'));
      list.replaceChildren(
        ...this.#displays.map((display) => {
          const item = document.createElement('li');
          item.textContent = display();
          return item;
        }),
      );
      if (this.firstChild !== list || this.childNodes.length > 1) this.replaceChildren(list);
    } else {
      this.#list = undefined;
      this.#showText(displayText(this.#value));
    }
  }

  /**
   * Shows `text` as the element's only content. Replaced, not rewritten in place: setting the
   * text node's `data` instead measured three times the cost per message on a page of 10,000
   * inline elements (BENCHMARKS.md, P2); Blink seems to redo the whole line's text at once then.
   */
  #showText(text: string): void {
    const first = this.firstChild;
    if (first !== null && first === this.lastChild && first.nodeType === 3 /* Node.TEXT_NODE */ && (first as Text).data === text) {
      return;
    }
    this.textContent = text;
  }

  #bind(): void {
    if (this.#value === undefined || this.#problems.has('binding')) return;
    const root = this.getRootNode() as Document | ShadowRoot;
    let target: Element | null;
    try {
      target = root.querySelector(this.target!);
    } catch {
      return;
    }
    if (!target) return;
    this.#unboundValue = false;
    const reason = unsafeValueReason(this.attribute || this.property, this.#value);
    this.#setProblem('value', reason ? new MqttElementsError('unsafe-binding', reason) : undefined);
    if (reason) return;
    if (this.attribute) {
      const text = attributeValue(this.#value);
      if (text === null) target.removeAttribute(this.attribute);
      else target.setAttribute(this.attribute, text);
    } else {
      (target as unknown as Record<string, unknown>)[this.property] = propertyValue(this.property, this.#value);
    }
  }

  #setProblem(kind: Problem, error: MqttElementsError | undefined): void {
    const had = this.#problems.get(kind);
    if (!error) {
      this.#problems.delete(kind);
      return;
    }
    this.#problems.set(kind, error);
    if (had?.message !== error.message || kind === 'payload') this.#report(error);
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
