/**
 * MqttConnection: one MQTT.js client's life, its status, and the subscriptions of every element
 * that uses it. This is the stable object `<mqtt-connection>` hands out through the context:
 * the client behind it may be replaced (new URL, new identity), the object never is. No DOM.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { MqttElementsError, toCodedError } from '../errors.js';
import { connectOverWebSocket, type ClientFactory } from '../transport/connect.js';
import { Attempt, connectionSink, watchAttempt, type AttemptSink } from './attempt.js';
import type { ReceivedMessage } from './message.js';
import { credentialsError, randomClientId, toClientOptions, type ClientPlan } from './options.js';
import { encodePayload, publishTarget, sendPublish, type PublishOptions, type PublishTransport } from './publish.js';
import { preparedStart } from './credentials.js';
import { InFlight } from './ending.js';
import { NextValue } from './next-value.js';
import { Requests, type RequestOptions } from './requests.js';
import { canShare } from './can-share.js';
import { LazyLink } from './lazy-link.js';
import { retryFor } from './retry.js';
import type { ConnectionConfig, CredentialsProvider } from './settings.js';
import { SubscriptionRegistry, type SubscribeOptions } from './subscriptions.js';
import { StatusBoard, type ConnectionListener, type ConnectionStatus } from './status.js';
import { LazyClaims } from './lazy-claims.js';
import { loadReferences } from './lazy-references.js';

export type { PublishOptions } from './publish.js';
export type { CredentialsProvider } from './settings.js';
export type { ConnectionListener, ConnectionStatus } from './status.js';

/**
 * The connection `<mqtt-connection>` provides to the elements inside it: it owns one MQTT.js
 * client at a time, reports its status, and keeps every element's subscription across
 * reconnects and client replacements. Usable on its own (no DOM) to share a connection with
 * code outside the elements.
 */
export class MqttConnection {
  /** The settings the next connect uses. */
  config: ConnectionConfig = { url: '' };
  /** The page URL that a `url` starting with `/` resolves against (the current page by default). */
  pageUrl: () => string | undefined = () => globalThis.location?.href;

