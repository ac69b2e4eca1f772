// A stand-in for MQTT.js's MqttClient and the factory that makes it, for MqttConnection's unit
// tests (test/core/connection-*.test.ts, shared-link.test.ts): the test makes it emit what MQTT.js
// emits, in the order it chooses. No broker, no WebSocket.
import type { IClientOptions, IClientPublishOptions, IClientSubscribeOptions, IConnackPacket, IDisconnectPacket, ISubscriptionGrant, MqttClient } from 'mqtt';
import type { ClientFactory } from '../../src/transport/connect.js';

type Handler = (...args: unknown[]) => void;
type DoneCallback = (error?: Error) => void;

/** The part of Node's EventEmitter that the connection uses on a client: `on`, `once`, `removeListener`, `emit`. */
class MiniEmitter {
  readonly #handlers = new Map<string, Handler[]>();

  on(event: string, handler: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler]);
    return this;
  }

  once(event: string, handler: Handler): this {
    const once: Handler = (...args) => {
      this.removeListener(event, once);
      handler(...args);
    };
    return this.on(event, once);
  }

  removeListener(event: string, handler: Handler): this {
    this.#handlers.set(event, (this.#handlers.get(event) ?? []).filter((h) => h !== handler));
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const handlers = this.#handlers.get(event) ?? [];
    for (const handler of handlers) handler.apply(this, args);
    return handlers.length > 0;
  }
}

interface PublishCall {
  topic: string;
  payload: string | Uint8Array;
  options: IClientPublishOptions;
  callback: (error?: Error) => void;
}

/** MQTT.js's SUBACK callback: an error (a refusal, a dropped connection) or the grants. */
export type SubackCallback = (error: Error | null | undefined, granted?: ISubscriptionGrant[]) => void;

/** One SUBSCRIBE asked of the client; the test answers it through `callback`. */
export interface SubscribeCall {
  filter: string;
  options: IClientSubscribeOptions;
  callback: SubackCallback;
}

/**
 * A stand-in for MQTT.js's MqttClient: records what the connection asks of it, and emits what the
 * test tells it to, as MQTT.js would. `end()` behaves as MQTT.js's: `disconnecting` at once, then
 * (a task later, the stream having closed) `close`, `end`, and the callback; a second `end()`
 * while disconnecting only calls its callback.
 */
export class FakeClient extends MiniEmitter {
  connected = false;
  /** What the transport's stream tells of its socket (a refusal by close code and reason). */
  stream?: { opened?: boolean; closeCode?: number; closeReason?: string; destroyed?: boolean };
  disconnecting = false;
  /** MQTT.js's QoS 1/2 messages awaiting their acknowledgement, by message id (the test fills it). */
  outgoing: Record<number, unknown> = {};
  readonly ends: Array<{ force: boolean; opts: unknown }> = [];
  readonly publishes: PublishCall[] = [];
  readonly subscribes: SubscribeCall[] = [];
  readonly unsubscribes: string[] = [];
  /** `options` as they were at each call of the (unwrapped) `_reconnect`. */
  readonly reconnects: IClientOptions[] = [];

  constructor(
    readonly url: string,
    public options: IClientOptions,
  ) {
    super();
    // As MqttClient's own first close listener does.
    this.on('close', () => {
      this.connected = false;
    });
  }

  end(forceArg?: unknown, optsArg?: unknown, cbArg?: unknown): this {
    // MQTT.js's overloads, read as MQTT.js reads them: end(cb), end(force), end(force, cb),
    // end(opts, cb), end(force, opts, cb).
    let [force, opts, cb] = [forceArg, optsArg, cbArg];
    if (typeof force !== 'boolean') [force, opts, cb] = [false, force, cb || opts];
    if (typeof opts !== 'object') [opts, cb] = [null, cb || opts];
    this.ends.push({ force: force as boolean, opts });
    if (typeof cb !== 'function') cb = undefined;
    return this.#end(cb as DoneCallback | undefined);
  }

  #end(cb: DoneCallback | undefined): this {
    if (this.disconnecting) {
      cb?.();
      return this;
    }
    this.disconnecting = true;
    setTimeout(() => {
      this.connected = false;
      this.emit('close');
      this.emit('end');
      cb?.();
    });
    return this;
  }

  publish(topic: string, payload: string | Uint8Array, options: IClientPublishOptions, callback: (error?: Error) => void): this {
    this.publishes.push({ topic, payload, options, callback });
    return this;
  }

  subscribe(filter: string, options: IClientSubscribeOptions, callback: SubscribeCall['callback']): this {
    this.subscribes.push({ filter, options, callback });
    return this;
  }

  unsubscribe(filter: string): this {
    this.unsubscribes.push(filter);
    return this;
  }

  /** The SUBSCRIBE calls as [filter, qos], for compact assertions. */
  get sent(): Array<[string, number | undefined]> {
    return this.subscribes.map((s) => [s.filter, s.options.qos]);
  }

  /** Answers every unanswered SUBSCRIBE with success at the QoS asked for. */
  grantAll(): void {
    for (const call of this.subscribes.splice(0)) call.callback(null, [{ topic: call.filter, qos: call.options.qos ?? 0 }]);
  }

  /** MQTT.js's private reconnect (called by its reconnect timer): emits `reconnect`, then connects. */
  _reconnect(): void {
    this.reconnects.push({ ...this.options });
    this.emit('reconnect');
  }

  // What MQTT.js emits, by the situation it emits it in.

  /** The broker accepted: CONNACK 0. */
  accept(connack: Partial<IConnackPacket> = {}): IConnackPacket {
    const packet: IConnackPacket = { cmd: 'connack', returnCode: 0, sessionPresent: false, ...connack };
    this.connected = true;
    this.emit('connect', packet);
    return packet;
  }

  /** The socket closed (refused, lost, or closed after an error). */
  drop(): void {
    this.connected = false;
    this.emit('close');
  }

  /** An `error` event, with a numeric `code` when one is given (a CONNACK or reason code). */
  fail(message: string, code?: number): Error {
    const error = code === undefined ? new Error(message) : Object.assign(new Error(message), { code });
    this.emit('error', error);
    return error;
  }

  /** A DISCONNECT packet from the broker (MQTT 5). */
  disconnectedByServer(reasonCode: number, reasonString?: string, serverReference?: string): void {
    const properties = { ...(reasonString ? { reasonString } : {}), ...(serverReference ? { serverReference } : {}) };
    const packet: IDisconnectPacket = { cmd: 'disconnect', reasonCode, ...(Object.keys(properties).length ? { properties } : {}) };
    this.emit('disconnect', packet);
  }

  /** A PUBLISH from the broker. */
  deliver(topic: string, text: string): void {
    const payload = new TextEncoder().encode(text);
    this.emit('message', topic, payload, { cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });
  }
}

/** Makes FakeClients and remembers every call. */
export class FakeFactory {
  readonly clients: FakeClient[] = [];
  readonly calls: Array<{ url: string; options: IClientOptions }> = [];
  throws?: unknown;

  readonly create: ClientFactory = (url, options) => {
    this.calls.push({ url, options });
    if (this.throws !== undefined) throw this.throws;
    const client = new FakeClient(url, options);
    this.clients.push(client);
    return client as unknown as MqttClient;
  };

  /** The latest client; fails the test when there is none. */
  get client(): FakeClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('the factory made no client');
    return client;
  }
}

