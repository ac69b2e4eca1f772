/**
 * A lean WebSocket transport for MQTT.js in the browser.
 *
 * MQTT.js's own browser transport (`browserStreamBuilder`, pinned 5.16) puts two streams
 * between a WebSocket frame and its packet parser: a `Transform` proxy and a `BufferedDuplex`,
 * both from the readable-stream polyfill, plus an `async` message handler and a `Buffer` wrap per
 * frame; every frame then costs a `process.nextTick`, which the bundled polyfill runs as a
 * `setTimeout`. This stream has the same outside (what `MqttClient` and mqtt-packet use of a
 * Node `Duplex`: `pipe`, `write`, `cork`/`uncork`, `end`, `destroy`, `error`/`close`/`drain`
 * events) and hands each frame straight to the parser.
 *
 * Frames are parsed in batches: a frame is queued and the queue is fed to the parser in a task of
 * its own, so frames that arrived back to back are parsed in one task and a burst of messages to
 * one element costs it one Lit update, not one per message. With no backlog that is one frame per
 * task, as before. Frames still queued when the socket closes are parsed before `close` is
 * reported, so a broker's DISCONNECT (MQTT 5 reason codes) is never lost.
 *
 * No DOM: it needs `WebSocket` and `MessageChannel` only.
 */
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { reportLater } from './report-later.js';

/**
 * The Writable that `MqttClient.connect()` pipes its stream into. Its `_write` parses one chunk
 * and calls back once every packet in it was handled; it must not be called again before that.
 * Calling it directly skips the Writable's buffering and its per-chunk `nextTick`; this stream
 * does the one-chunk-at-a-time itself.
 */
interface ParserSink {
  _write(chunk: Uint8Array, encoding: string, callback: (error?: Error | null) => void): void;
}

/** The part of a `WebSocket` used here (MQTT.js's `createWebsocket` may return a look-alike). */
interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener?(type: string, listener: (event: never) => void): void;
  removeEventListener?(type: string, listener: (event: never) => void): void;
  [handler: `on${string}`]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;
interface Registered {
  listener: Listener;
  once: boolean;
}

const OPEN = 1;
const CONNECTING = 0;
/** MQTT.js's `browserBufferSize` default: above this many unsent bytes, `write` says "wait". */
const DEFAULT_BUFFER_SIZE = 512 * 1024;
/** How often a waiting writer looks at `bufferedAmount` again (a WebSocket has no drain event). */
const DRAIN_POLL_MS = 10;

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * One task for every stream with frames queued. A `MessageChannel` message rather than
 * `setTimeout`: background tabs throttle timers to one a second, never posted messages.
 */
const waiting: Array<() => void> = [];
let channel: MessageChannel | undefined;
function schedule(run: () => void): void {
  waiting.push(run);
  if (waiting.length > 1) return;
  if (typeof MessageChannel !== 'function') {
    setTimeout(runWaiting);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = runWaiting;
  }
  channel.port2.postMessage(0);
}
function runWaiting(): void {
  for (const run of waiting.splice(0)) run();
}

/**
 * The stream `MqttClient` reads and writes through: one WebSocket, with the part of a Node
 * `Duplex` that MQTT.js uses. Made by {@link connectOverWebSocket}; not for use on its own.
 */
export class WebSocketStream {
  /** The WebSocket this stream reads and writes. */
  readonly socket: SocketLike;
  /** As on a Node stream: set once the stream is torn down (MqttClient checks it). */
  destroyed = false;
  /** As on a Node stream; MQTT.js's pipe machinery reads it. */
  readable = true;
  /** As on a Node stream; MqttClient checks it before writing. */
  writable = true;

  readonly #highWater: number;
  #sink?: ParserSink;
  /** Frames not yet handed to the parser; `#next` is the first of them. */
  #incoming: Array<Uint8Array | undefined> = [];
  #next = 0;
  /** A chunk is with the parser and it has not called back yet. */
  #parsing = false;
  #scheduled = false;
  /** The socket closed (or failed): destroy once the frames already queued are parsed. */
  #closing = false;
  #closeError?: Error;
  #corked = 0;
  #outgoing: Uint8Array[] = [];
  #outgoingBytes = 0;
  #drainTimer?: ReturnType<typeof setTimeout>;
  #ended = false;
  #listeners = new Map<string, Registered[]>();
  #detach: () => void;

