import { ContextProvider } from '@lit/context';
import { html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { contentsStyle } from '../internal/contents-style.js';
import type { IClientOptions, MqttClient } from 'mqtt';
import { mqttContext } from '../../context.js';
import { MqttConnection, type ConnectionStatus, type CredentialsProvider, type PublishOptions } from '../../core/connection.js';
import { SETTING_KEYS, type ConnectionConfig, type SettingKey } from '../../core/settings.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import type { ReceivedMessage } from '../../core/message.js';
import type { SubscribeOptions } from '../../core/subscriptions.js';
import { MqttElementsError } from '../../errors.js';
import { defineElement } from '../internal/define-element.js';


/**
 * Owns one MQTT.js client and shares it with every `<mqtt-subscribe>` and `<mqtt-publish>`
 * inside it (or naming it with `connection="id"`).
 *
 * Connects when attached to the document (unless `manual`) and ends the client when removed;
 * a DOM move (remove and re-insert in the same task) keeps the connection. Changing `url`,
 * `client-id`, `username`, `password`, `credentials` or `protocol-version` on a live connection
 * reconnects with a new client, and every descendant's subscriptions are restored on it. Other
 * settings take effect at the next connect.
 *
 * @customElement mqtt-connection
 * @attr {"idle"|"connecting"|"connected"|"reconnecting"|"offline"|"closed"|"error"} status - Read-only, reflected: the connection status.
 * @summary An MQTT-over-WebSocket connection shared by the elements inside it.
 * @slot - Any content, including the MQTT elements that use this connection.
 * @fires {MqttStatusEvent} mqtt-status - On every status change; detail `{status, error?}`.
 * @fires {MqttConnectEvent} mqtt-connect - On each successful connect and reconnect; detail `{connack}`.
 * @fires {MqttErrorEvent} mqtt-error - When connecting fails or settings are invalid; detail `{error}`.
 */
export class MqttConnectionElement extends LitElement {
  static override styles = contentsStyle;

  /** Registers this class as `tag` (once; a second load of the package is harmless). */
  static define(tag = 'mqtt-connection', registry: CustomElementRegistry = customElements): void {
    defineElement(tag, this, registry);
  }

  /** Broker URL: `ws://` or `wss://`, or a path starting with `/` resolved against the page. */
  @property() url = '';

  /** MQTT client identifier. Default: `mqtt-elements_` and 8 random hex digits, fixed for this element's life. */
  @property({ attribute: 'client-id' }) clientId?: string;

  /** User name sent in CONNECT. */
  @property() username?: string;

  /** Password sent in CONNECT. Set as a property it is never reflected to an attribute. */
  @property() password?: string;

  /** Keep-alive interval in seconds. */
  @property({ type: Number }) keepalive = 60;

  /**
   * Ask the broker to keep the session (MQTT.js `clean: false`): subscriptions and queued QoS 1/2
   * messages survive a disconnect. Needs a fixed `client-id`.
   */
  @property({ type: Boolean, attribute: 'persistent-session' }) persistentSession = false;

  /** MQTT protocol version: 4 (MQTT 3.1.1) or 5. */
  @property({ type: Number, attribute: 'protocol-version' }) protocolVersion = 4;

  /** Milliseconds before the first reconnect attempt (0 disables reconnecting); later ones back off. */
  @property({ type: Number, attribute: 'reconnect-period' }) reconnectPeriod = 1000;

  /** Milliseconds: the longest delay between reconnect attempts (each failed one doubles the bound, with full jitter). */
  @property({ type: Number, attribute: 'reconnect-max' }) reconnectMax = 30000;

  /** Milliseconds to wait for CONNACK. */
  @property({ type: Number, attribute: 'connect-timeout' }) connectTimeout = 30000;

  /** Last will: topic. */
  @property({ attribute: 'will-topic' }) willTopic?: string;

  /** Last will: payload (text). */
  @property({ attribute: 'will-payload' }) willPayload?: string;

  /** Last will: QoS (0, 1 or 2). */
  @property({ attribute: 'will-qos' }) willQos?: string | number;

  /** Last will: retain flag. */
  @property({ type: Boolean, attribute: 'will-retain' }) willRetain = false;

  /** MQTT 5: session expiry interval in seconds. */
  @property({ type: Number, attribute: 'session-expiry' }) sessionExpiry?: number;

  /** MQTT 5: receive maximum. */
  @property({ type: Number, attribute: 'receive-maximum' }) receiveMaximum?: number;

  /**
   * One broker connection for every tab and window of this origin that declares the same `url`,
   * `client-id` and `username`: one tab, elected with a Web Lock, holds it for the others.
   */
  @property({ type: Boolean }) shared = false;

  /**
   * Where QoS 1/2 messages in flight are kept: `memory`, or `indexeddb`, which survives a reload,
   * a crash or a closed tab (needs a fixed `client-id`); kept per URL, client id and username, so
   * messages queued under one login never go out under another.
   */
  @property() store: 'memory' | 'indexeddb' = 'memory';

  /** Do not connect until `connect()` is called. */
  @property({ type: Boolean }) manual = false;

  /** MQTT.js `IClientOptions` merged over the attributes (the escape hatch). */
  @property({ attribute: false }) options: IClientOptions = {};

  /** Async function returning `{username?, password?}`, awaited before every connect and reconnect. */
  @property({ attribute: false }) credentials?: CredentialsProvider;

  readonly #connection = new MqttConnection();
  readonly #lifecycle = new ConnectionLifecycle(this, this.#connection, () => this.#applyConfig());

  constructor() {
    super();
    new ContextProvider(this, { context: mqttContext, initialValue: this.#connection });
  }

  /** Status: `idle`, `connecting`, `connected`, `reconnecting`, `offline`, `closed` or `error`. Reflected. */
  get status(): ConnectionStatus {
    return this.#connection.status;
  }

  /** The MQTT.js client, once created. */
  get client(): MqttClient | undefined {
    return this.#connection.client;
  }

  /** The broker URL of the current or last attempt (with several in `url`, the one in use). */
  get activeUrl(): string | undefined {
    return this.#connection.activeUrl;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#connection.error;
  }

  /** The connection object shared with descendants (stable for this element's life). */
  get connection(): MqttConnection {
    return this.#connection;
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#lifecycle.updated(changed);
  }

  /** Connects (again), with a new client; also retries after `not-authorized`. */
  connect(): void {
    this.#lifecycle.connect();
  }

  /**
   * Ends the client; resolves once it is closed. It stays closed (through attribute changes and
   * re-insertion too) until `connect()` is called.
   */
  disconnect(): Promise<void> {
    return this.#lifecycle.disconnect();
  }

  /**
   * Publishes `payload` (string, bytes, or any value as JSON). Resolves when the broker
   * acknowledged QoS 1/2, or when QoS 0 was written; rejects with a coded error.
   */
  async publish(topic: string, payload: unknown, options?: PublishOptions): Promise<void> {
    await this.#connection.publish(topic, payload, options);
  }

  /**
   * Subscribes to `filter` (refcounted with every other user of it on this connection) and
   * returns the function that releases it. Throws `invalid-topic` or `invalid-qos`.
   */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    return this.#connection.subscribe(filter, options, onMessage);
  }

  #applyConfig(): void {
    const config = { url: this.url } as ConnectionConfig;
    // Type-checked: the element declares a property for every setting in the list.
    for (const key of SETTING_KEYS) (config as Record<SettingKey, unknown>)[key] = this[key];
    this.#connection.config = config;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-connection': MqttConnectionElement;
  }
}
