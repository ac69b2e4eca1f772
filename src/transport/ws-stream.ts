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
import { reportLater } from './report-later.js';
import { SmallEmitter, type Listener } from './small-emitter.js';
import { schedule } from './frame-scheduler.js';
import { parseChunk, type ParserSink } from './mqtt-internals.js';

/** The part of a `WebSocket` used here (MQTT.js's `createWebsocket` may return a look-alike). */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener?(type: string, listener: (event: never) => void): void;
  removeEventListener?(type: string, listener: (event: never) => void): void;
  [handler: `on${string}`]: unknown;
}

const OPEN = 1;
const CONNECTING = 0;
/** MQTT.js's `browserBufferSize` default: above this many unsent bytes, `write` says "wait". */
export const DEFAULT_BUFFER_SIZE = 512 * 1024;
/** How often a waiting writer looks at `bufferedAmount` again (a WebSocket has no drain event). */
const DRAIN_POLL_MS = 10;

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The stream `MqttClient` reads and writes through: one WebSocket, with the part of a Node
 * `Duplex` that MQTT.js uses. Made by `connectOverWebSocket` (connect.ts); not for use on its own.
 */
export class WebSocketStream extends SmallEmitter {
  /** The WebSocket this stream reads and writes. */
  readonly socket: SocketLike;
  /** As on a Node stream: set once the stream is torn down (MqttClient checks it). */
  destroyed = false;
  /** As on a Node stream; MQTT.js's pipe machinery reads it. */
  readable = true;
  /** As on a Node stream; MqttClient checks it before writing. */
  writable = true;
  /** The WebSocket opened (the upgrade succeeded): tells a failed attempt's diagnosis apart. */
  opened = false;
  /** The close code and reason the socket closed with (a refusal without CONNACK says why there). */
  closeCode?: number;
  closeReason?: string;

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
  #errorTimer?: ReturnType<typeof setTimeout>;
  #ended = false;
  #detach: () => void;

  constructor(socket: SocketLike, highWater = DEFAULT_BUFFER_SIZE) {
    super();
    this.socket = socket;
    this.#highWater = highWater;
    socket.binaryType = 'arraybuffer';
    const handlers = {
      open: () => {
        this.opened = true;
        this.#flush();
      },
      message: (event: MessageEvent) => this.#receive(event.data),
      // An open socket's `close` carries the code a refusal is told by (RabbitMQ 1002, after WebKit's
      // `error`): wait for it, 1 s at most. One that never opened has none: closed at once.
      error: (event: Event) => {
        this.#closeError ??= Object.assign(new Error('WebSocket error'), { event });
        if (!this.opened) this.#socketClosed(this.#closeError);
        else this.#errorTimer ??= setTimeout(() => this.#socketClosed(this.#closeError), 1000);
      },
      close: (event: CloseEvent) => {
        this.closeCode = event.code;
        this.closeReason = event.reason;
        this.#socketClosed(this.#closeError);
      },
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
        parseChunk(sink, chunk, (error) => {
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
    clearTimeout(this.#errorTimer);
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
    clearTimeout(this.#errorTimer);
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
}
