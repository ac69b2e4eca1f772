// Stands in for the `process` npm polyfill in the CDN bundle, injected where bundled code reads
// the global `process` (MQTT.js, readable-stream, mqtt-packet's process-nextick-args). What they
// use is `process.nextTick`; the rest is there so that feature checks (`process.env.X`,
// `process.versions.electron`, `process.version`) read "not Node" instead of throwing.
// `nextTick` is a microtask: like Node's, it runs before any timer or I/O, where the npm
// polyfill waits for a `setTimeout`.
'use strict';

module.exports = {
  browser: true,
  env: {},
  argv: [],
  version: '',
  versions: {},
  nextTick(callback, ...args) {
    queueMicrotask(() => callback(...args));
  },
};
