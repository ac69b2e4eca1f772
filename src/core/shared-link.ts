/**
 * One broker connection for every tab of an origin (README: Across tabs). The tabs that
 * declare the same url, client id and user name elect one of them with a Web Lock: it holds the
 * real client (the leader); the others (followers) reach the broker through it, over a
 * BroadcastChannel. When the leader's tab closes, the browser gives the lock to the next tab,
 * which connects: at most one reconnect, and every follower sends its subscriptions, and the
 * publishes still waiting for an answer, to it again.
 *
 * Each tab also holds a lock of its own for its whole life. The leader asks for a follower's lock
 * when it first hears from it: the browser grants it once that tab has gone, closed or crashed
 * (a crashed tab says no `bye`), and the leader releases what it held for that tab.
 *
 * Why an elected tab and not a SharedWorker: it needs no worker file next to the bundle (so the
 * CDN module, the IIFE and pages whose CSP forbids workers work the same), SharedWorker is missing
 * on Chrome for Android, and Web Locks release on their own when a tab dies. No DOM.
 */
import { MqttElementsError } from '../errors.js';
import { encodePayload, type PublishOptions } from './publish.js';
import { FollowerService } from './shared-service.js';
import { PROTOCOL_VERSION, readMessage, reviveError, shapeError, sharedName, type Body, type Message } from './shared-protocol.js';
import type { ConnectionStatus } from './status.js';
import type { SharedHost } from './shared-host-port.js';
import { mqtt5SubscribeOptions } from './subscription-entry.js';
import type { SubscribeOptions, SubscribeTransport } from './subscriptions.js';

interface PendingPublish {
  topic: string;
  payload: string | Uint8Array;
  options: PublishOptions;
  resolve(): void;
  reject(e: MqttElementsError): void;
}

/** Whether this browser can share a connection between tabs (else each tab connects on its own). */
export function canShare(): boolean {
  return typeof BroadcastChannel === 'function' && typeof globalThis.navigator?.locks?.request === 'function';
}

/** This tab's part in one shared connection. */
export class SharedLink {
  readonly #host: SharedHost;
  readonly #channel: BroadcastChannel;
  readonly #name: string;
  readonly #self = Math.random().toString(36).slice(2);
  readonly #abort = new AbortController();
  #role: 'follower' | 'leader' | 'closed' = 'follower';
  /** Set once this tab holds its own lock: before that it neither listens nor speaks. */
  #started = false;
  #giveUpLead?: () => void;
  #releaseTab?: () => void;
  /** Follower: the leader it follows, and whether that leader last said `connected`. */
  #leader?: string;
  #up = false;
  /** Leader: what it does for the followers. */
  #service?: FollowerService;
  /** Follower: suback callbacks by filter, and publishes waiting for their answer. */
  readonly #subacks = new Map<string, Parameters<SubscribeTransport['subscribe']>[2]>();
  readonly #pending = new Map<number, PendingPublish>();
  #nextId = 1;

