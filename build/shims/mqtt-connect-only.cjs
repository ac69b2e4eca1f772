// Stands in for MQTT.js's own transports in the CDN bundle: lib/connect/ws.js (with its
// BufferedDuplex), wx.js, ali.js, tcp.js, tls.js (and socks.js behind them). MQTT.js picks one
// only in `mqtt.connect()`; this package makes its clients with `new MqttClient(streamBuilder,
// options)` over its own WebSocket transport (src/transport/connect.ts, ws-stream.ts), so none
// of them is ever called.
'use strict';

function notInBundle() {
  throw new Error("MQTT.js's own transports are not in the mqtt-elements CDN bundle: it connects through its own WebSocket transport");
}

module.exports = { default: notInBundle, streamBuilder: notInBundle, browserStreamBuilder: notInBundle };
