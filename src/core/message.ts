/**
 * The one shape of a received message. `<mqtt-subscribe>`'s `message` is an {@link MqttMessage};
 * the `mqtt-message` event's detail adds the decoded `value`; a subscription callback gets a
 * {@link ReceivedMessage}, which adds the decoder that every element the message reaches shares.
 */
import type { IPublishPacket } from 'mqtt';
import type { QoS } from './options.js';
import { PayloadDecoder } from './payload.js';

/** A received message, as `<mqtt-subscribe>` exposes it in `message` and `messages`. */
export interface MqttMessage {
  topic: string;
  /** The payload's bytes, as received. */
  payload: Uint8Array;
  /** Sent as retained by the broker, or replayed to an element that subscribed late. */
  retained: boolean;
  qos: QoS;
  /** When it arrived: milliseconds since the epoch, by the local clock. */
  receivedAt: number;
  /** MQTT 5 PUBLISH properties, in MQTT.js's shape (`userProperties`, `contentType`, …). */
  properties?: IPublishPacket['properties'];
}

/** A message as subscription callbacks get it: plus the decoder every holder shares. */
export interface ReceivedMessage extends MqttMessage {
  /** Decodes the payload at most once per format, shared by every element the message reaches. */
  decoder: PayloadDecoder;
}

/**
 * Makes the one `ReceivedMessage` that every matching subscription shares. The payload is copied
 * once into an exact-size `Uint8Array`: MQTT.js may hand out a view into a larger pooled buffer,
 * and a user holding `payload.buffer` must see this message's bytes only.
 */
export function toReceivedMessage(topic: string, payload: Uint8Array, packet: IPublishPacket): ReceivedMessage {
  const bytes = new Uint8Array(payload);
  const message: ReceivedMessage = {
    topic,
    payload: bytes,
    retained: !!packet.retain,
    qos: (packet.qos ?? 0) as QoS,
    receivedAt: Date.now(),
    decoder: new PayloadDecoder(bytes, topic),
  };
  if (packet.properties) message.properties = packet.properties;
  return message;
}

/** The plain message of a received one (no decoder): what `message` and `messages` hold. */
export function plainMessage(received: ReceivedMessage): MqttMessage {
  const message: MqttMessage = {
    topic: received.topic,
    payload: received.payload,
    retained: received.retained,
    qos: received.qos,
    receivedAt: received.receivedAt,
  };
  if (received.properties) message.properties = received.properties;
  return message;
}
