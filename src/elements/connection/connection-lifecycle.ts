import type { ReactiveController, ReactiveElement } from 'lit';
import type { MqttConnection } from '../../core/connection.js';
import { RECONNECTING_SETTINGS, type ConnectionConfig, type SettingKey } from '../../core/settings.js';
import { MqttConnectEvent, MqttErrorEvent, MqttStatusEvent } from '../../events.js';

/** The element a lifecycle drives: `<mqtt-connection>`. */
export interface LifecycleHost extends ReactiveElement {
  manual: boolean;
}

/**
 * When `<mqtt-connection>`'s connection connects and ends: at attach (unless `manual`), on a
 * change of a setting that names another broker or identity, on any change after refused
 * credentials, and at a removal that lasts (a DOM move, remove and re-insert in one task, keeps
 * the connection). Also relays the connection's status, connects and errors as the host's
 * reflected `status` and its events, and asks for an attempt at once when the browser comes back
 * online or the page becomes visible (README, `<mqtt-connection>`: Reconnects).
 */
export class ConnectionLifecycle implements ReactiveController {
  readonly #host: LifecycleHost;
  readonly #connection: MqttConnection;
  readonly #applyConfig: () => void;
  /**
   * `idle`: not connected yet, connects when attached (unless `manual`); `started`: connect()
   * ran; `stopped`: disconnect() ran, so it stays closed, whatever changes, until connect() does.
   */
  #phase: 'idle' | 'started' | 'stopped' = 'idle';
  #teardown?: ReturnType<typeof setTimeout>;
  /** The config the last connect() used. */
  #usedConfig?: ConnectionConfig;

  /** @param applyConfig copies the host's settings into `connection.config`. */
  constructor(host: LifecycleHost, connection: MqttConnection, applyConfig: () => void) {
    this.#host = host;
    this.#connection = connection;
    this.#applyConfig = applyConfig;
    host.addController(this);
    connection.listen({
      status: (status, error) => {
        host.setAttribute('status', status);
        host.dispatchEvent(new MqttStatusEvent(error ? { status, error } : { status }));
      },
      connect: (connack) => host.dispatchEvent(new MqttConnectEvent({ connack })),
      error: (error) => host.dispatchEvent(new MqttErrorEvent({ error })),
    });
  }

  /**
   * The browser is back online, or the page visible or resumed: a connection waiting to retry
   * tries now. Online and resumed count in a hidden tab too: a dashboard left in the background
   * should be connected when its user comes back.
   */
  readonly #wake = (event: Event): void => {
    if (event.type === 'visibilitychange' && globalThis.document?.visibilityState === 'hidden') return;
    this.#connection.retryNow();
  };

  /** Back in a document: a pending teardown (a DOM move) is cancelled; ended before, connect again. */
  hostConnected(): void {
    globalThis.addEventListener?.('online', this.#wake);
    globalThis.document?.addEventListener('visibilitychange', this.#wake);
    // Chromium's Page Lifecycle: a page frozen in the background is resumed without becoming visible.
    globalThis.document?.addEventListener('resume', this.#wake);
    clearTimeout(this.#teardown);
    this.#teardown = undefined;
    if (!this.#host.hasAttribute('status')) this.#host.setAttribute('status', this.#connection.status);
    if (this.#phase !== 'started' && this.#host.hasUpdated) this.#host.requestUpdate();
  }

  /** A move is a remove and a re-insert in the same task: only a removal that lasts ends the client. */
  hostDisconnected(): void {
    globalThis.removeEventListener?.('online', this.#wake);
    globalThis.document?.removeEventListener('visibilitychange', this.#wake);
    globalThis.document?.removeEventListener('resume', this.#wake);
    this.#teardown = setTimeout(() => {
      this.#teardown = undefined;
      if (this.#host.isConnected) return;
      if (this.#phase === 'started') this.#phase = 'idle';
      void this.#connection.disconnect();
    });
  }

  /** After each host update: connect, or reconnect when a setting that needs it changed. */
  updated(changed: ReadonlyMap<PropertyKey, unknown>): void {
    this.#applyConfig();
    if (this.#phase !== 'started') {
      if (this.#phase === 'idle' && !this.#host.manual && this.#host.isConnected) this.connect();
      return;
    }
    const keys = [...changed.keys()];
    // A setting set before connect() and applied by this update already is in use: no second client.
    const config = this.#connection.config as unknown as Record<string, unknown>;
    const used = this.#usedConfig as unknown as Record<string, unknown> | undefined;
    const reconnects = keys.some((key) => RECONNECTING_SETTINGS.has(key as SettingKey) && config[key as string] !== used?.[key as string]);
    // Refused credentials or a client id taken over stop all attempts until an attribute changes
    // (README, `<mqtt-connection>`: Status): any of them.
    const code = this.#connection.status === 'error' ? this.#connection.error?.code : undefined;
    const refused = code === 'not-authorized' || code === 'client-id-in-use';
    if (reconnects || (refused && keys.some((key) => key !== 'options'))) this.connect();
  }

  /** Connects (again), with a new client. */
  connect(): void {
    this.#applyConfig();
    this.#phase = 'started';
    this.#usedConfig = this.#connection.config;
    this.#connection.connect();
  }

  /** Ends the client; it stays closed, through changes and re-insertion, until `connect()`. */
  disconnect(): Promise<void> {
    this.#phase = 'stopped';
    return this.#connection.disconnect();
  }
}
