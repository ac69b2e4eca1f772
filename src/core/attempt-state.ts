/**
 * One client's attempts as an object that alone owns their state (phase, URL, schedule, whether
 * the outage was reported), as `@lit/task` owns its status. attempt.ts reads the client's events
 * and calls it; the connection begins, halts and ends it; the retry schedule retargets it. No DOM.
 */
import type { IConnackPacket, IPublishPacket, MqttClient } from 'mqtt';
import type { MqttElementsError, MqttErrorInit } from '../errors.js';
import { retarget } from '../transport/connect.js';
import { setNextOptions } from '../transport/mqtt-internals.js';
import type { ConnectionStatus } from './status.js';

/** Where one client's attempt stands (see {@link Attempt}). */
export type AttemptPhase = 'preparing' | 'opening' | 'open' | 'down' | 'halted' | 'ended';

/**
 * One client's attempts, the one owner of their state: only this object writes its phase, its
 * URL, its schedule and whether the current outage was reported. `phase`: `preparing` while the
 * connection waits for credentials or stores (no client yet), `opening` until a CONNACK, then
 * `open`; `down` once the socket closed (the schedule may try again: back to `opening`); `halted`
 * after refused credentials (no more attempts); `ended` once the connection ended it.
 *
 * Stale results are dropped ONE way: by {@link over}. Whatever answers later for an attempt the
 * connection let go of (a credentials function, its client's events) changes nothing; the
 * connection ends and lets go of an attempt in one place (its teardown) before making another.
 * Its retry schedule stops with it ({@link stopped}: halted or ended).
 */
export class Attempt {
  #client?: MqttClient;
  #url: string;
  #phase: AttemptPhase = 'preparing';
  /** The error of the current outage (since the last CONNACK) was reported. */
  #reported = false;
  #moved?: 'followed' | 'refused' | undefined;
  #retry?: AttemptRetry | undefined;
  #startedAt = 0;
  /** Ended by the connection (not only by its client): everything later is stale. */
  #over = false;

  /** @param url the broker URL the first try goes to; `client`: begun at once (see {@link begin}). */
  constructor(url: string, client?: MqttClient) {
    this.#url = url;
    if (client) this.begin(client, url);
  }

