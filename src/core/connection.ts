/**
 * MqttConnection: one MQTT.js client's life, its status, and the subscriptions of every element
 * that uses it. This is the stable object `<mqtt-connection>` hands out through the context:
 * the client behind it may be replaced (new URL, new identity), the object never is. No DOM.
 */
import type { IClientOptions, IClientPublishOptions, IConnackPacket, IDisconnectPacket, MqttClient } from 'mqtt';
import { MqttElementsError } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import { credentialsError, parseQos, toClientOptions, randomClientId, type ConnectionConfig } from './options.js';
import { encodePayload } from './payload.js';
import { reportLater } from './report-later.js';
import { SubscriptionRegistry, type SubscribeOptions } from './subscriptions.js';
import { topicNameError } from './topic.js';
import { connectOverWebSocket } from './ws-stream.js';

/** Where a connection stands; reflected by `<mqtt-connection status>`. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed' | 'error';

/** Credentials fetched before every connect and reconnect (for tokens that expire). */
export type CredentialsProvider = () =>
  | Promise<{ username?: string; password?: string }>
  | { username?: string; password?: string };

/** Told of what happens to a connection; every callback is optional. */
export interface ConnectionListener {
  status?(status: ConnectionStatus, error?: MqttElementsError): void;
  connect?(connack: IConnackPacket): void;
  error?(error: MqttElementsError): void;
}

/** Options of {@link MqttConnection.publish}; `properties` are MQTT 5 PUBLISH properties. */
export interface PublishOptions {
  qos?: unknown;
  retain?: boolean;
  properties?: IClientPublishOptions['properties'];
}

/** CONNACK codes that mean "these credentials are refused" (3.1.1: 4, 5; MQTT 5: 0x86, 0x87). */
const AUTH_REFUSED = new Set([4, 5, 0x86, 0x87]);

/**
 * The connection `<mqtt-connection>` provides to the elements inside it: it owns one MQTT.js
 * client at a time, reports its status, and keeps every element's subscription across
 * reconnects and client replacements. Usable on its own (no DOM) to share a connection with
 * code outside the elements.
 */
export class MqttConnection {
  /** The settings the next connect uses. */
  config: ConnectionConfig = { url: '' };
  /** Awaited before every connect and reconnect; its answer overrides `config`'s credentials. */
  credentials?: CredentialsProvider;
  /** The page URL that a `url` starting with `/` resolves against (the current page by default). */
  pageUrl: () => string | undefined = () => globalThis.location?.href;

  #status: ConnectionStatus = 'idle';
  #error?: MqttElementsError;
  #client?: MqttClient;
  #attempt = 0;
  #listeners = new Set<ConnectionListener>();
  #registry = new SubscriptionRegistry();
  /** Made once, so that reconnects keep the identity (and a persistent session) of this connection. */
  #generatedClientId = randomClientId();
  /** Waiting for the client of a connect that is still fetching credentials. */
  #clientWaiters: Array<(client: MqttClient | undefined) => void> = [];

  /** The current status. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The last error reported. */
  get error(): MqttElementsError | undefined {
    return this.#error;
  }

  /** The MQTT.js client, once created. */
  get client(): MqttClient | undefined {
    return this.#client;
  }

  /** The client id in use (the generated one unless `config.clientId` names one). */
  get clientId(): string {
    return this.config.clientId || this.#generatedClientId;
  }

