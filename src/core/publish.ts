/**
 * The rules of an outgoing PUBLISH, owned here: where it may go (a topic name, a QoS) and what
 * its payload becomes on the wire. `MqttConnection.publish` applies them; `<mqtt-publish>` calls
 * {@link publishTarget} only to report a bad setting as soon as it is made. Pure, no DOM.
 */
import type { IClientPublishOptions } from 'mqtt';
import { brokerReason, MqttElementsError, numericCode } from '../errors.js';
import { parseQos, type QoS } from './options.js';
import { assertTopicName } from './topic.js';

/** Options of `MqttConnection.publish`; `properties` are MQTT 5 PUBLISH properties. */
export interface PublishOptions {
  /** 0, 1 or 2 (a numeric string is accepted); default 0. */
  qos?: unknown;
  retain?: boolean;
  properties?: IClientPublishOptions['properties'];
}

/** Checks where a publish goes: throws `invalid-topic` or `invalid-qos`, else returns the QoS. */
export function publishTarget(topic: unknown, qos: unknown): QoS {
  assertTopicName(topic);
  return qos === undefined || qos === null ? 0 : parseQos(qos);
}

/**
 * What a value becomes on the wire: strings as UTF-8, bytes as they are, `undefined`/`null` as an
 * empty payload, everything else (numbers, booleans, objects) as JSON.
 */
export function encodePayload(value: unknown): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** The MQTT 5 PUBLISH properties `<mqtt-publish>` takes from its attributes. */
export interface PublishPropertySettings {
  contentType?: string | undefined;
  messageExpiry?: number | undefined;
  responseTopic?: string | undefined;
  correlationData?: string | undefined;
  /** A JSON object of strings (from an attribute) or the object itself (from a property). */
  userProperties?: string | Record<string, string | string[]> | undefined;
}

/**
 * MQTT 5 PUBLISH properties from the element's settings; undefined when none is set. Throws
 * `payload-format` when `userProperties` is text that is not JSON.
 */
export function publishProperties(settings: PublishPropertySettings): IClientPublishOptions['properties'] {
  const properties: NonNullable<IClientPublishOptions['properties']> = {};
  if (settings.contentType) properties.contentType = settings.contentType;
  const expiry = settings.messageExpiry;
  if (expiry !== undefined && expiry !== null && !Number.isNaN(expiry)) properties.messageExpiryInterval = expiry;
  if (settings.responseTopic) properties.responseTopic = settings.responseTopic;
  // MQTT.js types it as a Buffer; it writes any Uint8Array.
  if (settings.correlationData) properties.correlationData = new TextEncoder().encode(settings.correlationData) as never;
  let user = settings.userProperties;
  if (typeof user === 'string') {
    try {
      user = JSON.parse(user) as Record<string, string | string[]>;
    } catch (e) {
      throw new MqttElementsError('payload-format', `user-properties must be a JSON object: ${(e as Error).message}`);
    }
  }
  if (user) properties.userProperties = user;
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/** The part of MQTT.js's client a publish uses. */
export interface PublishTransport {
  publish(
    topic: string,
    payload: string | Uint8Array,
    options: IClientPublishOptions,
    callback: (error?: Error, packet?: { properties?: Parameters<typeof brokerReason>[1] }) => void,
  ): unknown;
}

/**
 * Hands an encoded publish to MQTT.js and waits for it: QoS 0 written, QoS 1/2 acknowledged.
 * A failure becomes `publish-failed`, with the broker's reason code when it gave one (MQTT 5).
 */
export function sendPublish(client: PublishTransport, topic: string, body: string | Uint8Array, options: IClientPublishOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.publish(topic, body, options, (error, packet) => {
      if (!error) return resolve();
      // MQTT 5: the PUBACK's reason code, reason string and user properties say why.
      const init = { cause: error, ...brokerReason(numericCode(error), packet?.properties) };
      reject(new MqttElementsError('publish-failed', `publish to "${topic}" failed: ${error.message}`, init));
    });
  });
}
