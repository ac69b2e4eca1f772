// Stands in for the `debug` package (~1 KB gzip with its browser build) in the CDN bundle. MQTT.js
// and mqtt-packet log through `require('debug')(namespace)`, which in a browser prints only when
// `localStorage.debug` names the namespace. Here every logger is a no-op and nothing reads
// localStorage. A page that wants MQTT.js's log passes MQTT.js's own `log` option instead.
'use strict';

function log() {}
log.enabled = false;

function debug() {
  return log;
}
log.extend = debug;
debug.enable = debug.disable = log;
debug.enabled = () => false;

module.exports = debug;
