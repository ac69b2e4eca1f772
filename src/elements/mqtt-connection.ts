import { ContextProvider } from '@lit/context';
import { html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { contentsStyle } from './contents-style.js';
import type { IClientOptions, MqttClient } from 'mqtt';
import { mqttContext } from '../context.js';
import { MqttConnection, type ConnectionStatus, type CredentialsProvider, type PublishOptions } from '../core/connection.js';
import type { ReceivedMessage } from '../core/message.js';
import type { SubscribeOptions } from '../core/subscriptions.js';
import { MqttElementsError } from '../errors.js';
import { MqttConnectEvent, MqttErrorEvent, MqttStatusEvent } from '../events.js';
import { defineElement } from './define-element.js';

/** Properties whose change on a live connection means a new client (SPEC: reconnects). */
const IDENTITY = ['url', 'clientId', 'username', 'password', 'protocolVersion', 'credentials'] as const;

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

  /** Milliseconds between reconnect attempts; 0 disables reconnecting. */
  @property({ type: Number, attribute: 'reconnect-period' }) reconnectPeriod = 1000;

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

  /** Do not connect until `connect()` is called. */
  @property({ type: Boolean }) manual = false;

  /** MQTT.js `IClientOptions` merged over the attributes (the escape hatch). */
  @property({ attribute: false }) options: IClientOptions = {};

  /** Async function returning `{username?, password?}`, awaited before every connect and reconnect. */
  @property({ attribute: false }) credentials?: CredentialsProvider;

  readonly #connection = new MqttConnection();
  /**
   * `idle`: not connected yet, connects when attached (unless `manual`); `started`: connect()
   * ran; `stopped`: disconnect() ran, so it stays closed, whatever changes, until connect() does.
   */
  #phase: 'idle' | 'started' | 'stopped' = 'idle';
  #teardown?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    new ContextProvider(this, { context: mqttContext, initialValue: this.#connection });
    this.#connection.listen({
      status: (status, error) => {
        this.setAttribute('status', status);
        this.dispatchEvent(new MqttStatusEvent(error ? { status, error } : { status }));
      },
      connect: (connack) => this.dispatchEvent(new MqttConnectEvent({ connack })),
      error: (error) => this.dispatchEvent(new MqttErrorEvent({ error })),
    });
  }

  /** Status: `idle`, `connecting`, `connected`, `reconnecting`, `offline`, `closed` or `error`. Reflected. */
  get status(): ConnectionStatus {
    return this.#connection.status;
  }

  /** The MQTT.js client, once created. */
  get client(): MqttClient | undefined {
    return this.#connection.client;
  }

  /** The last error (an `Error` with a stable `code`). */
  get error(): MqttElementsError | undefined {
    return this.#connection.error;
  }

  /** The connection object shared with descendants (stable for this element's life). */
  get connection(): MqttConnection {
    return this.#connection;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.#teardown);
    this.#teardown = undefined;
    if (!this.hasAttribute('status')) this.setAttribute('status', this.status);
    // Re-inserted after a removal that ended the client: connect again.
    if (this.#phase !== 'started' && this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move is a remove and a re-insert in the same task: only a removal that lasts ends the client.
    this.#teardown = setTimeout(() => {
      this.#teardown = undefined;
      if (this.isConnected) return;
      if (this.#phase === 'started') this.#phase = 'idle';
      void this.#connection.disconnect();
    });
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#applyConfig();
    const identityChanged = IDENTITY.some((key) => changed.has(key));
    if (this.#phase !== 'started') {
      if (this.#phase === 'idle' && !this.manual && this.isConnected) this.connect();
    } else if (identityChanged || (this.#refused() && [...changed.keys()].some((key) => key !== 'options'))) {
      // Refused credentials stop all attempts until an attribute changes (SPEC): any of them.
      this.connect();
    }
  }

  #refused(): boolean {
    return this.status === 'error' && this.#connection.error?.code === 'not-authorized';
  }

  /** Connects (again), with a new client; also retries after `not-authorized`. */
  connect(): void {
    this.#applyConfig();
    this.#phase = 'started';
    this.#connection.connect();
  }

  /**
   * Ends the client; resolves once it is closed. It stays closed (through attribute changes and
   * re-insertion too) until `connect()` is called.
   */
  disconnect(): Promise<void> {
    this.#phase = 'stopped';
    return this.#connection.disconnect();
  }

  /**
   * Publishes `payload` (string, bytes, or any value as JSON). Resolves when the broker
   * acknowledged QoS 1/2, or when QoS 0 was written; rejects with a coded error.
   */
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<void> {
    return this.#connection.publish(topic, payload, options);
  }

  /**
   * Subscribes to `filter` (refcounted with every other user of it on this connection) and
   * returns the function that releases it. Throws `invalid-topic` or `invalid-qos`.
   */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    return this.#connection.subscribe(filter, options, onMessage);
  }

  #applyConfig(): void {
    this.#connection.credentials = this.credentials;
    this.#connection.config = {
      url: this.url,
      clientId: this.clientId,
      username: this.username,
      password: this.password,
      keepalive: this.keepalive,
      persistentSession: this.persistentSession,
      protocolVersion: this.protocolVersion,
      reconnectPeriod: this.reconnectPeriod,
      connectTimeout: this.connectTimeout,
      willTopic: this.willTopic,
      willPayload: this.willPayload,
      willQos: this.willQos,
      willRetain: this.willRetain,
      sessionExpiry: this.sessionExpiry,
      receiveMaximum: this.receiveMaximum,
      options: this.options,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mqtt-connection': MqttConnectionElement;
  }
}