  /** The client made (a credentials function answered, the stores opened): its first try opens. */
  begin(client: MqttClient, url: string): void {
    if (this.#phase !== 'preparing') return;
    this.#client = client;
    this.#url = url;
    this.#phase = 'opening';
    this.#startedAt = Date.now();
  }

  /** The client, once begun. */
  get client(): MqttClient | undefined {
    return this.#client;
  }
  /** The broker URL of the current (or last) try: failover and signed URLs change it. */
  get url(): string {
    return this.#url;
  }
  get phase(): AttemptPhase {
    return this.#phase;
  }
  /** When the client's first CONNECT was sent (ms): its place among claims of one client id. */
  get startedAt(): number {
    return this.#startedAt;
  }
  /**
   * A broker's server reference on this socket (DISCONNECT or CONNACK 0x9C/0x9D), until it
   * closes: `followed` (the next attempt goes to that node of the list; the close is no failure)
   * or `refused` (its error is this outage's).
   */
  get moved(): 'followed' | 'refused' | undefined {
    return this.#moved;
  }
  /** The connection let go of this attempt: everything answered for it later is stale. */
  get over(): boolean {
    return this.#over;
  }
  /** No more tries: halted or ended. */
  get stopped(): boolean {
    return this.#phase === 'halted' || this.#phase === 'ended';
  }

  /** When and where the client tries again (set once, by the connection). */
  schedule(retry: AttemptRetry): void {
    this.#retry ??= retry;
  }

  /**
   * Reports an error of the current outage once: `report` runs only if none was reported since
   * the last CONNACK. The one rule of "one error per outage" (README: Reconnects).
   */
  reportOnce(report: () => void): void {
    if (this.#reported) return;
    this.#reported = true;
    report();
  }
  /** An error that is reported whatever came before (a broker's DISCONNECT, a refused redirect). */
  reported(): void {
    this.#reported = true;
  }
  /** Whether this outage's error was reported. */
  get hasReported(): boolean {
    return this.#reported;
  }

  /** A CONNACK: open, a new outage may be reported, the schedule starts over. */
  opened(): void {
    this.#phase = 'open';
    this.#reported = false;
    this.#moved = undefined;
    this.#retry?.connected();
  }
  /** MQTT.js tries again; false if this attempt is stopped (the try is none of its business). */
  reopening(): boolean {
    if (this.stopped || this.#phase === 'preparing') return false;
    this.#phase = 'opening';
    return true;
  }
  /** The socket closed: its phase before, and where a server reference sent it (then forgotten). */
  closed(): { was: AttemptPhase; moved: 'followed' | 'refused' | undefined } {
    const closed = { was: this.#phase, moved: this.#moved };
    this.#moved = undefined;
    return closed;
  }
  /** The close was a loss: the schedule takes the next try. */
  down(): void {
    this.#phase = 'down';
    this.#retry?.down();
  }
  /** The client ended (by the connection, or by a page calling its `end()`); a halt stays a halt. */
  ended(): void {
    if (this.#phase !== 'halted') this.#phase = 'ended';
  }

  /**
   * A broker's server reference: followed if it names a node of the list, else refused and
   * returned for the caller to report (the schedule decides, server-reference.ts).
   */
  redirect(reference: unknown, via: string, init?: MqttErrorInit): MqttElementsError | undefined | false {
    if (!this.#retry) return false;
    const refused = this.#retry.redirect(reference, via, init);
    this.#moved = refused ? 'refused' : 'followed';
    if (refused) this.#reported = true;
    return refused;
  }

  /** Points the next try at `url` (failover, a signed URL, a redirect). */
  retarget(url: string): void {
    this.#url = url;
    if (this.#client) retarget(this.#client, url);
  }
  /** Logs the next try in with a credentials function's answer. */
  login(login: { username?: string; password?: string }): void {
    if (this.#client) setNextOptions(this.#client, login);
  }
  /** The page woke (online, visible, resumed): waiting for a retry, try at once. */
  retryNow(): void {
    this.#retry?.now();
  }

  /** Stops for good (refused credentials, a client id taken over): no more retries. */
  halt(sink: AttemptSink, error: MqttElementsError): void {
    this.#phase = 'halted';
    this.#retry?.stop();
    sink.fail(error, 'error');
    this.#client?.end(true);
  }
  /** The connection ends it (its teardown): no more tries. */
  end(): void {
    this.#phase = 'ended';
    this.#retry?.stop();
  }
  /** The connection let go of it: from now on everything answered for it is stale ({@link over}). */
  drop(): void {
    this.#over = true;
  }
}

/**
 * What an attempt asks of its retry schedule (retry.ts's `RetrySchedule`, which reads the attempt:
 * named here rather than imported, so that the two files do not import each other).
 */
export interface AttemptRetry {
  /** The client is connected: the schedule starts over. */
  connected(): void;
  /** The socket closed: the schedule takes the next try. */
  down(): void;
  /** A server reference: undefined if followed, else the `redirect-refused` error. */
  redirect(reference: unknown, via: string, init?: MqttErrorInit): MqttElementsError | undefined;
  /** The page woke (online, visible, resumed): try at once. */
  now(): void;
  /** No more tries. */
  stop(): void;
}

/** What an attempt tells its connection (which ignores all of it once it let go of the attempt: `over`). */
export interface AttemptSink {
  status(status: ConnectionStatus): void;
  fail(error: MqttElementsError, status?: ConnectionStatus): void;
  connected(connack: IConnackPacket): void;
  message(topic: string, payload: Uint8Array, packet: IPublishPacket): void;
  /** The socket closed: subscriptions wait for the next CONNACK. */
  closed(): void;
}

