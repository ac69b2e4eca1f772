// Stands in for `readable-stream` (3: ~10 KB gzip with its helpers) in the CDN bundle. With this
// package's own WebSocket transport, MQTT.js uses two of its classes, and little of each:
// - a Writable it pipes its stream into, after setting `_write` on it: the transport
//   (src/transport/ws-stream.ts) calls that `_write` itself, frame by frame;
// - an object-mode Readable, its message store's `createStream()`: the client reads stored
//   packets one at a time with `read(1)`, waits for `readable`, and sends CONNACK on to its
//   listeners only after `end`.
// MQTT.js's own transports (Duplex, Transform) are not in the bundle (mqtt-connect-only.cjs).
// The benchmark's MQTT.js-transport build keeps the real readable-stream.
'use strict';

const { EventEmitter } = require('events');

/** A Writable whose `_write` the owner sets; `write` goes through it, one chunk at a time. */
class Writable extends EventEmitter {
  constructor() {
    super();
    this.writable = true;
    this.destroyed = false;
  }

  _write(chunk, encoding, callback) {
    callback();
  }

  write(chunk, encoding, callback) {
    const done = typeof encoding === 'function' ? encoding : callback;
    this._write(chunk, typeof encoding === 'string' ? encoding : 'buffer', (error) => {
      if (error) this.emit('error', error);
      if (done) done(error);
    });
    return true;
  }

  end(callback) {
    this.writable = false;
    queueMicrotask(() => {
      this.emit('finish');
      if (callback) callback();
    });
    return this;
  }

  destroy(error) {
    this.destroyed = true;
    this.writable = false;
    queueMicrotask(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
    return this;
  }
}

/**
 * An object-mode Readable: `_read()` (set by the owner) pushes items, `null` at the end; `read()`
 * returns the next item or null; `readable` tells a waiting reader of a new item, `end` that no
 * more come (once every item was read).
 */
class Readable extends EventEmitter {
  constructor() {
    super();
    this.destroyed = false;
    this._items = [];
    this._ended = false;
    this._endEmitted = false;
  }

  _read() {
    this.push(null);
  }

  push(item) {
    if (item === null) {
      this._ended = true;
      this._maybeEnd();
      return false;
    }
    this._items.push(item);
    queueMicrotask(() => this.emit('readable'));
    return true;
  }

  read() {
    if (this._items.length === 0 && !this._ended && !this.destroyed) this._read();
    if (this._items.length > 0) return this._items.shift();
    this._maybeEnd();
    return null;
  }

  _maybeEnd() {
    if (!this._ended || this._items.length > 0 || this._endEmitted) return;
    this._endEmitted = true;
    // A microtask, as readable-stream's nextTick is here: MQTT.js emits `connect` on this `end`,
    // and a timer would be throttled in a background tab (CONNACK handled after its socket closed).
    queueMicrotask(() => this.emit('end'));
  }

  destroy(error) {
    if (this.destroyed) return this;
    this.destroyed = true;
    queueMicrotask(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
    return this;
  }
}

module.exports = { Writable, Readable };
