// The simulated plant that `npm start` runs beside the demo pages (vite.config.ts starts it with
// the dev server and stops it with the server). Six devices, each its own MQTT.js client of the
// embedded broker, as real devices would be: they publish JSON telemetry every 1–2 s, announce
// themselves online with a retained message and leave a last will that says offline, keep their
// state retained, and obey commands, confirming them on their state topic. One of them (the
// cellar sensor) loses power now and then, so the pages show a last will and a stale value.
//
// Topics (all under plant/<device>/):
//   status     retained, QoS 1: "online", or "offline" (the last will, published by the broker)
//   telemetry  boiler, pump, tank: JSON readings, not retained
//   climate    hall, office, cellar: JSON {temperature, humidity}, not retained
//   state      boiler, pump: retained JSON, the commanded value and `pending` (true from the
//              moment a command arrives until the device has carried it out)
//   relay/set     pump: true or false (JSON; "on"/"off", 1/0 too)
//   setpoint/set  boiler: a number, °C (40–80)
//
// Besides these, three devices that answer commands late or not at all and drop off the network
// now and then (scripts/plant-device.js: plant/relay-1, plant/dimmer-1, plant/fan-1, each with
// set, state and availability topics), and a Sparkplug B edge node (scripts/plant-sparkplug.js:
// spBv1.0/plant/…/edge-1, two lines of metrics in protobuf).
//
// Besides the plant, a peer plays the part MQTTX plays in EMQX's guide to MQTT over WebSocket
// (demo/guide.html): it sends "Hello from MQTTX" to testtopic every 5 s.
//
// It only ever connects to 127.0.0.1: the embedded broker of the server it runs with.
import mqtt from 'mqtt';
import { startCommandedDevices } from './plant-device.js';
import { EdgeNode } from './plant-sparkplug.js';

/** Seconds a device waits before the next reading (ms), and how long carrying out a command takes. */
const PERIOD = { boiler: 1000, pump: 1500, tank: 2000, hall: 2000, office: 1500, cellar: 2000 };
const SWITCH_MS = 800; // the pump's contactor
const SETPOINT_MS = 600; // the boiler's controller taking a new setpoint
/** The cellar sensor's power: on for this long, then off (its last will fires), then on again. */
const CELLAR_UP_MS = 45000;
const CELLAR_DOWN_MS = 15000;

/** How often the guide's MQTTX stand-in says hello on testtopic. */
const HELLO_MS = 5000;

const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
const noise = (amplitude) => (Math.random() * 2 - 1) * amplitude;
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/** `true`/`false`, `"on"`/`"off"`, `1`/`0`; anything else is undefined (the command is ignored). */
function parseSwitch(text) {
  const word = text.trim().toLowerCase().replace(/^"|"$/g, '');
  if (['true', 'on', '1'].includes(word)) return true;
  if (['false', 'off', '0'].includes(word)) return false;
  return undefined;
}

/** What the plant is doing: the devices read from it and the commands change it. */
function createModel() {
  return {
    boiler: { temperature: 58, setpoint: 65, pending: false },
    pump: { relay: true, flow: 24, pending: false },
    tank: { level: 62, phase: 0 },
    rooms: {
      hall: { temperature: 24.6, humidity: 41, mean: 24.6 },
      office: { temperature: 21.7, humidity: 45, mean: 21.7 },
      cellar: { temperature: 14.9, humidity: 68, mean: 14.9 },
    },
  };
}

/** Each device: what it publishes every period, and the commands it obeys. */
function deviceSpecs(model) {
  const room = (id) => ({
    id,
    stream: 'climate',
    read() {
      const r = model.rooms[id];
      r.temperature = round(r.temperature + (r.mean - r.temperature) * 0.1 + noise(0.12), 2);
      r.humidity = round(clamp(r.humidity + noise(0.4), 20, 90), 1);
      return { temperature: r.temperature, humidity: r.humidity };
    },
  });
  return [
    {
      id: 'boiler',
      stream: 'telemetry',
      read() {
        const b = model.boiler;
        b.temperature = round(b.temperature + (b.setpoint - b.temperature) * 0.06 + noise(0.15), 2);
        const pressure = round(1.2 + (b.temperature - 20) * 0.012 + noise(0.01), 3);
        const power = round(clamp(3 + (b.setpoint - b.temperature) * 1.5 + noise(0.3), 0, 24), 2);
        return { temperature: b.temperature, pressure, power };
      },
      state: () => ({ setpoint: model.boiler.setpoint, pending: model.boiler.pending }),
      commands: {
        'setpoint/set': {
          parse: (text) => {
            const value = Number(text);
            return text.trim() !== '' && Number.isFinite(value) ? round(clamp(value, 40, 80), 1) : undefined;
          },
          takes: SETPOINT_MS,
          request: (value) => Object.assign(model.boiler, { setpoint: value, pending: true }),
          done: () => (model.boiler.pending = false),
        },
      },
    },
    {
      id: 'pump',
      stream: 'telemetry',
      read() {
        const p = model.pump;
        // The flow follows the contactor, the way water does: not at once.
        p.flow = round(clamp(p.flow + ((p.relay && !p.pending ? 24 : 0) - p.flow) * 0.5 + (p.flow > 1 ? noise(0.6) : 0), 0, 40), 2);
        if (p.flow < 0.05) p.flow = 0;
        return { flow: p.flow, current: p.flow > 0 ? round(0.4 + p.flow * 0.11 + noise(0.05), 2) : 0 };
      },
      state: () => ({ relay: model.pump.relay, pending: model.pump.pending }),
      commands: {
        'relay/set': {
          parse: parseSwitch,
          takes: SWITCH_MS,
          request: (value) => Object.assign(model.pump, { relay: value, pending: true }),
          done: () => (model.pump.pending = false),
        },
      },
    },
    {
      id: 'tank',
      stream: 'telemetry',
      read() {
        const t = model.tank;
        // Filled by the pump, drained by the plant (faster when fuller, and more at some times
        // than others): about 75 % with the pump running, down past the low thresholds without.
        t.phase += 0.02;
        const drain = (0.14 + 0.02 * Math.sin(t.phase)) * Math.sqrt(t.level);
        t.level = round(clamp(t.level + model.pump.flow * 0.05 - drain + noise(0.05), 0, 100), 2);
        return { level: t.level };
      },
    },
    room('hall'),
    room('office'),
    { ...room('cellar'), flaky: true },
  ];
}