  constructor(socket: SocketLike, highWater = DEFAULT_BUFFER_SIZE) {
    this.socket = socket;
    this.#highWater = highWater;
    socket.binaryType = 'arraybuffer';
    const handlers = {
      open: () => this.#flush(),
      message: (event: MessageEvent) => this.#receive(event.data),
      error: (event: Event) => this.#socketClosed(Object.assign(new Error('WebSocket error'), { event })),
      close: () => this.#socketClosed(),
    };
    if (typeof socket.addEventListener === 'function') {
      for (const [type, handler] of Object.entries(handlers)) socket.addEventListener(type, handler as Listener);
      this.#detach = () => {
        for (const [type, handler] of Object.entries(handlers)) socket.removeEventListener?.(type, handler as Listener);
      };
    } else {
      for (const [type, handler] of Object.entries(handlers)) socket[`on${type}`] = handler;
      this.#detach = () => {
        for (const type of Object.keys(handlers)) socket[`on${type}`] = null;
      };
    }
  }

  // --- Readable side: frames to the parser ------------------------------------------------

  /** `MqttClient.connect()` pipes this stream into the Writable that parses packets. */
  pipe<T>(destination: T): T {
    this.#sink = destination as unknown as ParserSink;
    this.#feed();
    return destination;
  }

  #receive(data: unknown): void {
    if (this.destroyed || this.#closing) return;
    let chunk: Uint8Array;
    if (data instanceof ArrayBuffer) chunk = new Uint8Array(data);
    else if (typeof data === 'string') chunk = encoder.encode(data);
    else if (ArrayBuffer.isView(data)) chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      // binaryType is 'arraybuffer'; only a look-alike from `createWebsocket` could send a Blob.
      this.destroy(new Error(`WebSocket message of an unsupported type: ${Object.prototype.toString.call(data)}`));
      return;
    }
    this.#incoming.push(chunk);
    if (!this.#scheduled && !this.#parsing) {
      this.#scheduled = true;
      schedule(this.#runScheduled);
    }
  }

  #runScheduled = (): void => {
    this.#scheduled = false;
    this.#feed();
  };

  /** Hands queued frames to the parser, one at a time, for as long as it calls back at once. */
  #feed(): void {
    const sink = this.#sink;
    while (sink && !this.#parsing && !this.destroyed && this.#next < this.#incoming.length) {
      const chunk = this.#incoming[this.#next]!;
      this.#incoming[this.#next++] = undefined;
      this.#parsing = true;
      let returned = false;
      try {
        sink._write(chunk, 'buffer', (error) => {
          this.#parsing = false;
          if (error) this.destroy(error);
          // Called back later: MQTT.js handled the frame's other packets on a later tick.
          else if (returned) this.#feed();
        });
      } catch (e) {
        // A 'message' listener threw out of MQTT.js: report it, keep parsing the next frames.
        this.#parsing = false;
        reportLater(e);
      }
      returned = true;
    }
    if (this.#next === this.#incoming.length) {
      this.#incoming.length = 0;
      this.#next = 0;
      if (this.#closing && !this.#parsing) this.destroy(this.#closeError);
    }
  }

  #socketClosed(error?: Error): void {
    if (this.destroyed || this.#closing) return;
    this.#closing = true;
    this.#closeError = error;
    this.#feed();
  }

  // --- Writable side: packets to the socket -----------------------------------------------

  /** mqtt-packet writes a packet as several small chunks, corked: they go out as one frame. */
  write(chunk: Uint8Array | string, encoding?: string | Listener, callback?: Listener): boolean {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (this.destroyed || this.#ended) {
      if (done) queueMicrotask(() => done(new Error('write after end')));
      return false;
    }
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    this.#outgoing.push(bytes);
    this.#outgoingBytes += bytes.byteLength;
    if (this.#corked === 0) this.#flush();
    if (done) queueMicrotask(() => done());
    if (this.#unsent() < this.#highWater) return true;
    this.#waitForDrain();
    return false;
  }

  /** Holds writes back, so that what is written until `uncork` goes out as one frame. */
  cork(): void {
    this.#corked++;
  }

  /** Ends one `cork`; the last one sends what was held back. */
  uncork(): void {
    if (this.#corked > 0 && --this.#corked === 0) this.#flush();
  }

  /** Sends what was written (once the socket is open), as one frame. */
  #flush(): void {
    if (this.socket.readyState !== OPEN || this.#outgoingBytes === 0 || this.destroyed) return;
    const parts = this.#outgoing;
    let data = parts[0];
    if (parts.length > 1) {
      data = new Uint8Array(this.#outgoingBytes);
      let at = 0;
      for (const part of parts) {
        data.set(part, at);
        at += part.byteLength;
      }
    }
    this.#outgoing = [];
    this.#outgoingBytes = 0;
    try {
      this.socket.send(data);
    } catch (e) {
      this.destroy(e as Error);
    }
  }

  #unsent(): number {
    return this.#outgoingBytes + (this.socket.readyState === OPEN ? this.socket.bufferedAmount : 0);
  }

  #waitForDrain(): void {
    if (this.#drainTimer !== undefined) return;
    const check = () => {
      this.#drainTimer = undefined;
      if (this.destroyed) return;
      if (this.#unsent() >= this.#highWater) {
        this.#drainTimer = setTimeout(check, DRAIN_POLL_MS);
        return;
      }
      this.emit('drain');
    };
    this.#drainTimer = setTimeout(check, DRAIN_POLL_MS);
  }

  // --- Ending -------------------------------------------------------------------------------

  /** Sends what is left and closes the socket; `close` follows when the socket has closed. */
  end(callback?: Listener): this {
    if (!this.#ended) {
      this.#ended = true;
      this.writable = false;
      this.#flush();
      if (this.socket.readyState === OPEN || this.socket.readyState === CONNECTING) this.socket.close();
    }
    queueMicrotask(() => {
      this.emit('finish');
      callback?.();
    });
    return this;
  }

  /**
   * Closes the socket and drops whatever was not sent or parsed. `error` (if given) and `close`
   * are emitted after the caller's synchronous code, as a Node stream does: `MqttClient`'s
   * `_cleanUp` relies on that order.
   */
  destroy(error?: Error | null): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    clearTimeout(this.#drainTimer);
    this.#incoming = [];
    this.#next = 0;
    this.#outgoing = [];
    this.#outgoingBytes = 0;
    this.#detach();
    if (this.socket.readyState === OPEN || this.socket.readyState === CONNECTING) this.socket.close();
    queueMicrotask(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
    return this;
  }

  // --- Events: the little of EventEmitter that MqttClient uses (on, once, removeListener) ---

  /** Adds an event listener (`error`, `close`, `drain`, …), as EventEmitter's `on`. */
  on(type: string, listener: Listener): this {
    return this.#add(type, { listener, once: false });
  }

  /** Adds a listener that runs once, as EventEmitter's `once`. */
  once(type: string, listener: Listener): this {
    return this.#add(type, { listener, once: true });
  }

  #add(type: string, entry: Registered): this {
    const list = this.#listeners.get(type);
    if (list) list.push(entry);
    else this.#listeners.set(type, [entry]);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  removeListener(type: string, listener: Listener): this {
    const list = this.#listeners.get(type);
    const i = list ? list.findIndex((entry) => entry.listener === listener) : -1;
    if (i >= 0) list!.splice(i, 1);
    return this;
  }

  /**
   * Once-listeners are dropped in one pass before the calls: MqttClient waits for `drain` with one
   * `once` per packet, and a loop of 20,000 publishes leaves that many. (The EventEmitter of
   * MQTT.js's own stack removes them one by one, searching the whole list each time: on the
   * hand-written P3 page that was 60% of the publishing time.)
   */
  emit(type: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(type);
    if (!list || list.length === 0) return false;
    if (list.some((entry) => entry.once)) {
      this.#listeners.set(type, list.filter((entry) => !entry.once));
    }
    for (const entry of list) entry.listener.apply(this, args);
    return true;
  }

  /** Accepted for MQTT.js, which calls it; there is no listener limit here to set. */
  setMaxListeners(): this {
    return this;
  }
}

/**
 * The WebSocket URL MQTT.js would dial. Fills in `options` as MQTT.js's own browser builder does
 * (`hostname`, default `port` and `path`), so that `client.options` reads the same either way.
 */
function webSocketUrl(options: IClientOptions, client: MqttClient): string {
  const secure = options.protocol === 'wss';
  options.port ||= secure ? 443 : 80;
  options.path ||= '/';
  options.wsOptions ??= {};
  options.hostname ||= options.host;
  if (!options.hostname) {
    // A relative URL ("/mqtt"): the page's own host, as MQTT.js does.
    const page = new URL(globalThis.document?.URL ?? globalThis.location?.href ?? 'http://localhost/');
    options.hostname = page.hostname;
  }
  let url = `${options.protocol}://${options.hostname}:${options.port}${options.path}`;
  if (typeof options.transformWsUrl === 'function') url = options.transformWsUrl(url, options, client);
  return url;
}

function openStream(client: MqttClient): WebSocketStream {
  const options = client.options;
  const subprotocol = options.protocolId === 'MQIsdp' && options.protocolVersion === 3 ? 'mqttv3.1' : 'mqtt';
  const url = webSocketUrl(options, client);
  const socket: SocketLike = options.createWebsocket
    ? options.createWebsocket(url, [subprotocol], options)
    : new WebSocket(url, [subprotocol]);
  return new WebSocketStream(socket, options.browserBufferSize || DEFAULT_BUFFER_SIZE);
}

/**
 * `mqtt.connect(url, options)`, but over {@link WebSocketStream} where MQTT.js would use its
 * own browser WebSocket transport. MQTT.js has no option for a transport of one's own, so the
 * client is made with `manualConnect`, its (private) `streamBuilder` replaced, and then
 * connected; `manualConnect` is restored to what the caller asked for, because `end()` reads it.
 * The builder stays in place for every reconnect.
 */
export function connectOverWebSocket(url: string, options: IClientOptions): MqttClient {
  if (typeof WebSocket !== 'function') return mqtt.connect(url, options);
  const client = mqtt.connect(url, { ...options, manualConnect: true });
  const o = client.options;
  // `servers` rotates host and protocol per attempt inside MQTT.js's own builder: leave it that.
  if ((o.protocol === 'ws' || o.protocol === 'wss') && !o.servers) {
    (client as unknown as { streamBuilder: (c: MqttClient) => unknown }).streamBuilder = openStream;
  }
  if (options.manualConnect) o.manualConnect = true;
  else delete o.manualConnect;
  if (!options.manualConnect) client.connect();
  return client;
}
