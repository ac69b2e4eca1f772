// Stands in for the `events` npm package (Node's EventEmitter for browsers, ~2 KB gzip) in the CDN
// bundle. MQTT.js's client, mqtt-packet's parser and readable-stream's streams are emitters:
// `on`/`addListener`, `prependListener`, `once`, `prependOnceListener`, `off`/`removeListener`,
// `removeAllListeners`, `emit` (an `error` with no listener throws), `listeners`, `rawListeners`,
// `listenerCount` (also static), `eventNames`, `setMaxListeners`/`getMaxListeners`, as Node has
// them. Left out: the `newListener`/`removeListener` events (nothing in the bundle listens for
// them), the promise helpers (`events.once`, `events.on`), and the console warning past
// `maxListeners`. State is made on first use: MQTT.js copies these methods onto a class that never
// calls this constructor.
'use strict';

function EventEmitter() {}

/** The listeners of `type`, made when `create`. */
function listOf(emitter, type, create) {
  const events = emitter._events || (emitter._events = Object.create(null));
  return events[type] || (create ? (events[type] = []) : undefined);
}

function add(emitter, type, listener, prepend) {
  if (typeof listener !== 'function') throw new TypeError('The "listener" argument must be of type function');
  const list = listOf(emitter, type, true);
  if (prepend) list.unshift(listener);
  else list.push(listener);
  return emitter;
}

/** A listener that removes itself before it first runs, and never runs twice. */
function onceWrapper(emitter, type, listener) {
  let fired = false;
  function once(...args) {
    if (fired) return undefined;
    fired = true;
    emitter.removeListener(type, once);
    return listener.apply(emitter, args);
  }
  once.listener = listener;
  return once;
}

Object.assign(EventEmitter.prototype, {
  on(type, listener) {
    return add(this, type, listener, false);
  },
  prependListener(type, listener) {
    return add(this, type, listener, true);
  },
  once(type, listener) {
    return add(this, type, typeof listener === 'function' ? onceWrapper(this, type, listener) : listener, false);
  },
  prependOnceListener(type, listener) {
    return add(this, type, typeof listener === 'function' ? onceWrapper(this, type, listener) : listener, true);
  },
  removeListener(type, listener) {
    const list = listOf(this, type, false);
    if (!list) return this;
    // The last one added, as Node does when a listener was added twice.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        list.splice(i, 1);
        if (!list.length) delete this._events[type];
        break;
      }
    }
    return this;
  },
  removeAllListeners(type) {
    if (this._events) {
      if (arguments.length === 0) this._events = Object.create(null);
      else delete this._events[type];
    }
    return this;
  },
  emit(type, ...args) {
    const list = listOf(this, type, false);
    if (!list) {
      if (type !== 'error') return false;
      const [error] = args;
      if (error instanceof Error) throw error;
      const unhandled = new Error(`Unhandled error. (${error})`);
      unhandled.context = error;
      throw unhandled;
    }
    // A copy: listeners added or removed by a listener take effect from the next emit.
    for (const listener of list.slice()) listener.apply(this, args);
    return true;
  },
  listeners(type) {
    return (listOf(this, type, false) || []).map((listener) => listener.listener || listener);
  },
  rawListeners(type) {
    return (listOf(this, type, false) || []).slice();
  },
  listenerCount(type) {
    return (listOf(this, type, false) || []).length;
  },
  eventNames() {
    return this._events ? Reflect.ownKeys(this._events) : [];
  },
  setMaxListeners(n) {
    this._maxListeners = n;
    return this;
  },
  getMaxListeners() {
    return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners;
  },
});
EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.defaultMaxListeners = 10;
EventEmitter.listenerCount = (emitter, type) => emitter.listenerCount(type);

module.exports = EventEmitter;
