import type { IConnackPacket } from 'mqtt';
import type { ConnectionStatus } from './core/connection.js';
import type { MqttMessage } from './core/message.js';

/** Every event of this package bubbles and crosses shadow roots, so a page can listen once, high up. */
const init = { bubbles: true, composed: true } as const;

/** Detail of `mqtt-status`. */
export interface MqttStatusDetail {
  status: ConnectionStatus;
  error?: Error;
}

/** Fired by `<mqtt-connection>` on every status change. */
export class MqttStatusEvent extends CustomEvent<MqttStatusDetail> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-status';
  constructor(detail: MqttStatusDetail) {
    super(MqttStatusEvent.type, { ...init, detail });
  }
}

/** Detail of `mqtt-connect`. */
export interface MqttConnectDetail {
  connack: IConnackPacket;
}

/** Fired by `<mqtt-connection>` on every successful connect and reconnect. */
export class MqttConnectEvent extends CustomEvent<MqttConnectDetail> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-connect';
  constructor(detail: MqttConnectDetail) {
    super(MqttConnectEvent.type, { ...init, detail });
  }
}

/** Detail of `mqtt-error`: an `Error` with a stable `code` (see `MqttElementsError`). */
export interface MqttErrorDetail {
  error: Error & { code?: string };
}

/** Fired by any element when it reports an error; the element keeps working. */
export class MqttErrorEvent extends CustomEvent<MqttErrorDetail> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-error';
  constructor(detail: MqttErrorDetail) {
    super(MqttErrorEvent.type, { ...init, detail });
  }
}

/** Detail of `mqtt-message`: the message, and its payload decoded. */
export interface MqttMessageDetail<T = unknown> extends MqttMessage {
  /** The payload decoded per the element's `format` and `path`; undefined when decoding failed. */
  value: T;
}

/** Fired by `<mqtt-subscribe>` for every message matching its filter. */
export class MqttMessageEvent<T = unknown> extends CustomEvent<MqttMessageDetail<T>> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-message';
  constructor(detail: MqttMessageDetail<T>) {
    super(MqttMessageEvent.type, { ...init, detail });
  }
}

/** Detail of `mqtt-published`. */
export interface MqttPublishedDetail {
  topic: string;
  /** The payload as it was sent. */
  payload: string | Uint8Array;
}

/** Fired by `<mqtt-publish>` once a publish completed (QoS 0 written, QoS 1/2 acknowledged). */
export class MqttPublishedEvent extends CustomEvent<MqttPublishedDetail> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-published';
  constructor(detail: MqttPublishedDetail) {
    super(MqttPublishedEvent.type, { ...init, detail });
  }
}

/** Detail of `mqtt-response`: the reply to a request of `<mqtt-publish expect-response>`. */
export interface MqttResponseDetail<T = unknown> {
  topic: string;
  payload: Uint8Array;
  /** The reply decoded per the element's `format` and `path`; undefined when decoding failed. */
  value: T;
  /** The reply's MQTT 5 properties (its `correlationData`, `userProperties`, …). */
  properties?: MqttMessage['properties'];
}

/** Fired by `<mqtt-publish expect-response>` when the reply to its request arrived. */
export class MqttResponseEvent<T = unknown> extends CustomEvent<MqttResponseDetail<T>> {
  /** The event's name, for `addEventListener`. */
  static readonly type = 'mqtt-response';
  constructor(detail: MqttResponseDetail<T>) {
    super(MqttResponseEvent.type, { ...init, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mqtt-status': MqttStatusEvent;
    'mqtt-connect': MqttConnectEvent;
    'mqtt-error': MqttErrorEvent;
    'mqtt-message': MqttMessageEvent;
    'mqtt-published': MqttPublishedEvent;
    'mqtt-response': MqttResponseEvent;
  }
}