  /** Listens to status changes, connects and errors; returns the function that stops it. */
  listen(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * (Re)connects with the current `config`, replacing any client. Never throws: bad settings
   * become status `error` and an `error` callback.
   */
  connect(): void {
    const attempt = ++this.#attempt;
    this.#endClient();
    let url: string;
    let options: IClientOptions;
    try {
      ({ url, options } = toClientOptions({ ...this.config, clientId: this.clientId }, this.pageUrl()));
    } catch (e) {
      this.#fail(toCoded(e, 'connection-failed'), 'error');
      this.#resolveClientWaiters(undefined);
      return;
    }
    this.#setStatus('connecting');
    if (!this.credentials) {
      this.#start(url, options);
      return;
    }
    this.#fetchCredentials().then(
      (credentials) => {
        if (attempt !== this.#attempt) return;
        this.#start(url, { ...options, ...credentials });
      },
      (e: MqttElementsError) => {
        if (attempt !== this.#attempt) return;
        this.#fail(e, 'error');
        this.#resolveClientWaiters(undefined);
      },
    );
  }

  /** Ends the client (sending DISCONNECT, so no will is published); resolves once it is closed. */
  async disconnect(): Promise<void> {
    this.#attempt++;
    const client = this.#client;
    this.#resolveClientWaiters(undefined);
    if (!client) {
      if (this.#status !== 'idle') this.#setStatus('closed');
      return;
    }
    await new Promise<void>((resolve) => {
      client.end(false, {}, () => resolve());
    });
    if (this.#client === client) {
      this.#client = undefined;
      this.#registry.attach(undefined);
      this.#setStatus('closed');
    }
  }

  /**
   * Publishes. Resolves when the broker acknowledged QoS 1/2, or when QoS 0 was written. While
   * the connection is down, MQTT.js queues the message and sends it on reconnect.
   */
  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const reason = topicNameError(topic);
    if (reason) throw new MqttElementsError('invalid-topic', reason);
    const qos = options.qos === undefined || options.qos === null ? 0 : parseQos(options.qos);
    const client = this.#client ?? (this.#status === 'connecting' ? await this.#nextClient() : undefined);
    if (!client || client.disconnecting || this.#status === 'closed') {
      throw new MqttElementsError('no-connection', `cannot publish to "${topic}": the connection is ${this.#status}`);
    }
    const publishOptions: IClientPublishOptions = { qos, retain: !!options.retain };
    if (options.properties) publishOptions.properties = options.properties;
    const body = encodePayload(payload);
    await new Promise<void>((resolve, reject) => {
      client.publish(topic, body as string, publishOptions, (error) => {
        if (!error) return resolve();
        const reasonCode = typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : undefined;
        reject(
          new MqttElementsError('publish-failed', `publish to "${topic}" failed: ${error.message}`, {
            cause: error,
            ...(reasonCode !== undefined ? { reasonCode } : {}),
          }),
        );
      });
    });
  }

  /**
   * Holds a subscription to `filter` until the returned function is called. Refcounted: every
   * holder of one filter shares one broker subscription. Throws `invalid-topic`/`invalid-qos`.
   */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    return this.#registry.acquire(filter, options, onMessage);
  }

  #start(url: string, options: IClientOptions): void {
    // Checked here, not in toClientOptions: a credentials function's answer is merged in last.
    const reason = credentialsError(options);
    if (reason) {
      this.#fail(new MqttElementsError('connection-failed', reason), 'error');
      this.#resolveClientWaiters(undefined);
      return;
    }
    // MQTT.js with a leaner WebSocket transport than its own (see ws-stream.ts and BENCHMARKS.md).
    const client = connectOverWebSocket(url, options);
    this.#client = client;
    this.#registry.attach(client);
    this.#wire(client, url);
    this.#resolveClientWaiters(client);
  }

  #wire(client: MqttClient, url: string): void {
    const current = () => client === this.#client;
    let connackThisAttempt = false;
    let outageReported = false;
    let halted = false;
    let ending = false;

    if (this.credentials) this.#awaitCredentialsOnReconnect(client, current);

