// Stands in for `worker-timers` (~10 KB gzip) in the CDN bundle and dist/vendor/mqtt.js. MQTT.js runs its keepalive on
// worker-timers only when `timerVariant` is 'worker', or 'auto' in a browser page; this package
// always passes its own timer object (src/transport/keepalive-timer.ts: native timers, moved into
// a worker of its own in background tabs, and working under a strict CSP), so MQTT.js never calls
// these. A page that sets `timerVariant: 'auto'` or 'worker' in `options` gets this error at its
// first CONNACK rather than a keepalive that silently never runs.
'use strict';

function notInBundle() {
  throw new Error(
    "MQTT.js's worker timers are not in the mqtt-elements build: leave `timerVariant` out of " +
      "`options` (mqtt-elements' own keepalive timer moves into a worker in background tabs) or set it to 'native'",
  );
}

module.exports = {
  setInterval: notInBundle,
  clearInterval: notInBundle,
  setTimeout: notInBundle,
  clearTimeout: notInBundle,
};
