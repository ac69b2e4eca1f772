/**
 * MQTT 5 request/response (README: Request/response): publish a request with a response topic
 * and fresh correlation data, and resolve with the reply that carries the same correlation data.
 * Every request of a connection shares one subscription to its response topic (default
 * `mqtt-elements/response/` + the client id); replies to other requests, and late ones, are
 * ignored. No DOM.
 */
import { MqttElementsError } from '../errors.js';
import { loadPart } from './load-part.js';
import type { ReceivedMessage } from './message.js';
import type { PublishOptions } from './publish.js';
import type { SubscribeOptions, SubscriptionStatus } from './subscriptions.js';

/** Options of a request: a publish's, plus where replies come and how long to wait. */
export interface RequestOptions extends PublishOptions {
  /** Topic replies are sent to; default `mqtt-elements/response/` + the client id. */
  responseTopic?: string | undefined;
  /** ms to wait for the reply; default 10000. */
  timeout?: number | undefined;
}

/** What requests need of their connection. */
export interface RequestTransport {
  readonly clientId: string;
  /** 4 (MQTT 3.1.1) or 5. */
  readonly protocolVersion: number;
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void;
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<unknown>;
}

interface Waiting {
  resolve(reply: ReceivedMessage): void;
}

/** Correlation data as the key of a waiting request. */
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The requests of one connection. */
export class Requests {
  readonly #transport: RequestTransport;
  /** Requests waiting for a reply, by correlation data (hex). */
  readonly #waiting = new Map<string, Waiting>();

  constructor(transport: RequestTransport) {
    this.#transport = transport;
  }

  /** The response topic for `responseTopic` (or the default for this client). */
  responseTopicOf(responseTopic?: string): string {
    return responseTopic || `mqtt-elements/response/${this.#transport.clientId}`;
  }

  /**
   * Holds the subscription to the response topic (shared with every other holder and request);
   * `onStatus` hears when it is subscribed. Returns the function that lets it go.
   */
  hold(responseTopic?: string, onStatus?: (status: SubscriptionStatus, error?: MqttElementsError) => void): () => void {
    return this.#transport.subscribe(
      this.responseTopicOf(responseTopic),
      { qos: 1, ...(onStatus ? { onStatus } : {}) },
      (reply) => this.#route(reply),
    );
  }

  /**
   * Publishes a request and resolves with its reply. Rejects with `unsupported` on MQTT 3.1.1,
   * `response-timeout` when no reply came in time, or the publish's own errors. Its code
   * (send-request.ts) loads on the first request: a page that makes none never downloads it.
   */
  async request(topic: string, payload: unknown, options: RequestOptions = {}): Promise<ReceivedMessage> {
    // At once, before any code loads: a 3.1.1 connection can make no request.
    if (this.#transport.protocolVersion !== 5) {
      throw new MqttElementsError(
        'unsupported',
        `a request to "${topic}" needs MQTT 5 (its correlation data): set protocol-version="5" on the <mqtt-connection>`,
      );
    }
    const { sendRequest } = await loadPart(() => import('./send-request.js'), 'request/response', 'publish-failed');
    return sendRequest(this, this.#transport, topic, payload, options);
  }

  /** Waits for the reply with this correlation data (hex); returns the function that stops waiting. */
  wait(key: string, resolve: (reply: ReceivedMessage) => void): () => void {
    this.#waiting.set(key, { resolve });
    return () => this.#waiting.delete(key);
  }

  #route(reply: ReceivedMessage): void {
    const data = reply.properties?.correlationData as Uint8Array | undefined;
    if (!data) return;
    const waiting = this.#waiting.get(hex(new Uint8Array(data)));
    // Another request's reply, or one that came after its request gave up: not ours.
    if (!waiting) return;
    this.#waiting.delete(hex(new Uint8Array(data)));
    waiting.resolve(reply);
  }
}
