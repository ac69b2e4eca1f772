/**
 * One broker connection for every tab of an origin (SPEC: Across tabs, `shared`). The tabs that
 * declare the same url, client id and user name elect one of them with a Web Lock: it holds the
 * real client (the leader); the others (followers) reach the broker through it, over a
 * BroadcastChannel. When the leader's tab closes, the browser gives the lock to the next tab,
 * which connects: at most one reconnect, and every follower sends its subscriptions again.
 *
 * Why an elected tab and not a SharedWorker: it needs no worker file next to the bundle (so the
 * CDN module, the IIFE and pages whose CSP forbids workers work the same), SharedWorker is missing
 * on Chrome for Android, and Web Locks release on their own when a tab dies. No DOM.
 */
import { MqttElementsError, type MqttErrorCode } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import type { PublishOptions } from './publish.js';
import type { ConnectionStatus } from './status.js';
import type { SubscribeOptions, SubscribeTransport } from './subscriptions.js';

/** What the link needs from its connection. */
export interface SharedHost {
  /** Connect this tab's own client (it became the leader). */
  lead(): void;
  /** End this tab's own client (it gives the lead away). */
  endLead(): Promise<void>;
  /** The leader's own connection, serving followers. */
  subscribe(filter: string, options: SubscribeOptions, onMessage: (message: ReceivedMessage) => void): () => void;
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<unknown>;
  clientId(): string;
  /** A follower learns the leader's client id (tabs without a `client-id` share one). */
  adoptClientId(id: string): void;
  /** The leader's status now, for a tab that just joined. */
  current(): { status: ConnectionStatus; error?: MqttElementsError | undefined };
  /** A follower mirrors the leader's status. */
  mirror(status: ConnectionStatus, error?: MqttElementsError): void;
  /** A follower's subscriptions go through the leader: attach this transport, and (re)connected. */
  attachRemote(transport: SubscribeTransport | undefined): void;
  remoteConnected(): void;
  remoteDisconnected(): void;
  /** A follower gets a message for one of its filters. */
  remoteMessage(filter: string, topic: string, payload: Uint8Array, packet: { retain: boolean; qos: number; properties?: unknown }): void;
}

type ErrorShape = { code: MqttErrorCode; message: string; reasonCode?: number; reasonString?: string };

type Message =
  | { t: 'hello'; from: string }
  | { t: 'status'; status: ConnectionStatus; error?: ErrorShape | undefined; clientId: string }
  | { t: 'sub'; from: string; filter: string; options: SubscribeOptions }
  | { t: 'unsub'; from: string; filter: string }
  | { t: 'suback'; to: string; filter: string; granted?: number; error?: ErrorShape }
  | { t: 'msg'; to: string; filter: string; topic: string; payload: Uint8Array; retain: boolean; qos: number; properties?: unknown }
  | { t: 'pub'; from: string; id: number; topic: string; payload: unknown; options: PublishOptions }
  | { t: 'puback'; to: string; id: number; error?: ErrorShape }
  | { t: 'bye'; from: string };

const shape = (e: MqttElementsError): ErrorShape => ({
  code: e.code,
  message: e.message,
  ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
  ...(e.reasonString !== undefined ? { reasonString: e.reasonString } : {}),
});
const revive = (e: ErrorShape): MqttElementsError =>
  new MqttElementsError(e.code, e.message, {
    ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
    ...(e.reasonString !== undefined ? { reasonString: e.reasonString } : {}),
  });

/** Whether this browser can share a connection between tabs (else each tab connects on its own). */
export function canShare(): boolean {
  return typeof BroadcastChannel === 'function' && typeof globalThis.navigator?.locks?.request === 'function';
}

/** This tab's part in one shared connection. */
export class SharedLink {
  readonly #host: SharedHost;
  readonly #channel: BroadcastChannel;
  readonly #lockName: string;
  readonly #self = Math.random().toString(36).slice(2);
  readonly #abort = new AbortController();
  #role: 'follower' | 'leader' | 'closed' = 'follower';
  #giveUpLead?: () => void;
  /** Leader: what it holds for each follower, by `tab filter`. */
  readonly #served = new Map<string, () => void>();
  /** Follower: suback callbacks by filter, and publishes waiting for their answer. */
  readonly #subacks = new Map<string, Parameters<SubscribeTransport['subscribe']>[2]>();
  readonly #pubacks = new Map<number, { resolve(): void; reject(e: MqttElementsError): void }>();
  #nextId = 1;

  constructor(key: string, host: SharedHost) {
    this.#host = host;
    this.#lockName = `mqtt-elements/shared/${key}`;
    this.#channel = new BroadcastChannel(this.#lockName);
    this.#channel.onmessage = (event: MessageEvent<Message>) => this.#hear(event.data);
    this.#follow();
    void navigator.locks
      .request(this.#lockName, { signal: this.#abort.signal }, () => {
        if (this.#role === 'closed') return undefined;
        this.#lead();
        return new Promise<void>((resolve) => (this.#giveUpLead = resolve));
      })
      .catch(() => {}); // aborted: this tab left
  }

  /** Whether this tab holds the real client. */
  get leading(): boolean {
    return this.#role === 'leader';
  }

  /** Leader: tells the followers a status (with the client id they share). */
  status(status: ConnectionStatus, error?: MqttElementsError): void {
    if (this.#role !== 'leader') return;
    this.#post({ t: 'status', status, ...(error ? { error: shape(error) } : {}), clientId: this.#host.clientId() });
  }

  /** Follower: publishes through the leader; resolves when the leader's publish did. */
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pubacks.set(id, { resolve, reject });
      this.#post({ t: 'pub', from: this.#self, id, topic, payload, options });
    });
  }

