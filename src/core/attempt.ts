/**
 * One MQTT.js client's attempts, read as the connection's status machine. MQTT.js reports
 * `connect`, `reconnect`, `error`, `disconnect`, `close` and `end`; this decides what each means
 * for the status and which error to report, once per outage. No DOM; the connection supplies
 * the sink, so the rules are tested with a fake client (test/core/connection.test.ts,
 * test/core/attempt-redirect.test.ts).
 */
import type { IConnackPacket, IDisconnectPacket, IPublishPacket, MqttClient, Packet } from 'mqtt';
import { brokerReason, MqttElementsError, numericCode, type MqttErrorInit } from '../errors.js';
import { failedAttemptMessage } from './diagnosis.js';
import { watchIdleCloses } from './idle-close.js';
import type { ConnectionStatus, StatusBoard } from './status.js';
import type { SubscriptionRegistry } from './subscriptions.js';

/** CONNACK codes that mean "these credentials are refused" (3.1.1: 4, 5; MQTT 5: 0x86, 0x87). */
const AUTH_REFUSED = new Set([4, 5, 0x86, 0x87]);

/**
 * One client's current attempt. `phase`: `opening` until a CONNACK, then `open`; `down` once the
 * socket closed (MQTT.js may try again: back to `opening`); `halted` after refused credentials (no
 * more attempts); `ended` once the client was ended. `reported`: the error of the current outage
 * (since the last CONNACK) was reported, so later failed attempts of it are not reported again.
 */