    client.on('connect', (connack) => {
      if (!current()) return;
      connackThisAttempt = true;
      outageReported = false;
      this.#setStatus('connected');
      this.#registry.connected(!!connack.sessionPresent);
      this.#emit((l) => l.connect?.(connack));
    });
    client.on('reconnect', () => {
      if (!current()) return;
      connackThisAttempt = false;
      this.#setStatus('reconnecting');
    });
    client.on('offline', () => {
      if (current() && !halted) this.#setStatus('offline');
    });
    client.on('message', (topic, payload, packet) => {
      if (current()) this.#registry.dispatch(topic, payload, packet);
    });
    client.on('disconnect', (packet: IDisconnectPacket) => {
      if (!current()) return;
      const reasonCode = packet.reasonCode;
      const reasonString = packet.properties?.reasonString;
      this.#fail(
        new MqttElementsError('connection-failed', `the broker disconnected this client (reason code ${reasonCode ?? 0})`, {
          ...(reasonCode !== undefined ? { reasonCode } : {}),
          ...(reasonString ? { reasonString } : {}),
        }),
      );
      outageReported = true;
    });
    client.on('error', (error: Error & { code?: unknown }) => {
      if (!current()) return;
      const code = typeof error.code === 'number' ? error.code : undefined;
      if (code !== undefined && AUTH_REFUSED.has(code) && !connackThisAttempt) {
        // A wrong password must not hammer the broker: stop until settings change or connect().
        halted = true;
        this.#fail(
          new MqttElementsError('not-authorized', `the broker refused the credentials: ${error.message}`, {
            cause: error,
            reasonCode: code,
          }),
          'error',
        );
        client.end(true);
        return;
      }
      if (outageReported) return;
      outageReported = true;
      this.#fail(
        new MqttElementsError('connection-failed', `connection to the broker failed: ${error.message}`, {
          cause: error,
          ...(code !== undefined ? { reasonCode: code } : {}),
        }),
      );
    });
    client.on('close', () => {
      if (!current()) return;
      this.#registry.disconnected();
      if (halted || ending || client.disconnecting) return;
      if (!connackThisAttempt) {
        // An attempt that failed: status `error` (SPEC: errors reflect as status), until the
        // next attempt makes it `reconnecting`. The error itself is reported once per outage.
        if (outageReported) return this.#setStatus('error');
        // Browsers report a refused WebSocket only as a close: this is the only sign of failure.
        outageReported = true;
        this.#fail(new MqttElementsError('connection-failed', `could not connect to ${url}`), 'error');
      } else if (!((client.options.reconnectPeriod ?? 0) > 0)) {
        // A connection that was up and has no retry to come is offline (with retries, MQTT.js
        // has already said `offline`).
        this.#setStatus('offline');
      }
    });
    client.on('end', () => {
      ending = true;
      if (current() && !halted) this.#setStatus('closed');
    });
  }

  /**
   * MQTT.js reconnects on a timer and builds CONNECT synchronously, with no hook to await
   * anything. Its private `_reconnect` (pinned MQTT.js 5.16) is wrapped so that fresh
   * credentials are in `options` before every CONNECT.
   */
  #awaitCredentialsOnReconnect(client: MqttClient, current: () => boolean): void {
    const target = client as unknown as { _reconnect: () => void };
    const reconnect = target._reconnect.bind(client);
    let fetching = false;
    target._reconnect = () => {
      if (fetching) return;
      fetching = true;
      this.#fetchCredentials().then(
        (credentials) => {
          fetching = false;
          if (!current() || client.connected || client.disconnecting) return;
          Object.assign(client.options, credentials);
          reconnect();
        },
        (e: MqttElementsError) => {
          fetching = false;
          if (current()) this.#fail(e);
        },
      );
    };
  }

  async #fetchCredentials(): Promise<{ username?: string; password?: string }> {
    try {
      const answer = (await this.credentials?.()) ?? {};
      const credentials: { username?: string; password?: string } = {};
      if (answer.username !== undefined) credentials.username = answer.username;
      if (answer.password !== undefined) credentials.password = answer.password;
      return credentials;
    } catch (e) {
      throw new MqttElementsError('connection-failed', `the credentials function failed: ${(e as Error)?.message ?? e}`, {
        cause: e,
      });
    }
  }

  #nextClient(): Promise<MqttClient | undefined> {
    return new Promise((resolve) => this.#clientWaiters.push(resolve));
  }

  #resolveClientWaiters(client: MqttClient | undefined): void {
    const waiters = this.#clientWaiters;
    this.#clientWaiters = [];
    for (const resolve of waiters) resolve(client);
  }

  #endClient(): void {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    this.#registry.attach(undefined);
    // A deliberate switch: DISCONNECT cleanly (no will), without waiting for the broker.
    client.end(false);
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    const error = status === 'error' ? this.#error : undefined;
    this.#emit((l) => l.status?.(status, error));
  }

  #fail(error: MqttElementsError, status?: ConnectionStatus): void {
    this.#error = error;
    if (status) this.#setStatus(status);
    this.#emit((l) => l.error?.(error));
  }

  #emit(call: (listener: ConnectionListener) => void): void {
    for (const listener of [...this.#listeners]) {
      try {
        call(listener);
      } catch (e) {
        reportLater(e);
      }
    }
  }
}

function toCoded(e: unknown, fallback: 'connection-failed'): MqttElementsError {
  if (e instanceof MqttElementsError) return e;
  return new MqttElementsError(fallback, (e as Error)?.message ?? String(e), { cause: e });
}
