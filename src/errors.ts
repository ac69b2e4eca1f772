import { redactUrlsIn } from './core/redact-url.js';

/**
 * The stable error codes (README: Errors), part of the public API. Code that reacts to errors should switch on `code`, never on
 * the message, which is written for people and may change.
 */
export type MqttErrorCode =
  | 'invalid-url'
  | 'insecure-url'
  | 'invalid-topic'
  | 'invalid-qos'
  | 'not-authorized'
  | 'connection-failed'
  | 'subscribe-denied'
  | 'publish-failed'
  | 'payload-format'
  | 'unsafe-binding'
  | 'binding-failed'
  | 'no-connection'
  | 'client-id-in-use'
  | 'redirect-refused'
  | 'response-timeout'
  | 'not-confirmed'
  | 'unsupported';

/** Extra facts an error may carry: the broker's MQTT 5 reason, and what caused it. */
export interface MqttErrorInit {
  cause?: unknown;
  /** Reason code from the broker (CONNACK return code, SUBACK/PUBACK/DISCONNECT reason code). */
  reasonCode?: number;
  /** MQTT 5 reason string from the broker, when it sent one. */
  reasonString?: string;
  /** MQTT 5 user properties the broker sent with its answer. */
  userProperties?: Record<string, string | string[]>;
}

/** The reason code, reason string and user properties of a broker's MQTT 5 answer, as error facts. */
export function brokerReason(
  reasonCode: number | undefined,
  properties: { reasonString?: string; userProperties?: Record<string, string | string[]> } | undefined,
): MqttErrorInit {
  const init: MqttErrorInit = {};
  if (reasonCode !== undefined) init.reasonCode = reasonCode;
  if (properties?.reasonString) init.reasonString = properties.reasonString;
  if (properties?.userProperties && Object.keys(properties.userProperties).length > 0) init.userProperties = properties.userProperties;
  return init;
}

/**
 * Every error this package reports: an `Error` with a stable string `code`.
 * Elements never throw these out of attribute changes; they set `error`, reflect
 * `status="error"` where they have one, and dispatch `mqtt-error`.
 */
export class MqttElementsError extends Error {
  /** Always `MqttElementsError`: what {@link isMqttElementsError} checks, across bundles too. */
  override name = 'MqttElementsError';
  /** Stable, machine-readable error code. */
  readonly code: MqttErrorCode;
  /** Reason code from the broker, when the error came from one. */
  readonly reasonCode?: number;
  /** MQTT 5 reason string from the broker, when it sent one. */
  readonly reasonString?: string;
  /** MQTT 5 user properties the broker sent with its answer. */
  readonly userProperties?: Record<string, string | string[]>;

  constructor(code: MqttErrorCode, message: string, init: MqttErrorInit = {}) {
    super(message);
    this.code = code;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
    if (init.reasonCode !== undefined) this.reasonCode = init.reasonCode;
    if (init.reasonString !== undefined) this.reasonString = init.reasonString;
    if (init.userProperties !== undefined) this.userProperties = init.userProperties;
  }
}

/** A numeric `code` on an MQTT.js error (a CONNACK, PUBACK or SUBACK reason code), if any. */
export function numericCode(error: Error): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** True for errors made by this package (also across two copies of it on one page). */
export function isMqttElementsError(e: unknown): e is MqttElementsError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && e.name === 'MqttElementsError';
}

/**
 * `e` if it is a coded error already, else a `connection-failed` error with its message. A message
 * that names a URL (a browser's `WebSocket` constructor does) shows it without userinfo or query,
 * and then the original error is not kept as `cause`, since its own message still would.
 */
export function toCodedError(e: unknown): MqttElementsError {
  if (e instanceof MqttElementsError) return e;
  const message = (e as Error)?.message ?? String(e);
  const shown = redactUrlsIn(message);
  return new MqttElementsError('connection-failed', shown, shown === message ? { cause: e } : {});
}
