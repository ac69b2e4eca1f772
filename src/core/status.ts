/**
 * A connection's status, its last error, and who is told of them. `MqttConnection` owns one;
 * `<mqtt-connection>` listens to it (reflected `status`, `mqtt-status`, `mqtt-error`). No DOM.
 */
import type { IConnackPacket } from 'mqtt';
import type { MqttElementsError } from '../errors.js';
import { reportLater } from '../transport/report-later.js';

/** Where a connection stands; reflected by `<mqtt-connection status>`. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed' | 'error';

/** Told of what happens to a connection; every callback is optional. */
export interface ConnectionListener {
  status?(status: ConnectionStatus, error?: MqttElementsError): void;
  connect?(connack: IConnackPacket): void;
  error?(error: MqttElementsError): void;
}

/** The status, the last error and the listeners of one connection. */
export class StatusBoard {
  status: ConnectionStatus = 'idle';
  error?: MqttElementsError;
  readonly #listeners = new Set<ConnectionListener>();
  /** The error of the current outage (a broker's DISCONNECT, say): `offline` carries it too. */
  #outage?: MqttElementsError;

  /** Adds a listener; returns the function that removes it. */
  listen(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Moves to `status` and tells the listeners: `error` carries the last error, `offline` the
   * error that ended the connection, if one did (a DISCONNECT's reason code and string).
   */
  set(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    if (status === 'connected') this.#outage = undefined;
    const error = status === 'error' ? this.error : status === 'offline' ? this.#outage : undefined;
    this.emit((l) => l.status?.(status, error));
  }

  /** Records and reports `error`, moving to `status` first when one is given. */
  fail(error: MqttElementsError, status?: ConnectionStatus): void {
    this.error = error;
    this.#outage = error;
    if (status) this.set(status);
    this.emit((l) => l.error?.(error));
  }

  /** Calls every listener; one that throws is reported later and does not stop the others. */
  emit(call: (listener: ConnectionListener) => void): void {
    for (const listener of [...this.#listeners]) {
      try {
        call(listener);
      } catch (e) {
        reportLater(e);
      }
    }
  }
}