  constructor(key: string, host: SharedHost) {
    this.#host = host;
    this.#name = sharedName(key);
    this.#channel = new BroadcastChannel(this.#name);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => this.#hear(event.data);
    this.#host.attachRemote(this.#transport());
    const { signal } = this.#abort;
    // This tab's own lock first: the leader must never find it free while this tab lives.
    navigator.locks
      .request(this.#tabLock(this.#self), { signal }, () => {
        if (this.#role === 'closed') return undefined;
        this.#started = true;
        this.#elect();
        this.#post({ t: 'hello', from: this.#self });
        return new Promise<void>((resolve) => (this.#releaseTab = resolve));
      })
      .catch(() => this.#failed());
  }

  /** Whether this tab holds the real client. */
  get leading(): boolean {
    return this.#role === 'leader';
  }

  /** Leader: tells the followers a status (with the client id they share). */
  status(status: ConnectionStatus, error?: MqttElementsError): void {
    if (this.#role !== 'leader') return;
    this.#post({ t: 'status', from: this.#self, status, ...(error ? { error: shapeError(error) } : {}), clientId: this.#host.clientId() });
  }

  /**
   * Follower: publishes through the leader; resolves when the leader's publish did. Sent once a
   * leader is known, and again to the next leader if this one goes before it answered.
   */
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    const id = this.#nextId++;
    const body = encodePayload(payload);
    const plain: PublishOptions = {
      ...(options.qos !== undefined ? { qos: options.qos } : {}),
      ...(options.retain !== undefined ? { retain: options.retain } : {}),
      ...(options.properties ? { properties: options.properties } : {}),
    };
    return new Promise((resolve, reject) => {
      const pending = { topic, payload: body, options: plain, resolve, reject };
      this.#pending.set(id, pending);
      if (this.#role === 'leader') this.#publishHere(id, pending);
      else if (this.#leader) this.#post({ t: 'pub', from: this.#self, id, topic, payload: body, options: plain });
    });
  }

  /** This tab leaves: a leader ends its client and hands the lock on, a follower lets go. */
  async close(): Promise<void> {
    const was = this.#role;
    this.#role = 'closed';
    this.#abort.abort();
    for (const p of this.#pending.values()) {
      const why = `the connection was disconnected before the tab holding it answered for the publish to "${p.topic}" (it may still be delivered): publish it again once connected`;
      p.reject(new MqttElementsError('publish-failed', why));
    }
    this.#pending.clear();
    if (was === 'leader') {
      this.#service?.stop();
      try {
        await this.#host.endLead();
      } finally {
        this.#giveUpLead?.();
      }
    } else if (was === 'follower') {
      this.#channel.postMessage({ v: PROTOCOL_VERSION, t: 'bye', from: this.#self });
      this.#host.attachRemote(undefined);
    }
    this.#releaseTab?.();
    this.#channel.close();
  }

  #tabLock(tab: string): string {
    return `${this.#name}/tab/${tab}`;
  }

  #elect(): void {
    void navigator.locks
      .request(this.#name, { signal: this.#abort.signal }, () => {
        if (this.#role === 'closed') return undefined;
        this.#lead();
        return new Promise<void>((resolve) => (this.#giveUpLead = resolve));
      })
      .catch(() => this.#failed());
  }

  /** A lock request failed: aborted because this tab left, or locks refused (connect alone). */
  #failed(): void {
    if (this.#role === 'closed' || this.#abort.signal.aborted) return;
    this.#goAlone();
  }

  #goAlone(): void {
    void this.close();
    this.#host.alone();
  }

  #transport(): SubscribeTransport {
    return {
      subscribe: (filter, options, callback) => {
        this.#subacks.set(filter, callback);
        this.#post({ t: 'sub', from: this.#self, filter, options: { qos: options.qos, ...mqtt5SubscribeOptions(options as SubscribeOptions) } });
      },
      unsubscribe: (filter) => {
        this.#subacks.delete(filter);
        this.#post({ t: 'unsub', from: this.#self, filter });
      },
    };
  }

  #lead(): void {
    this.#role = 'leader';
    this.#leader = this.#self;
    this.#service = new FollowerService(this.#host, (m) => this.#post(m), (tab) => this.#tabLock(tab), () => {
      const { status, error } = this.#host.current();
      this.status(status, error);
    });
    this.#host.attachRemote(undefined);
    this.#host.lead();
    // Publishes the last leader never answered: this tab sends them now.
    for (const [id, pending] of this.#pending) this.#publishHere(id, pending);
  }

  #publishHere(id: number, pending: PendingPublish): void {
    this.#host.publish(pending.topic, pending.payload, pending.options).then(
      () => this.#settle(id)?.resolve(),
      (e: MqttElementsError) => this.#settle(id)?.reject(e),
    );
  }

  #settle(id: number): PendingPublish | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    return pending;
  }

  #hear(data: unknown): void {
    if (this.#role === 'closed' || !this.#started) return;
    const m = readMessage(data);
    if (m === 'other') return this.#otherVersion(data as { t: string });
    if (!m) return;
    if (this.#role === 'leader') return this.#service?.serve(m);
    switch (m.t) {
      case 'status':
        return this.#followStatus(m);
      case 'suback':
        if (m.to !== this.#self) return;
        if (m.error) {
          const error = Object.assign(reviveError(m.error), { packet: { granted: [m.error.reasonCode ?? 0x80] } });
          this.#subacks.get(m.filter)?.(error);
        } else {
          this.#subacks.get(m.filter)?.(null, [{ topic: m.filter, qos: (m.granted ?? 0) as 0 | 1 | 2 }]);
        }
        return;
      case 'msg':
        if (m.to === this.#self) this.#host.remoteMessage(m.filter, m.topic, m.payload, m);
        return;
      case 'puback': {
        const pending = m.to === this.#self ? this.#settle(m.id) : undefined;
        if (m.error) pending?.reject(reviveError(m.error));
        else pending?.resolve();
        return;
      }
      default:
    }
  }

  /**
   * A tab of another protocol version shares this channel. Its `status` says it holds the lock
   * (only a leader sends one): this tab cannot follow it, and connects on its own. Anything else
   * from it is ignored, but a leader answers its `hello` with a status of this version, so that
   * the newcomer learns it cannot follow this one (only a `hello`: two leaders answering each
   * other would never stop).
   */
  #otherVersion(data: { t: string }): void {
    if (this.#role !== 'leader') return data.t === 'status' ? this.#goAlone() : undefined;
    if (data.t === 'hello') this.status(this.#host.current().status, this.#host.current().error);
  }

  /**
   * Follower: the leader's status. Subscriptions are sent again only when the leader changed or
   * came back: a status repeated for a tab that joined changes nothing here.
   */
  #followStatus(m: Extract<Message, { t: 'status' }>): void {
    const newLeader = m.from !== this.#leader;
    this.#leader = m.from;
    if (newLeader) {
      for (const [id, p] of this.#pending) this.#post({ t: 'pub', from: this.#self, id, topic: p.topic, payload: p.payload, options: p.options });
    }
    this.#host.adoptClientId(m.clientId);
    this.#host.mirror(m.status, m.error ? reviveError(m.error) : undefined);
    if (m.status === 'connected') {
      if (this.#up && !newLeader) return;
      this.#up = true;
      this.#host.remoteConnected();
    } else if (this.#up || newLeader) {
      this.#up = false;
      this.#host.remoteDisconnected();
    }
  }

  #post(message: Body): void {
    if (this.#role === 'closed') return;
    this.#channel.postMessage({ v: PROTOCOL_VERSION, ...message });
  }
}
