// Stands in for `lru-cache` (~5 KB gzip) in the CDN bundle. MQTT.js uses one cache: the outgoing
// MQTT 5 topic aliases (`autoAssignTopicAlias`, lib/topic-alias-send.js), which needs `new
// LRUCache({ max })`, `get` (counts as a use), `set` (evicts the least recently used entry past
// `max`), `size`, `clear` and `keys()` most recently used first (it takes the last key as the
// alias to reuse). This is that, on a Map kept in order of use; no TTLs, sizes or disposers.
'use strict';

class LRUCache {
  /** Entries least recently used first. */
  #map = new Map();

  constructor({ max }) {
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError('LRUCache: max must be a positive integer');
    this.max = max;
  }

  get size() {
    return this.#map.size;
  }

  has(key) {
    return this.#map.has(key);
  }

  get(key) {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key);
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key, value) {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value);
    return this;
  }

  delete(key) {
    return this.#map.delete(key);
  }

  clear() {
    this.#map.clear();
  }

  /** Most recently used first, as lru-cache gives them. */
  keys() {
    return [...this.#map.keys()].reverse().values();
  }
}

module.exports = { LRUCache };
