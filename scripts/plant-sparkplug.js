// A Sparkplug B edge node for the simulated plant: a gateway the way industrial ones talk, in
// protobuf on spBv1.0/ topics, so that the dashboard can show `format="sparkplug"`. Its payloads
// are encoded by sparkplug-payload (Eclipse Tahu's reference library), the same one the tests
// decode them with.
//
// Topics (Sparkplug B 3.0, group "plant", edge node "edge-1", devices "line-1" and "line-2"):
//   spBv1.0/plant/NBIRTH/edge-1         when it connects: bdSeq and Node Control/Rebirth
//   spBv1.0/plant/DBIRTH/edge-1/<line>  then each device's metrics, with their types
//   spBv1.0/plant/DDATA/edge-1/<line>   every second: the device's metrics
//   spBv1.0/plant/NDEATH/edge-1         its last will (QoS 1), published by the broker when it
//                                       goes silent; its bdSeq matches the NBIRTH it ends
//   spBv1.0/plant/NCMD/edge-1           it obeys Node Control/Rebirth = true (births again)
// None is retained, as the specification says: a page sees the next DDATA, within a second.
//
// Each device's metrics: `temperature` (Double), `counter` (Int64: it counts from 2^53 − 8 to
// 2^53 + 7 and starts over, so half the time its value is beyond what a JavaScript number holds
// exactly; a decoder that rounds shows even numbers only) and `running` (Boolean).
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { cyclePower } from './power-cycle.js';
import { seededRandom } from './seeded-random.js';

const require = createRequire(import.meta.url);
/** Encoder and decoder of Sparkplug B payloads (`get` names the namespace). */
export const sparkplug = require('sparkplug-payload').get('spBv1.0');
/**
 * sparkplug-payload takes and gives 64-bit integers as `Long` (long 4), and tells them apart with
 * `instanceof`: the class is taken from where sparkplug-payload finds it, not a dependency of ours.
 */
export const Long = createRequire(require.resolve('sparkplug-payload'))('long');

/** The first value of every device's counter, and how many counts before it starts over. */
export const COUNTER_START = 2n ** 53n - 8n;
export const COUNTER_SPAN = 16n;
/** The edge node's power cuts (ms): on for UP, then off for DOWN. */
export const UP_MS = [90000, 150000];
export const DOWN_MS = [6000, 10000];
const REBIRTH = 'Node Control/Rebirth';

/** The topic of a message of `type` from `node` (and `device`) of `group`. */
export function sparkplugTopic(group, type, node, device) {
  return `spBv1.0/${group}/${type}/${node}${device ? `/${device}` : ''}`;
}

/** A 64-bit value from a bigint, as sparkplug-payload takes it. */
export function toLong(value, unsigned = false) {
  return Long.fromString(value.toString(), unsigned);
}

/** NDEATH (and NBIRTH's first metric): the birth/death sequence number, UInt64 as the specification says. */
export function deathPayload(bdSeq, timestamp = Date.now()) {
  return sparkplug.encodePayload({ timestamp, metrics: [{ name: 'bdSeq', type: 'UInt64', value: toLong(BigInt(bdSeq), true) }] });
}

/** NBIRTH: seq 0, bdSeq, and the rebirth control a host may set. */
export function nodeBirthPayload(bdSeq, timestamp = Date.now()) {
  return sparkplug.encodePayload({
    timestamp,
    seq: 0,
    metrics: [
      { name: 'bdSeq', type: 'UInt64', value: toLong(BigInt(bdSeq), true) },
      { name: REBIRTH, type: 'Boolean', value: false },
    ],
  });
}

/**
 * DBIRTH and DDATA carry the same metrics: every metric, every time (names, no aliases, so that
 * a page that reads one message alone knows what each value is).
 * @param {{seq: number, temperature: number, counter: bigint, running: boolean}} reading
 */
export function devicePayload({ seq, temperature, counter, running }, timestamp = Date.now()) {
  return sparkplug.encodePayload({
    timestamp,
    seq,
    metrics: [
      { name: 'temperature', type: 'Double', value: temperature, timestamp },
      { name: 'counter', type: 'Int64', value: toLong(counter), timestamp },
      { name: 'running', type: 'Boolean', value: running, timestamp },
    ],
  });
}

/** One simulated line: a temperature that wanders around its mean, a counter, a running flag. */
class Line {
  constructor(id, mean, counterStart) {
    this.id = id;
    this.mean = mean;
    this.temperature = mean;
    this.counterStart = counterStart;
    this.counter = counterStart;
    this.running = true;
  }

