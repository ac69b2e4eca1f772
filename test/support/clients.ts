// Helpers around a raw MQTT.js client, for the transport tests (scripted socket and brokers alike).
import type { MqttClient } from 'mqtt';

/** Collects the client's messages from now on as [topic, payload text]. */
export function messages(client: MqttClient): Array<[string, string]> {
  const got: Array<[string, string]> = [];
  client.on('message', (topic, payload) => got.push([topic, new TextDecoder().decode(payload)]));
  return got;
}
