import type { IPublishPacket } from 'mqtt';
import type { QoS } from './options.js';
import { PayloadDecoder } from './payload.js';

/** A message as elements see it: the payload as a plain `Uint8Array`, plus its shared decoder. */
export interface ReceivedMessage {
  topic: string;
  payload: Uint8Array;
  retained: boolean;
  qos: QoS;
  properties?: IPublishPacket['properties'];
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
    decoder: new PayloadDecoder(bytes),
  };
  if (packet.properties) message.properties = packet.properties;
  return message;
}