  step(random) {
    this.temperature = Math.round((this.temperature + (this.mean - this.temperature) * 0.1 + (random() * 2 - 1) * 0.4) * 100) / 100;
    this.counter = this.counter + 1n < this.counterStart + COUNTER_SPAN ? this.counter + 1n : this.counterStart;
    if (random() < 1 / 20) this.running = !this.running; // stopped and started now and then
  }
}

/** The edge node: its own MQTT client, NDEATH as its will, births on every connect, DDATA on a period. */
export class EdgeNode {
  #url;
  #group;
  #node;
  #lines;
  #periodMs;
  #random;
  #client;
  #timer;
  #power;
  #bdSeq = 0;
  #seq = 0;

  /**
   * @param {{url: string, group?: string, node?: string, devices?: string[], periodMs?: number,
   *   seed?: number, counterStart?: bigint}} options
   */
  constructor({ url, group = 'plant', node = 'edge-1', devices = ['line-1', 'line-2'], periodMs = 1000, seed = 7, counterStart = COUNTER_START }) {
    this.#url = url;
    this.#group = group;
    this.#node = node;
    this.#periodMs = periodMs;
    this.#random = seededRandom(seed);
    this.#lines = devices.map((id, i) => new Line(id, 62 - i * 14, counterStart));
  }

  /** The bdSeq of the current (or next) session: NBIRTH carries it, and the will armed with it. */
  get bdSeq() {
    return this.#bdSeq;
  }

  /** Connects with its NDEATH as the will; births, then data every period. Resolves after the births. */
  start() {
    const topic = (type, device) => sparkplugTopic(this.#group, type, this.#node, device);
    const client = (this.#client = mqtt.connect(this.#url, {
      clientId: `plant-${this.#node}`,
      keepalive: 10,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // Not retained, QoS 1: Sparkplug B 3.0 [tck-id-payloads-ndeath-will-message-qos].
      will: { topic: topic('NDEATH'), payload: Buffer.from(deathPayload(this.#bdSeq)), qos: 1, retain: false },
    }));
    client.on('error', () => {});
    // Every new session takes the next bdSeq, and its will says so before it connects again.
    client.on('close', () => {
      this.#bdSeq = (this.#bdSeq + 1) % 256;
      client.options.will.payload = Buffer.from(deathPayload(this.#bdSeq));
    });
    client.on('message', (_topic, payload) => {
      const metrics = safeDecode(payload)?.metrics ?? [];
      if (metrics.some((m) => m.name === REBIRTH && m.value === true)) this.#birth(client);
    });
    return new Promise((resolve) => {
      client.on('connect', () => {
        client.subscribe(topic('NCMD'), { qos: 1 });
        this.#birth(client).then(resolve);
        clearInterval(this.#timer);
        this.#timer = setInterval(() => this.#data(client), this.#periodMs);
        this.#timer.unref();
      });
    });
  }

  /** The power goes: the socket closes without DISCONNECT, so the broker publishes the NDEATH. */
  drop() {
    clearInterval(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    return new Promise((resolve) => (client ? client.end(true, {}, () => resolve()) : resolve()));
  }

  /** Starts it, then cuts its power now and then until `stop()`. */
  run({ up = UP_MS, down = DOWN_MS } = {}) {
    this.start();
    this.#power = cyclePower({ random: this.#random, up, down, cut: () => this.drop(), restore: () => this.start() });
  }

  stop() {
    this.#power?.stop();
    return this.drop();
  }

  /** NBIRTH (seq 0), then a DBIRTH per device; resolves once the client has written them. */
  #birth(client) {
    const sent = [];
    const send = (topic, payload) => sent.push(new Promise((done) => client.publish(topic, Buffer.from(payload), { qos: 0 }, () => done())));
    this.#seq = 0;
    send(sparkplugTopic(this.#group, 'NBIRTH', this.#node), nodeBirthPayload(this.#bdSeq));
    for (const line of this.#lines) send(sparkplugTopic(this.#group, 'DBIRTH', this.#node, line.id), devicePayload({ ...line, seq: this.#nextSeq() }));
    return Promise.all(sent).then(() => undefined);
  }

  #data(client) {
    if (!client.connected) return;
    for (const line of this.#lines) {
      line.step(this.#random);
      client.publish(sparkplugTopic(this.#group, 'DDATA', this.#node, line.id), Buffer.from(devicePayload({ ...line, seq: this.#nextSeq() })), { qos: 0 });
    }
  }

  /** seq counts 0–255 across the node's messages after NBIRTH (which is 0), then wraps. */
  #nextSeq() {
    this.#seq = (this.#seq + 1) % 256;
    return this.#seq;
  }
}

/** A command that does not decode is ignored, as by a real edge node. */
function safeDecode(payload) {
  try {
    return sparkplug.decodePayload(payload);
  } catch {
    return undefined;
  }
}