  readonly #createClient: ClientFactory;
  readonly #board = new StatusBoard();
  /** The current attempt (ended and let go in {@link #endClient}, the one teardown). */
  #current?: Attempt;
  /** The URL of the last client, once it was ended. */
  #lastUrl?: string;
  #registry = new SubscriptionRegistry();
  /** A fixed client id's claims across tabs (takeover.ts, loaded before the first attempt with one). */
  #claims = new LazyClaims((error) => {
    const a = this.#current;
    if (a?.client && !a.stopped) a.halt(this.#sinkFor(a), error(this.clientId, a.url));
  });
  readonly #requests: Requests = new Requests(this);
  readonly #inFlight = new InFlight();
  /** Made once, so that reconnects keep the identity (and a persistent session) of this connection. */
  #generatedClientId = randomClientId();
  /** This tab's part in a connection shared between tabs (`shared`), if any; its code loads on first use. */
  readonly #shared = new LazyLink();
  /** Waiting for the client of a connect that is still fetching credentials. */
  readonly #nextClient = new NextValue<MqttClient>();

  /**
   * @param createClient makes the MQTT.js client for a URL and options; the default runs MQTT.js
   *   over this package's WebSocket transport. Tests pass a fake.
   */
  constructor(createClient: ClientFactory = connectOverWebSocket) {
    this.#createClient = createClient;
    // The tab leading a shared connection tells the others every status change.
    this.#board.listen({ status: (status, error) => this.#shared.link?.status(status, error) });
  }

  /** Awaited before every connect and reconnect; its answer overrides `config`'s credentials. */
  get credentials(): CredentialsProvider | undefined {
    return this.config.credentials;
  }
  set credentials(provider: CredentialsProvider | undefined) {
    this.config = { ...this.config, credentials: provider };
  }

  /** The current status. */
  get status(): ConnectionStatus {
    return this.#board.status;
  }

  /** The last error reported. */
  get error(): MqttElementsError | undefined {
    return this.#board.error;
  }

  /** The MQTT.js client, once created. */
  get client(): MqttClient | undefined {
    return this.#current?.client;
  }

  /** The MQTT version in use: what the client was made with (`options` may set it), else the setting. */
  get protocolVersion(): number {
    return this.client?.options.protocolVersion ?? this.config.options?.protocolVersion ?? this.config.protocolVersion ?? 4;
  }

  /** The client id in use (the generated one unless `config.clientId` names one). */
  get clientId(): string {
    return this.config.clientId || this.#generatedClientId;
  }

  /** Listens to status changes, connects and errors; returns the function that stops it. */
  listen(listener: ConnectionListener): () => void {
    return this.#board.listen(listener);
  }

  /**
   * (Re)connects with the current `config`, replacing any client. Never throws: bad settings
   * become status `error` and an `error` callback.
   */
  connect(): void {
    void this.#shared.drop()?.close();
    const plan = this.#plan();
    // Bad settings end the client too (#connectDirect without a plan).
    if (!plan || !this.config.shared || !canShare()) return this.#connectDirect(plan);
    // Tabs declaring the same broker, client id and user share one connection (shared-link.ts).
    void this.#endClient(true);
    this.#board.set('connecting');
    const alone = (link: unknown) => this.#shared.link === link && (this.#shared.drop(), this.#connectDirect(this.#plan()));
    const adoptClientId = (id: string) => (this.#generatedClientId = id);
    const own = { lead: () => this.#connectDirect(this.#plan()), endLead: () => this.#disconnectDirect(), adoptClientId, alone };
    this.#shared.join([plan, this, this.#registry, this.#board, own], (e) => this.#failToStart(e));
  }

  /** The client plan for the current config; bad settings become status `error`. */
  #plan(): ClientPlan | undefined {
    try {
      const plan = toClientOptions({ ...this.config, clientId: this.clientId }, this.pageUrl());
      for (const problem of plan.problems) this.#board.fail(problem); // a number that did not parse: default applied
      return plan;
    } catch (e) {
      this.#failToStart(toCodedError(e));
      return undefined;
    }
  }

  #connectDirect(plan: ClientPlan | undefined): void {
    void this.#endClient(true);
    if (!plan) return;
    // From here a later connect() or disconnect() ends it: a late credentials answer is stale.
    const attempt = new Attempt(plan.url);
    this.#current = attempt;
    this.#board.set('connecting');
    // Code the first attempt needs, loaded on first use: a fixed id's claims, MQTT 5's references.
    const parts = [this.config.clientId && this.#claims.load(), plan.options.protocolVersion === 5 && loadReferences()].filter((p) => p);
    const prepared = !!this.config.credentials || this.config.store === 'indexeddb';
    if (!prepared && parts.length === 0) return this.#start(attempt, plan, plan.url, plan.options);
    Promise.all([prepared ? preparedStart(this.config, plan, this.pageUrl()) : plan, ...parts]).then(
      ([{ url, options }]) => !attempt.over && this.#start(attempt, plan, url, options),
      (e: MqttElementsError) => !attempt.over && this.#failToStart(e),
    );
  }

  /**
   * Ends the client (DISCONNECT where connected: no will); settles within a second in any state.
   * What it still held rejects `publish-failed`, but QoS 1/2 that `store="indexeddb"` keeps.
   */
  async disconnect(): Promise<void> {
    const link = this.#shared.drop();
    if (link) {
      // A tab of a shared connection leaves it: the others stay connected.
      await link.close();
      return this.#board.set('closed');
    }
    return this.#disconnectDirect();
  }

  async #disconnectDirect(): Promise<void> {
    const attempt = this.#current;
    this.#nextClient.give(undefined);
    // The old client stays the connection's while it says DISCONNECT: its statuses still count.
    const ending = this.#endClient(false);
    if (ending) await ending;
    if (attempt && this.#current === attempt) this.#letGo(attempt);
    if (!this.#current && this.#board.status !== 'idle') this.#board.set('closed');
  }

  /**
   * Publishes. Resolves with the payload as sent once the broker acknowledged QoS 1/2, or once
   * QoS 0 was written. While the connection is down, MQTT.js queues the message and sends it on
   * reconnect. Rejects with `invalid-topic`, `invalid-qos`, `no-connection` or `publish-failed`.
   */
  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<string | Uint8Array> {
    const qos = publishTarget(topic, options.qos);
    // Only while a shared connection's code loads (this tab may follow another): else no tick.
    if (this.#shared.loading) await this.#shared.loading;
    const link = this.#shared.link;
    if (link && !link.leading) {
      await link.publish(topic, payload, { ...options, qos });
      return encodePayload(payload);
    }
    const client = this.client ?? (this.#board.status === 'connecting' ? await this.#nextClient.next() : undefined);
    if (!client || client.disconnecting || this.#board.status === 'closed') {
      throw new MqttElementsError('no-connection', `cannot publish to "${topic}": the connection is ${this.#board.status}`);
    }
    const body = encodePayload(payload);
    const sendOptions = { qos, retain: !!options.retain, ...(options.properties ? { properties: options.properties } : {}) };
    await this.#inFlight.track(client, topic, qos, sendPublish(client as unknown as PublishTransport, topic, body, sendOptions));
    return body;
  }

  /** MQTT 5 request/response (requests.ts): resolves with the reply; `unsupported`, `response-timeout`. */
  request(topic: string, payload: unknown, options?: RequestOptions): Promise<ReceivedMessage> {
    return this.#requests.request(topic, payload, options);
  }

  /** The requests of this connection: their shared response subscription, for elements to hold. */
  get requests(): Requests {
    return this.#requests;
  }

  /**
   * Holds a subscription to `filter` until the returned function is called. Refcounted: every
   * holder of one filter shares one broker subscription. Throws `invalid-topic`/`invalid-qos`.
   */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void {
    return this.#registry.acquire(filter, options, onMessage);
  }

  #start(attempt: Attempt, plan: ClientPlan, url: string, options: IClientOptions): void {
    // Checked here, not in toClientOptions: a credentials function's answer is merged in last.
    const reason = credentialsError(options);
    if (reason) return this.#failToStart(new MqttElementsError('connection-failed', reason));
    let client: MqttClient;
    try {
      client = this.#createClient(url, options);
    } catch (e) {
      return this.#failToStart(toCodedError(e));
    }
    attempt.begin(client, url);
    retryFor(attempt, plan, {
      credentials: this.config.credentials,
      pageUrl: this.pageUrl(),
      // A failed attempt like any other: reported once per outage, status `error`.
      failed: (e) => attempt.reportOnce(() => this.#board.fail(e, 'error')),
    });
    if (this.config.clientId) this.#claims.want(this.config.clientId, url);
    this.#registry.attach(client);
    watchAttempt(attempt, this.#sinkFor(attempt));
    this.#nextClient.give(client);
  }

  #failToStart(error: MqttElementsError): void {
    this.#board.fail(error, 'error');
    this.#nextClient.give(undefined);
  }

  #sinkFor(attempt: Attempt): AttemptSink {
    return connectionSink(attempt, {
      board: this.#board,
      registry: this.#registry,
      // A fixed id is announced to the other tabs: a newer holder takes it over (takeover.ts).
      connected: () => {
        if (this.config.clientId) this.#claims.claim(this.config.clientId, attempt.url, attempt.startedAt);
      },
    });
  }

  /**
   * Waiting to reconnect: try at once instead. `<mqtt-connection>` calls it when the browser is
   * online again or the page becomes visible.
   */
  retryNow(): void {
    this.#current?.retryNow();
  }

  /** The broker URL of the current or last attempt. */
  get activeUrl(): string | undefined {
    return this.#current?.client ? this.#current.url : this.#lastUrl;
  }

  /**
   * The one teardown: no more tries for the current attempt, its client id released, its client
   * ended within a second (what it held rejects `publish-failed`, but QoS 1/2 that
   * `store="indexeddb"` keeps). A replacement (`letGoNow`) lets go of it at once; `disconnect()`
   * once it ended, so that its DISCONNECT and statuses still count.
   */
  #endClient(letGoNow: boolean): Promise<void> | undefined {
    const attempt = this.#current;
    if (!attempt) return undefined;
    attempt.end();
    if (attempt.client) this.#claims.release();
    if (letGoNow) this.#letGo(attempt);
    return attempt.client && this.#inFlight.end(attempt.client, this.config.store === 'indexeddb');
  }

  /** The attempt is no longer the connection's: whatever it answers later is stale. */
  #letGo(attempt: Attempt): void {
    attempt.drop();
    if (this.#current !== attempt) return;
    this.#current = undefined;
    if (!attempt.client) return;
    this.#lastUrl = attempt.url;
    this.#registry.attach(undefined);
  }
}
