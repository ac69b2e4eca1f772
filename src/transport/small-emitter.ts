/**
 * The little of Node's EventEmitter that MQTT.js's `MqttClient` uses on its stream (`on`,
 * `once`, `removeListener`, `emit`, `setMaxListeners`), without the polyfill.
 */

/** An event listener, as EventEmitter takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

interface Registered {
  listener: Listener;
  once: boolean;
}

/** Base class of the WebSocket stream: events by name, once-listeners dropped in one pass. */
export class SmallEmitter {
  #listeners = new Map<string, Registered[]>();

  /** Adds an event listener (`error`, `close`, `drain`, …), as EventEmitter's `on`. */
  on(type: string, listener: Listener): this {
    return this.#add(type, { listener, once: false });
  }

  /** Adds a listener that runs once, as EventEmitter's `once`. */
  once(type: string, listener: Listener): this {
    return this.#add(type, { listener, once: true });
  }

  #add(type: string, entry: Registered): this {
    const list = this.#listeners.get(type);
    if (list) list.push(entry);
    else this.#listeners.set(type, [entry]);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  removeListener(type: string, listener: Listener): this {
    const list = this.#listeners.get(type);
    const i = list ? list.findIndex((entry) => entry.listener === listener) : -1;
    if (i >= 0) list!.splice(i, 1);
    return this;
  }

  /**
   * Once-listeners are dropped in one pass before the calls: MqttClient waits for `drain` with one
   * `once` per packet, and a loop of 20,000 publishes leaves that many (BENCHMARKS.md, "Why the
   * code is the way it is").
   */
  emit(type: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(type);
    if (!list || list.length === 0) return false;
    if (list.some((entry) => entry.once)) {
      this.#listeners.set(type, list.filter((entry) => !entry.once));
    }
    for (const entry of list) entry.listener.apply(this, args);
    return true;
  }

  /** Accepted for MQTT.js, which calls it; there is no listener limit here to set. */
  setMaxListeners(): this {
    return this;
  }
}
