// A device of the simulated plant that obeys commands the way real ones do, so that the
// dashboard's controls can show what a device did rather than what the page asked: it answers a
// command with its new state after a delay (300–1500 ms), ignores some commands altogether (1 in
// 8), and drops off the network now and then without a word, so that the broker publishes its
// last will. The plant has three: a relay, a dimmer and a mode select (COMMANDED_DEVICES).
//
// Topics, after Home Assistant's MQTT convention (device <id>):
//   plant/<id>/set           the command, as text (the device subscribes, QoS 1)
//   plant/<id>/state         retained, QoS 1: the state the device is in, as text, published at
//                            start and after each command it carried out, never before
//   plant/<id>/availability  retained, QoS 1: "online" when it connects; "offline" is its last
//                            will, published by the broker when the device goes silent
//
// Which commands are ignored and how late the others are answered comes from a seeded random
// generator (the same on every run), or from `decide` (tests script it command by command).
import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import { cyclePower } from './power-cycle.js';
import { between, seededRandom } from './seeded-random.js';

/** How late a device answers a command, in ms: [low, high). */
export const ANSWER_MS = [300, 1500];
/** One command in this many is ignored (no state at all), as by a device busy or out of range. */
export const IGNORE_ONE_IN = 8;
/** The plant's own power cuts (ms): on for UP, then off for DOWN. */
export const UP_MS = [60000, 120000];
export const DOWN_MS = [6000, 12000];

/**
 * What each kind of device accepts, as text, and the state it reports: `parse` gives the new state
 * (text) or undefined for a command it does not understand (ignored, as devices do).
 */
export const KINDS = {
  /** On/off, reported as ON or OFF; takes ON/OFF, true/false, 1/0 (any case). */
  relay: {
    initial: 'OFF',
    parse(text) {
      const word = text.trim().toLowerCase();
      if (['on', 'true', '1'].includes(word)) return 'ON';
      if (['off', 'false', '0'].includes(word)) return 'OFF';
      return undefined;
    },
  },
  /** A brightness 0–100, reported as a whole number; a number outside is clamped, as a dimmer would. */
  dimmer: {
    initial: '40',
    parse(text) {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) return undefined;
      return String(Math.round(Math.min(100, Math.max(0, value))));
    },
  },
  /** A ventilation mode, one of four words. */
  mode: {
    initial: 'auto',
    modes: ['off', 'low', 'high', 'auto'],
    parse(text) {
      const word = text.trim().toLowerCase();
      return this.modes.includes(word) ? word : undefined;
    },
  },
};

/**
 * The plant's commanded devices. Each has its own seed, so they do not ignore the same commands;
 * these answer a visitor's first two commands and ignore one of the next few (the relay its 4th,
 * the dimmer its 3rd, the fan its 6th), so the page shows both soon.
 */
export const COMMANDED_DEVICES = [
  { id: 'relay-1', kind: 'relay', seed: 4 },
  { id: 'dimmer-1', kind: 'dimmer', seed: 5 },
  { id: 'fan-1', kind: 'mode', seed: 12 },
];

/** The three topics of device `id`. */
export function deviceTopics(id) {
  return { set: `plant/${id}/set`, state: `plant/${id}/state`, availability: `plant/${id}/availability` };
}

/**
 * What a device does with its next command: ignore it, or answer it after `delay` ms. Two draws
 * either way, so that one command's fate does not shift the next one's.
 * @param {() => number} random
 * @param {{answerMs?: [number, number], ignoreOneIn?: number}} [options] `ignoreOneIn` 0: never ignored
 * @returns {{ignored: boolean, delay: number}}
 */
export function planCommand(random, { answerMs = ANSWER_MS, ignoreOneIn = IGNORE_ONE_IN } = {}) {
  const ignored = random() < (ignoreOneIn > 0 ? 1 / ignoreOneIn : 0);
  const delay = between(random, ...answerMs);
  return { ignored, delay };
}

/**
 * One commanded device, its own MQTT client. Emits `command` ({text, state, ignored, delay}: what
 * it made of each command; `state` undefined for one it did not understand) and `answer` (the
 * state it published).
 */
export class CommandedDevice extends EventEmitter {
  #id;
  #kind;
  #url;
  #decide;
  #random;
  #powerRandom;
  #state;
  #client;
  #answers = new Set();
  #lastAnswerAt = 0;
  #power;