/** One device: its own MQTT client, with a last will, reading on its period and obeying commands. */
class Device {
  #spec;
  #url;
  #client;
  #timers = new Set();
  #stopped = false;

  constructor(spec, url) {
    this.#spec = spec;
    this.#url = url;
  }

  get id() {
    return this.#spec.id;
  }

  start() {
    const { id } = this.#spec;
    const status = `plant/${id}/status`;
    const client = (this.#client = mqtt.connect(this.#url, {
      clientId: `plant-${id}`,
      keepalive: 10, // the broker notices a device gone silent within 15 s
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
    }));
    client.on('error', () => {}); // reconnects on its own; the server going away is no news
    client.on('connect', () => {
      client.publish(status, 'online', { qos: 1, retain: true });
      this.#publishState();
      const commands = Object.keys(this.#spec.commands ?? {});
      if (commands.length) client.subscribe(commands.map((c) => `plant/${id}/${c}`), { qos: 1 });
    });
    client.on('message', (topic, payload) => this.#command(topic.slice(`plant/${id}/`.length), payload.toString()));
    this.#every(PERIOD[id], () => {
      if (client.connected) client.publish(`plant/${id}/${this.#spec.stream}`, JSON.stringify(this.#spec.read()));
    });
    if (this.#spec.flaky) this.#after(CELLAR_UP_MS, () => this.#powerCut());
  }

  /** Ends the client at once, without DISCONNECT: the broker publishes the last will. */
  stop() {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    return new Promise((resolve) => (this.#client ? this.#client.end(true, {}, () => resolve()) : resolve()));
  }

  /** The power goes: no goodbye (so the broker sends the will), back after CELLAR_DOWN_MS. */
  async #powerCut() {
    await this.stop();
    this.#stopped = false;
    this.#after(CELLAR_DOWN_MS, () => this.start());
  }

  #command(name, text) {
    const command = this.#spec.commands?.[name];
    const value = command?.parse(text);
    if (value === undefined) return; // not a command this device knows: ignored, as devices do
    command.request(value);
    this.#publishState();
    clearTimeout(this.#pendingTimer);
    this.#pendingTimer = this.#after(command.takes, () => {
      command.done();
      this.#publishState();
    });
  }

  #pendingTimer;

  #publishState() {
    if (this.#spec.state && this.#client?.connected) {
      this.#client.publish(`plant/${this.#spec.id}/state`, JSON.stringify(this.#spec.state()), { qos: 1, retain: true });
    }
  }

  #after(ms, fn) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) fn();
    }, ms);
    timer.unref(); // never the reason the process stays alive
    this.#timers.add(timer);
    return timer;
  }

  #every(ms, fn) {
    const tick = () => {
      fn();
      this.#after(ms * (0.9 + Math.random() * 0.2), tick); // real devices drift a little
    };
    this.#after(ms * Math.random(), tick);
  }
}

/** The guide's test step: MQTTX sends "Hello from MQTTX" to the topic the page subscribed to. */
function startHelloPeer(url) {
  const client = mqtt.connect(url, { clientId: 'plant-mqttx', reconnectPeriod: 1000, connectTimeout: 5000 });
  client.on('error', () => {});
  const timer = setInterval(() => {
    if (client.connected) client.publish('testtopic', 'Hello from MQTTX');
  }, HELLO_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return new Promise((resolve) => client.end(true, {}, () => resolve()));
    },
  };
}

/**
 * Starts the plant against `url` (a ws://127.0.0.1 broker). `stop()` ends every device and its
 * timers; it resolves once their clients are closed.
 * @param {string} url
 */
export function startPlant(url) {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`the plant simulator only connects to 127.0.0.1, not ${url}`);
  const devices = deviceSpecs(createModel()).map((spec) => new Device(spec, url));
  for (const device of devices) device.start();
  const commanded = startCommandedDevices(url);
  const edge = new EdgeNode({ url });
  edge.run();
  const mqttx = startHelloPeer(url);
  return {
    devices: [...devices.map((d) => d.id), ...commanded.devices, 'edge-1'],
    stop: () => Promise.all([...devices.map((d) => d.stop()), commanded.stop(), edge.stop(), mqttx.stop()]).then(() => undefined),
  };
}

/**
 * Runs the plant for as long as `httpServer` (Vite's) listens: starts it against the broker at
 * `path` on the server's own 127.0.0.1 port once it listens, stops it when the server closes.
 * @param {import('node:http').Server} httpServer
 */
export function attachPlant(httpServer, path = '/mqtt') {
  let plant;
  const start = () => {
    const address = httpServer.address();
    if (address && typeof address === 'object') plant = startPlant(`ws://127.0.0.1:${address.port}${path}`);
  };
  if (httpServer.listening) start();
  else httpServer.once('listening', start);
  httpServer.once('close', () => {
    httpServer.off('listening', start);
    plant?.stop();
  });
}
