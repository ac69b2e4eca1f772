import { ReactiveElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { plainMessage, type MqttMessage, type ReceivedMessage } from '../../core/message.js';
import { numericSetting } from '../../core/numeric-setting.js';
import type { PayloadFormat } from '../../core/payload.js';
import { decodeFor } from '../../core/payload-formats.js';
import { FormatQueue } from '../../core/format-queue.js';
import { DisplayController } from '../internal/display-controller.js';
import type { SubscriptionStatus } from '../../core/subscriptions.js';
import { MqttElementsError } from '../../errors.js';
import { MqttMessageEvent } from '../../events.js';
import { ErrorReporter } from '../internal/error-reporter.js';
import { defineElement } from '../internal/define-element.js';
import { MessageHistory } from '../internal/message-history.js';
import { writtenSetting } from '../internal/written-setting.js';
import { Problems } from '../internal/problems.js';
import { LazyRows } from './lazy-rows.js';
import { LazyDevice, type DeviceProblem } from '../internal/lazy-device.js';
import { bindValue, SubscribeView } from '../internal/subscribe-view.js';
import { SubscriptionController, type SubscriptionProblem } from '../internal/subscription-controller.js';

export type { MqttMessage } from '../../core/message.js';

/**
 * Subscribes to a topic filter on its connection and shows, binds or emits what arrives.
 *
 * With no element children and no `target`, it renders the latest value as text (objects as
 * JSON, bytes as hex; `decimals` and `labels` format it), or with `history` > 1 the last messages
 * as a list. With `target`, it writes the value into that element's `property` or `attribute`.
 * Payloads are untrusted: only ever text, property or attribute values, never HTML; bindings to
 * `innerHTML`, `outerHTML`, `srcdoc` or `on*` are refused (`unsafe-binding`). Elements on one
 * filter share one broker subscription; a late one is shown the latest messages (as `retained`).
 *
 * @attr {number} level - Read-only, reflected: how many of `thresholds` the latest value is at or above.
 * @attr {boolean} stale - Read-only, reflected (and the custom state `stale`): no message for `stale-after` seconds.
 * @attr {boolean} unavailable - Read-only, reflected (and the custom state `unavailable`): the `availability-topic`'s latest payload is `payload-not-available`.
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

  /**
   * How `value` is decoded: `text` (UTF-8), `json`, `bytes` (Uint8Array), `cbor`, `sparkplug`
   * (Sparkplug B), or a name given to `registerFormat()`. `cbor` and `sparkplug` load their code
   * when set; messages meanwhile are kept and decoded in order once it is there.
   */
  @property() format: PayloadFormat = 'text';

  /** With `json` or `cbor`: a dot path into the payload, e.g. `sensors.0.celsius`; with `sparkplug`, `metrics.NAME` is the value of the metric NAME. */
  @property() path?: string;

  /** CSS selector of the element to write values into, resolved in this element's root node. */
  @property() target?: string;

  /** Property of `target` that receives the value. */
  @property() property = 'textContent';

  /** Attribute of `target` that receives the value, instead of a property. */
  @property() attribute?: string;

  /**
   * How many messages `messages` keeps (a whole number from 1 up); with no children, more than 1
   * renders them as a list. Anything else is a `payload-format` error, and 1 applies meanwhile.
   */
  @property({ type: Number }) history = 1;

  /** Id of an `<mqtt-connection>` to use instead of the nearest ancestor. */
  @property() connection?: string;

  /** MQTT 5: do not receive this client's own publishes. */
  @property({ type: Boolean, attribute: 'no-local' }) noLocal = false;

  /** MQTT 5: keep the retain flag as published. */
  @property({ type: Boolean, attribute: 'retain-as-published' }) retainAsPublished = false;

  /** MQTT 5: retain handling (0: send retained, 1: only for new subscriptions, 2: never). */
  @property({ type: Number, attribute: 'retain-handling' }) retainHandling?: number;

  /** Numbers are shown with exactly this many fraction digits, in the locale of the nearest `lang`. */
  @property({ type: Number }) decimals?: number;

  /** JSON object from value to the text shown for it, e.g. `{"true":"On","false":"Off"}`. */
  @property() labels?: string | Record<string, unknown>;

  /** Ascending numbers separated by whitespace; the element reflects `level`. */
  @property() thresholds?: string;

  /** Seconds without a message after which the element reflects `stale` (attribute and custom state). */
  @property({ type: Number, attribute: 'stale-after' }) staleAfter?: number;

  /** ms: render and bind at most once per period, with the latest value (`mqtt-message` still fires for each). */
  @property({ type: Number }) throttle = 0;

  /**
   * With a `<template>` child (a row per topic): the most rows kept (a whole number from 0 up); the
   * one updated longest ago goes. Anything else is a `payload-format` error, and 100 applies meanwhile.
   */
  @property({ type: Number }) limit = 100;

  /** Topic where the device says whether it is reachable (its last will and its birth message). */
  @property({ attribute: 'availability-topic' }) availabilityTopic?: string;

  /** The availability payload that says the device is reachable. Default `online`. */
  @property({ attribute: 'payload-available' }) payloadAvailable?: string;

  /** The availability payload that says the device is not reachable. Default `offline`. */
  @property({ attribute: 'payload-not-available' }) payloadNotAvailable?: string;

  readonly #errors = new ErrorReporter(this);
  readonly #problems = new Problems<
    SubscriptionProblem | 'binding' | 'payload' | 'value' | 'rows' | 'display' | 'history' | 'limit' | 'staleAfter' | 'throttle' | DeviceProblem
  >(this.#errors.report);
  readonly #subscription = new SubscriptionController(this, this.#problems, {
    message: (message) => this.#receive(message),
    status: () => this.#reflectStatus(),
    error: this.#errors.report,
  });
  readonly #view = new SubscribeView(this);
  readonly #rows = new LazyRows(this);
  readonly #display = new DisplayController(this, this.#problems);
  /** Messages kept while the code of `format` loads. */
  readonly #waiting = new FormatQueue<ReceivedMessage>(
    (message) => this.#receive(message),
    (error) => {
      this.#problems.set('payload', error, true);
      this.requestUpdate();
    },
  );
  readonly #device = new LazyDevice(this, this.#problems, this.#display.states);
  #value: unknown;
  readonly #history = new MessageHistory();
  /** `history` and `limit` as parsed (their defaults while what was written is no number). */
  #keep = 1;
  #limit = 100;
  #unboundValue = false;

  /** `idle`, `pending` (SUBSCRIBE sent), `subscribed` or `error`. Reflected. */
  get status(): SubscriptionStatus {
    return this.#problems.any ? 'error' : this.#subscription.status;
  }

  /** How many of `thresholds` the latest numeric value is at or above; undefined for a non-number. Reflected. */
  get level(): number | undefined {
    return this.#display.level;
  }

  /** False while the `availability-topic`'s latest payload is `payload-not-available`; reflected as `unavailable`. */
  get available(): boolean {
    return this.#device.available;
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
    return this.#errors.last;
  }

  protected override createRenderRoot(): HTMLElement {
    // Values are rendered as light-DOM text: `textContent` reads them, and page styles apply.
    return this;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Before the subscription syncs: a replay while subscribing is kept and rendered with these.
    if (changed.has('history')) this.#keep = this.#count('history', 1, 1);
    if (changed.has('limit')) this.#limit = this.#count('limit', 100, 0);
    if (this.#display.settingsChanged(changed)) this.#unboundValue = true;
    this.#subscription.sync(changed);
    if (this.#display.mayRender()) this.#render();
    this.#reflectStatus();
  }

  /**
   * Runs for every message, possibly many times between two renders: it keeps the state and
   * fires the event, and leaves all DOM work to the one update that follows a burst.
   */
  #receive(received: ReceivedMessage): void {
    if (this.#waiting.hold(received, this.format)) return;
    const result = decodeFor(received.decoder, this.format, this.path);
    const message = plainMessage(received);
    let shown: string | undefined;
    this.#history.add(message, () => (shown ??= result.ok ? this.#display.text(result.value) : received.decoder.text), this.#keep);
    if (result.ok || result.empty) this.#rows.queue(received.topic, { value: result.ok ? result.value : undefined, clear: result.empty }, this.#limit);
    if (result.ok) {
      this.#value = result.value;
      this.#display.received(result.value);
      this.#unboundValue = true;
      if (result.known) this.#problems.set('payload', undefined);
    } else if (!result.empty && !result.absent) {
      this.#problems.set('payload', new MqttElementsError('payload-format', `${received.topic}: ${result.reason}`), true);
    }
    this.dispatchEvent(new MqttMessageEvent({ ...message, value: result.ok ? result.value : undefined }));
    // A replay while subscribing comes during an update, whose render shows it: no second update.
    if (!this.#subscription.syncing) this.requestUpdate();
  }

  #render(): void {
    this.#display.reflectLevel(this, this.#display.level);
    const text = (value: unknown) => this.#display.text(value);
    const template = this.#rows.template;
    if (template) this.#problems.set('rows', this.#rows.render(template, this.#display.rowFormat(), this.#limit));
    if (!this.target) return this.#view.show(this.#history, this.#keep, this.#value, text);
    if (!this.#unboundValue || this.#value === undefined || this.#problems.has('binding')) return;
    const bound = bindValue(this.getRootNode() as Document | ShadowRoot, this.target, this, this.#value, text);
    this.#unboundValue = bound === false;
    this.#problems.set('value', bound instanceof MqttElementsError ? bound : undefined);
  }

  /** Reads the count setting `name` (a whole number from `min` up), reporting a bad one. */
  #count(name: 'history' | 'limit', fallback: number, min: number): number {
    const setting = numericSetting(name, writtenSetting(this, name, this[name]), fallback, { min, whole: true });
    this.#problems.set(name, setting.error);
    return setting.value;
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