  /**
   * @param {{id: string, kind: keyof typeof KINDS, url: string, seed?: number,
   *   answerMs?: [number, number], ignoreOneIn?: number,
   *   decide?: () => {ignored: boolean, delay: number}}} options
   */
  constructor({ id, kind, url, seed = 1, answerMs, ignoreOneIn, decide }) {
    super();
    if (!KINDS[kind]) throw new Error(`no device kind ${kind}`);
    this.#id = id;
    this.#kind = KINDS[kind];
    this.#url = url;
    this.#random = seededRandom(seed);
    // The power cuts draw from their own generator: commands keep the sequence their seed gives.
    this.#powerRandom = seededRandom(seed + 1000);
    this.#decide = decide ?? (() => planCommand(this.#random, { answerMs, ignoreOneIn }));
    this.#state = this.#kind.initial;
  }

  get id() {
    return this.#id;
  }

  /** The state it is in (and last published). */
  get state() {
    return this.#state;
  }

  get topics() {
    return deviceTopics(this.#id);
  }

  /**
   * Powers the device on: connects with its last will, says online, publishes its state and
   * subscribes to its commands. Resolves once the broker has all three (the first time).
   */
  start() {
    const { set, state, availability } = this.topics;
    const client = (this.#client = mqtt.connect(this.#url, {
      clientId: `plant-${this.#id}`,
      keepalive: 10, // a device that hangs is noticed within 15 s
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: availability, payload: Buffer.from('offline'), qos: 1, retain: true },
    }));
    client.on('error', () => {}); // reconnects on its own; the server going away is no news
    client.on('message', (_topic, payload) => this.#command(payload.toString()));
    return new Promise((resolve) => {
      client.on('connect', () => {
        const acked = (send) => new Promise((done) => send(() => done()));
        Promise.all([
          acked((done) => client.publish(availability, 'online', { qos: 1, retain: true }, done)),
          acked((done) => client.publish(state, this.#state, { qos: 1, retain: true }, done)),
          acked((done) => client.subscribe(set, { qos: 1 }, done)),
        ]).then(() => resolve());
      });
    });
  }

  /**
   * The power goes: the socket is closed at once, with no DISCONNECT, so the broker publishes the
   * last will; answers not yet given are lost with it. Resolves once the socket is closed.
   */
  drop() {
    for (const timer of this.#answers) clearTimeout(timer);
    this.#answers.clear();
    const client = this.#client;
    this.#client = undefined;
    return new Promise((resolve) => (client ? client.end(true, {}, () => resolve()) : resolve()));
  }

  /** Starts it, then cuts its power now and then (UP_MS, DOWN_MS) until `stop()`. */
  run({ up = UP_MS, down = DOWN_MS } = {}) {
    this.start();
    this.#power = cyclePower({ random: this.#powerRandom, up, down, cut: () => this.drop(), restore: () => this.start() });
  }

  /** Ends it for good (its will is published: the plant is gone). */
  stop() {
    this.#power?.stop();
    return this.drop();
  }

  #command(text) {
    const next = this.#kind.parse(text);
    const { ignored, delay } = next === undefined ? { ignored: true, delay: 0 } : this.#decide();
    this.emit('command', { text, state: next, ignored, delay });
    if (ignored) return;
    const client = this.#client;
    // One command after another, as a device's firmware takes them: an answer never overtakes
    // the one before it, so the last state reported is the last command's.
    const at = Math.max(performance.now() + delay, this.#lastAnswerAt);
    this.#lastAnswerAt = at;
    const timer = setTimeout(() => {
      this.#answers.delete(timer);
      this.#state = next;
      client.publish(this.topics.state, next, { qos: 1, retain: true });
      this.emit('answer', next);
    }, at - performance.now());
    timer.unref();
    this.#answers.add(timer);
  }
}

/**
 * The plant's commanded devices against `url`, each cutting its power now and then.
 * @param {string} url
 * @returns {{devices: string[], stop(): Promise<void>}}
 */
export function startCommandedDevices(url) {
  const devices = COMMANDED_DEVICES.map((spec) => new CommandedDevice({ ...spec, url }));
  for (const device of devices) device.run();
  return { devices: devices.map((d) => d.id), stop: () => Promise.all(devices.map((d) => d.stop())).then(() => undefined) };
}
