// Stands in, in the CDN bundle and dist/vendor/mqtt.js, for MQTT.js's `connect()` (lib/connect/index.js,
// with `connectAsync`) and what only it uses: its own transports
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

// `__esModule`: build/mqtt.js takes lib/connect's `default` and `connectAsync` through
// `__importStar`, which would otherwise wrap this object as the default.
module.exports = { __esModule: true, default: notInBundle, connectAsync: notInBundle, streamBuilder: notInBundle, browserStreamBuilder: notInBundle, parse: notInBundle };
