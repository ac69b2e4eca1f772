// Stands in for src/transport/connect.ts in the "mqttjs-transport" ablation build: the connection
// gets MQTT.js's own browser WebSocket transport, as before ws-stream.ts existed.
import mqtt from 'mqtt';

export function connectOverWebSocket(url, options) {
  return mqtt.connect(url, options);
}

// Pointing a client at another URL is the same with either transport.
export { retarget } from '../../src/transport/connect.ts';
