/**
 * One MQTT.js client's attempts, read as the connection's status machine. MQTT.js reports
 * `connect`, `reconnect`, `error`, `disconnect`, `close` and `end`; this decides what each means
 * for the status and which error to report, once per outage. No DOM; the connection supplies
 * the sink, so the rules are tested with a fake client (test/core/connection-*.test.ts,
 * test/core/attempt-redirect.test.ts).
 */
import type { IDisconnectPacket, Packet } from 'mqtt';
import { brokerReason, MqttElementsError, numericCode } from '../errors.js';
import { closeAgain, socketState, type SocketState } from '../transport/mqtt-internals.js';
import { failedAttemptMessage } from './diagnosis.js';
import { watchIdleCloses } from './idle-close.js';
import type { Attempt, AttemptSink } from './attempt-state.js';
import type { StatusBoard } from './status.js';
import type { SubscriptionRegistry } from './subscriptions.js';

export { Attempt, type AttemptPhase, type AttemptRetry, type AttemptSink } from './attempt-state.js';

/** CONNACK codes that mean "these credentials are refused" (3.1.1: 4, 5; MQTT 5: 0x86, 0x87). */
const AUTH_REFUSED = new Set([4, 5, 0x86, 0x87]);

/** What a connection's sink updates: its status, its subscriptions, and a hook on CONNACK. */
export interface SinkParts {
  board: StatusBoard;
  registry: SubscriptionRegistry;
  /** Called on each CONNACK, before the status changes. */
  connected(): void;
}

/**
 * The sink of a connection's attempt: status, errors, subscriptions, and the connect event. Once
 * the connection ended the attempt ({@link Attempt.over}), its client's events change nothing.
 */
export function connectionSink(attempt: Attempt, parts: SinkParts): AttemptSink {
  const { board, registry } = parts;
  return {
    status: (status) => {
      if (!attempt.over) board.set(status);
    },
    fail: (error, status) => {
      if (!attempt.over) board.fail(error, status);
    },
    connected: (connack) => {
      if (attempt.over) return;
      parts.connected();
      board.set('connected');
      registry.connected(!!connack.sessionPresent);
      board.emit((l) => l.connect?.(connack));
    },
    message: (topic, payload, packet) => {
      if (!attempt.over) registry.dispatch(topic, payload, packet);
    },
    closed: () => {
      if (!attempt.over) registry.disconnected();
    },
  };
}

/**
 * Whether a WebSocket close before any CONNACK is the broker refusing the credentials: RabbitMQ's
 * web_mqtt, for one, answers a wrong password with close code 1002 and reason "unauthenticated".
 */
function refusedByClose({ closeCode, closeReason }: SocketState): { code: number; reason: string } | undefined {
  if (closeCode === undefined || closeReason === undefined) return undefined;
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
  if (reasonCode === undefined || !REDIRECTS.has(reasonCode) || reference === undefined) return false;
  const label = `${via} 0x${reasonCode.toString(16).toUpperCase()}`;
  const refused = attempt.redirect(reference, label, brokerReason(reasonCode, properties));
  if (refused === false) return false;
  if (refused) sink.fail(refused);
  return true;
}

/** MQTT 5 DISCONNECT 0x8E: another client connected with this client id. */
const SESSION_TAKEN_OVER = 0x8e;

/** Follows the client's events and reports them to `sink` as status changes and coded errors. */
export function watchAttempt(attempt: Attempt, sink: AttemptSink): void {
  const client = attempt.client;
  if (!client) return;
  const idleCloses = watchIdleCloses(client);
  client.on('connect', (connack) => {
    // A CONNACK parsed only after its socket closed (seen in a Firefox background tab whose tasks
    // ran late) connects nothing: the close was already handled, and the retry must go on.
    if (socketState(client).destroyed && attempt.phase === 'down') {
      // MQTT.js took it as connected: its own close handling puts it back (keepalive stopped).
      closeAgain(client);
      return;
    }
    attempt.opened();
    sink.connected(connack);
  });
  client.on('reconnect', () => {
    if (attempt.reopening()) sink.status('reconnecting');
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
    attempt.reported();
    if (reasonCode === SESSION_TAKEN_OVER) {
      const message =
        'another client connected with this client-id and the broker dropped this one (DISCONNECT 0x8E): ' +
        'give each page its own client-id, or leave client-id out for a generated one';
      return attempt.halt(sink, new MqttElementsError('client-id-in-use', message, init));
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
      return attempt.halt(sink, new MqttElementsError('not-authorized', message, { cause: error, reasonCode: code }));
    }
    attempt.reportOnce(() =>
      sink.fail(
        new MqttElementsError('connection-failed', `connection to the broker failed: ${error.message}`, {
          cause: error,
          ...(code !== undefined ? { reasonCode: code } : {}),
        }),
      ),
    );
  });
  client.on('close', () => {
    sink.closed();
    const { was, moved } = attempt.closed();
    if (was === 'halted' || was === 'ended' || was === 'down' || client.disconnecting) return;
    const socket = socketState(client);
    const refused = was === 'opening' ? refusedByClose(socket) : undefined;
    if (refused) {
      const message = `the broker refused the credentials: it closed the WebSocket with code ${refused.code} "${refused.reason}"`;
      return attempt.halt(sink, new MqttElementsError('not-authorized', message, { reasonCode: refused.code }));
    }
    const reported = attempt.hasReported;
    attempt.down();
    if (was === 'open') {
      // An established connection was lost: `offline` until the next attempt (if any), with the
      // diagnosis when it keeps being lost after the same silence (a proxy's idle timeout).
      const idle = idleCloses.lost();
      if (idle) sink.fail(idle, 'offline');
      else sink.status('offline');
    } else if (reported) {
      // An attempt that failed: status `error` (README: Errors: errors reflect as status), until the next
      // attempt makes it `reconnecting`. The error itself is reported once per outage.
      sink.status('error');
    } else if (moved === 'followed') {
      // A CONNACK sent the client to another node of the list: the next attempt goes at once.
    } else {
      // Browsers report a refused WebSocket only as a close: this is the only sign of failure.
      // The transport's stream says whether its WebSocket opened (a stand-in stream may not).
      const message = failedAttemptMessage({ url: attempt.url, opened: socket.opened, protocolVersion: client.options.protocolVersion ?? 4 });
      attempt.reportOnce(() => sink.fail(new MqttElementsError('connection-failed', message), 'error'));
    }
  });
  client.on('end', () => {
    attempt.ended();
    if (attempt.phase === 'ended') sink.status('closed');
  });
}
