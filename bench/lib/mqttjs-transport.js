// Stands in for src/core/ws-stream.js in the "mqttjs-transport" ablation build: the connection
// gets MQTT.js's own browser WebSocket transport, as before ws-stream.ts existed.
import mqtt from 'mqtt';

export function connectOverWebSocket(url, options) {
  return mqtt.connect(url, options);
}

export class WebSocketStream {}
