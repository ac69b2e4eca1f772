// Stands in for `util-deprecate` (Node's `util.deprecate` for browsers) in the CDN bundle.
// readable-stream 3 wraps one API in it, the `_writableState.buffer` getter, which neither
// MQTT.js nor this package reads; the original would print a console warning on first use, after
// reading `localStorage`. Here the wrapped function is returned as it is: it still works, silently.
'use strict';

module.exports = function deprecate(fn) {
  return fn;
};