  /** This tab leaves: a leader ends its client and hands the lock on, a follower lets go. */
  async close(): Promise<void> {
    const was = this.#role;
    this.#role = 'closed';
    this.#abort.abort();
    for (const [, reject] of this.#pubacks) reject.reject(new MqttElementsError('no-connection', 'the connection was closed'));
    this.#pubacks.clear();
    if (was === 'leader') {
      for (const release of this.#served.values()) release();
      this.#served.clear();
      await this.#host.endLead();
      this.#giveUpLead?.();
    } else {
      this.#post({ t: 'bye', from: this.#self });
      this.#host.attachRemote(undefined);
    }
    this.#channel.close();
  }

  #follow(): void {
    const transport: SubscribeTransport = {
      subscribe: (filter, options, callback) => {
        this.#subacks.set(filter, callback);
        this.#post({ t: 'sub', from: this.#self, filter, options: { qos: options.qos, ...pick(options as SubscribeOptions) } });
      },
      unsubscribe: (filter) => {
        this.#subacks.delete(filter);
        this.#post({ t: 'unsub', from: this.#self, filter });
      },
    };
    this.#host.attachRemote(transport);
    this.#post({ t: 'hello', from: this.#self });
  }

  #lead(): void {
    this.#role = 'leader';
    this.#host.attachRemote(undefined);
    this.#host.lead();
  }

  #hear(m: Message): void {
    if (this.#role === 'closed' || !m) return;
    if (this.#role === 'leader') return this.#serve(m);
    switch (m.t) {
      case 'status':
        this.#host.adoptClientId(m.clientId);
        this.#host.mirror(m.status, m.error ? revive(m.error) : undefined);
        if (m.status === 'connected') this.#host.remoteConnected();
        else this.#host.remoteDisconnected();
        return;
      case 'suback':
        if (m.to !== this.#self) return;
        if (m.error) {
          const error = Object.assign(revive(m.error), { packet: { granted: [m.error.reasonCode ?? 0x80] } });
          this.#subacks.get(m.filter)?.(error);
        } else {
          this.#subacks.get(m.filter)?.(null, [{ topic: m.filter, qos: (m.granted ?? 0) as 0 | 1 | 2 }]);
        }
        return;
      case 'msg':
        if (m.to === this.#self) this.#host.remoteMessage(m.filter, m.topic, m.payload, m);
        return;
      case 'puback': {
        const waiting = m.to === this.#self ? this.#pubacks.get(m.id) : undefined;
        if (!waiting) return;
        this.#pubacks.delete(m.id);
        if (m.error) waiting.reject(revive(m.error));
        else waiting.resolve();
        return;
      }
      default:
    }
  }

  /** Leader: a follower's request. */
  #serve(m: Message): void {
    switch (m.t) {
      case 'hello': {
        // A new tab: it needs the status now (the next change may be long in coming).
        const { status, error } = this.#host.current();
        return this.status(status, error);
      }
      case 'sub': {
        const key = `${m.from} ${m.filter}`;
        this.#served.get(key)?.();
        const release = this.#host.subscribe(
          m.filter,
          {
            ...m.options,
            onStatus: (status, error) => {
              if (status === 'subscribed') this.#post({ t: 'suback', to: m.from, filter: m.filter, granted: m.options.qos ?? 0 });
              else if (status === 'error' && error) this.#post({ t: 'suback', to: m.from, filter: m.filter, error: shape(error) });
            },
          },
          (message) => {
            const { topic, payload, retained, qos, properties } = message;
            this.#post({ t: 'msg', to: m.from, filter: m.filter, topic, payload, retain: retained, qos, ...(properties ? { properties } : {}) });
          },
        );
        this.#served.set(key, release);
        return;
      }
      case 'unsub': {
        const key = `${m.from} ${m.filter}`;
        this.#served.get(key)?.();
        this.#served.delete(key);
        return;
      }
      case 'bye':
        for (const [key, release] of this.#served) {
          if (!key.startsWith(`${m.from} `)) continue;
          release();
          this.#served.delete(key);
        }
        return;
      case 'pub':
        this.#host.publish(m.topic, m.payload, m.options).then(
          () => this.#post({ t: 'puback', to: m.from, id: m.id }),
          (e: MqttElementsError) => this.#post({ t: 'puback', to: m.from, id: m.id, error: shape(e) }),
        );
        return;
      default:
    }
  }

  #post(message: Message): void {
    if (this.#role === 'closed' && message.t !== 'bye') return;
    this.#channel.postMessage(message);
  }
}

/** The MQTT 5 subscription options a follower passes on. */
function pick(options: SubscribeOptions): SubscribeOptions {
  const out: SubscribeOptions = {};
  if (options.nl !== undefined) out.nl = options.nl;
  if (options.rap !== undefined) out.rap = options.rap;
  if (options.rh !== undefined) out.rh = options.rh;
  return out;
}