export interface Attempt {
  readonly client: MqttClient;
  /** The broker URL of the current (or last) try: failover and signed URLs change it. */
  url: string;
  phase: 'opening' | 'open' | 'down' | 'halted' | 'ended';
  reported: boolean;
  /** When the client's first CONNECT was sent (ms): its place among claims of one client id. */
  readonly startedAt: number;
  /** When and where the client tries again (absent: it does not). */
  retry?: AttemptRetry | undefined;
  /**
   * A broker's server reference on this socket (DISCONNECT or CONNACK 0x9C/0x9D), until it
   * closes: `followed` (the next attempt goes to that node of the list; the close is no failure)
   * or `refused` (its error is this outage's).
   */
  moved?: 'followed' | 'refused' | undefined;
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

/** What an attempt tells its connection (which ignores all of it once the client is replaced). */
export interface AttemptSink {
  status(status: ConnectionStatus): void;
  fail(error: MqttElementsError, status?: ConnectionStatus): void;
  connected(connack: IConnackPacket): void;
  message(topic: string, payload: Uint8Array, packet: IPublishPacket): void;
  /** The socket closed: subscriptions wait for the next CONNACK. */
  closed(): void;
}

/** What a connection's sink updates: its status, its subscriptions, and a hook on CONNACK. */
export interface SinkParts {
  board: StatusBoard;
  registry: SubscriptionRegistry;
  /** False once the attempt's client was replaced: its events then change nothing. */
  current(): boolean;
  /** Called on each CONNACK, before the status changes. */
  connected(): void;
}

/** The sink of a connection's current attempt: status, errors, subscriptions, and the connect event. */
export function connectionSink(parts: SinkParts): AttemptSink {
  const { board, registry, current } = parts;
  return {
    status: (status) => {
      if (current()) board.set(status);
    },
    fail: (error, status) => {
      if (current()) board.fail(error, status);
    },
    connected: (connack) => {
      if (!current()) return;
      parts.connected();
      board.set('connected');
      registry.connected(!!connack.sessionPresent);
      board.emit((l) => l.connect?.(connack));
    },
    message: (topic, payload, packet) => {
      if (current()) registry.dispatch(topic, payload, packet);
    },
    closed: () => {
      if (current()) registry.disconnected();
    },
  };
}

/** Stops an attempt for good (refused credentials, a client id taken over): no more retries. */
export function haltAttempt(attempt: Attempt, sink: AttemptSink, error: MqttElementsError): void {
  attempt.phase = 'halted';
  attempt.retry?.stop();
  sink.fail(error, 'error');
  attempt.client.end(true);
}

/**
 * Whether a WebSocket close before any CONNACK is the broker refusing the credentials: RabbitMQ's
 * web_mqtt, for one, answers a wrong password with close code 1002 and reason "unauthenticated".
 */
function refusedByClose(stream: unknown): { code: number; reason: string } | undefined {
  const { closeCode, closeReason } = (stream ?? {}) as { closeCode?: unknown; closeReason?: unknown };
  if (typeof closeCode !== 'number' || typeof closeReason !== 'string') return undefined;
  return /unauthori[sz]ed|unauthenticated|not authori[sz]ed|bad (user ?name|credentials|password)/i.test(closeReason)
    ? { code: closeCode, reason: closeReason }
    : undefined;
}

/** MQTT 5 0x9C "use another server" and 0x9D "server moved" (DISCONNECT or CONNACK): a server reference to go to. */
const REDIRECTS = new Set([0x9c, 0x9d]);

/** What a DISCONNECT or CONNACK carries that may send the client to another server. */
interface MovePacket {
  reasonCode?: number | undefined;
  properties?: { serverReference?: string; reasonString?: string; userProperties?: Record<string, string | string[]> } | undefined;
}

/**
 * A DISCONNECT or CONNACK that sends the client to another server: followed only to a node of
 * the url list (the retry schedule decides, server-reference.ts), so a broker cannot send the
 * page's credentials to a host the page never named; a refusal is reported, and the schedule
 * goes on over the list. False when the packet is no redirect (another reason, no reference).
 */
function serverMoved(attempt: Attempt, sink: AttemptSink, packet: MovePacket, via: 'DISCONNECT' | 'CONNACK'): boolean {
  const { reasonCode, properties } = packet;
  const reference = properties?.serverReference;
  if (reasonCode === undefined || !REDIRECTS.has(reasonCode) || reference === undefined || !attempt.retry) return false;
  const label = `${via} 0x${reasonCode.toString(16).toUpperCase()}`;
  const refused = attempt.retry.redirect(reference, label, brokerReason(reasonCode, properties));
  attempt.moved = refused ? 'refused' : 'followed';
  if (refused) {
    attempt.reported = true;
    sink.fail(refused);
  }
  return true;
}

/** MQTT 5 DISCONNECT 0x8E: another client connected with this client id. */
const SESSION_TAKEN_OVER = 0x8e;

/** Follows the client's events and reports them to `sink` as status changes and coded errors. */
export function watchAttempt(attempt: Attempt, sink: AttemptSink): void {
  const { client } = attempt;
  const idleCloses = watchIdleCloses(client);
  client.on('connect', (connack) => {
    // A CONNACK parsed only after its socket closed (seen in a Firefox background tab whose tasks
    // ran late) connects nothing: the close was already handled, and the retry must go on.
    if ((client.stream as { destroyed?: unknown } | undefined)?.destroyed === true && attempt.phase === 'down') {
      // MQTT.js took it as connected: its own close handling puts it back (keepalive stopped).
      queueMicrotask(() => client.emit('close'));
      return;
    }
    attempt.phase = 'open';
    attempt.reported = false;
    attempt.moved = undefined;
    attempt.retry?.connected();
    sink.connected(connack);
  });
  client.on('reconnect', () => {
    if (attempt.phase === 'halted' || attempt.phase === 'ended') return;
    attempt.phase = 'opening';
    sink.status('reconnecting');
  });
  client.on('message', (topic, payload, packet) => sink.message(topic, payload, packet));
  // A refused CONNACK reaches `error` as a bare code; its server reference is only on the packet,
  // which MQTT.js emits as `packetreceive` before it handles it.
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd === 'connack' && attempt.phase === 'opening') serverMoved(attempt, sink, packet, 'CONNACK');
  });
  client.on('disconnect', (packet: IDisconnectPacket) => {
    if (serverMoved(attempt, sink, packet, 'DISCONNECT')) return;
    const { reasonCode } = packet;
    const init = brokerReason(reasonCode, packet.properties);
    attempt.reported = true;
    if (reasonCode === SESSION_TAKEN_OVER) {
      const message =
        'another client connected with this client-id and the broker dropped this one (DISCONNECT 0x8E): ' +
        'give each page its own client-id, or leave client-id out for a generated one';
      return haltAttempt(attempt, sink, new MqttElementsError('client-id-in-use', message, init));
    }
    const said = init.reasonString ? `: "${init.reasonString}"` : '';
    sink.fail(new MqttElementsError('connection-failed', `the broker disconnected this client (reason code ${reasonCode ?? 0})${said}`, init));
  });
  client.on('error', (error: Error) => {
    if (attempt.phase === 'halted') return;
    const code = numericCode(error);
    // The CONNACK's server reference was already followed or reported (packetreceive).
    if (attempt.moved && code !== undefined && REDIRECTS.has(code)) return;
    if (code !== undefined && AUTH_REFUSED.has(code) && attempt.phase === 'opening') {
      // A wrong password must not hammer the broker: stop until settings change or connect().
      const message = `the broker refused the credentials: ${error.message}`;
      return haltAttempt(attempt, sink, new MqttElementsError('not-authorized', message, { cause: error, reasonCode: code }));
    }
    if (attempt.reported) return;
    attempt.reported = true;
    sink.fail(
      new MqttElementsError('connection-failed', `connection to the broker failed: ${error.message}`, {
        cause: error,
        ...(code !== undefined ? { reasonCode: code } : {}),
      }),
    );
  });
  client.on('close', () => {
    sink.closed();
    const was = attempt.phase;
    const moved = attempt.moved;
    attempt.moved = undefined;
    if (was === 'halted' || was === 'ended' || was === 'down' || client.disconnecting) return;
    const refused = was === 'opening' ? refusedByClose(client.stream) : undefined;
    if (refused) {
      const message = `the broker refused the credentials: it closed the WebSocket with code ${refused.code} "${refused.reason}"`;
      return haltAttempt(attempt, sink, new MqttElementsError('not-authorized', message, { reasonCode: refused.code }));
    }
    attempt.phase = 'down';
    attempt.retry?.down();
    if (was === 'open') {
      // An established connection was lost: `offline` until the next attempt (if any), with the
      // diagnosis when it keeps being lost after the same silence (a proxy's idle timeout).
      const idle = idleCloses.lost();
      if (idle) sink.fail(idle, 'offline');
      else sink.status('offline');
    } else if (attempt.reported) {
      // An attempt that failed: status `error` (README: Errors: errors reflect as status), until the next
      // attempt makes it `reconnecting`. The error itself is reported once per outage.
      sink.status('error');
    } else if (moved === 'followed') {
      // A CONNACK sent the client to another node of the list: the next attempt goes at once.
    } else {
      // Browsers report a refused WebSocket only as a close: this is the only sign of failure.
      attempt.reported = true;
      // The transport's stream says whether its WebSocket opened (a stand-in stream may not).
      const opened = (client.stream as { opened?: unknown } | undefined)?.opened === true;
      const message = failedAttemptMessage({ url: attempt.url, opened, protocolVersion: client.options.protocolVersion ?? 4 });
      sink.fail(new MqttElementsError('connection-failed', message), 'error');
    }
  });
  client.on('end', () => {
    if (attempt.phase === 'halted') return;
    attempt.phase = 'ended';
    sink.status('closed');
  });
}
