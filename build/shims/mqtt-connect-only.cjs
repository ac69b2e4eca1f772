// Stands in, in the CDN bundle and dist/vendor/mqtt.js, for what only MQTT.js's `connect()` uses: its own transports
// (lib/connect/ws.js with its BufferedDuplex, wx.js, ali.js, tcp.js, tls.js, and socks.js with the
// socks package behind them) and the `url` module (its `url.parse`). This package makes its
// clients with `new MqttClient(streamBuilder, options)` over its own WebSocket transport
// (src/transport/connect.ts, ws-stream.ts) and never calls `connect()`, which the bundle does not
// export either (`mqtt-elements/mqtt` exports a `connect` over that transport instead, src/mqtt.ts);
// so none of these is ever called. (The benchmark ablation that does call
// `mqtt.connect()` builds with the real ws transport and url.cjs instead: vite.config.ts.)
'use strict';

function notInBundle() {
  throw new Error("MQTT.js's connect() is not in the mqtt-elements build: it connects through its own WebSocket transport (mqtt-elements/mqtt)");
}

module.exports = { default: notInBundle, streamBuilder: notInBundle, browserStreamBuilder: notInBundle, parse: notInBundle };
