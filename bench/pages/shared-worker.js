// The SharedWorker side of issue 13's choice (bench/shared-worker.js), for the measurement only:
// one MQTT.js client for every tab that opens this worker under the same name, subscriptions
// refcounted by port (one SUBSCRIBE per filter at the broker), messages relayed to the ports that
// hold a matching filter, publishes relayed back with their acknowledgement. The latest message
// per topic is kept so a late tab gets a retained value without a broker round trip, as the
// elected tab's subscription registry does. The tabs' side is shared-worker-tab.html.
import mqtt from '/node_modules/mqtt/dist/mqtt.esm.js';

/** The worker's name says which broker and client id it serves (one worker per pair, as `shared`). */
const { url, clientId } = JSON.parse(self.name);

// timerVariant 'native': a worker's timers are not throttled with a background tab, so MQTT.js
// needs no timer worker of its own (it could not start one here anyway).
const client = mqtt.connect(url, { clientId, timerVariant: 'native', reconnectPeriod: 200 });

/** filter -> the ports holding it */
const holders = new Map();
/** topic -> latest payload text, for late holders */
const latest = new Map();
const ports = new Set();
let status = 'connecting';

function matches(filter, topic) {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i > 0 || !topic.startsWith('$');
    if (i >= t.length) return false;
    if (f[i] === '+') {
      if (i === 0 && topic.startsWith('$')) return false;
    } else if (f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function setStatus(next) {
  status = next;
  for (const port of ports) port.postMessage({ t: 'status', status });
}

client.on('connect', () => setStatus('connected'));
client.on('reconnect', () => setStatus('reconnecting'));
client.on('close', () => setStatus('offline'));

const decoder = new TextDecoder();
client.on('message', (topic, payload) => {
  const text = decoder.decode(payload);
  latest.set(topic, text);
  const sent = new Set();
  for (const [filter, held] of holders) {
    if (!matches(filter, topic)) continue;
    for (const port of held) {
      if (sent.has(port)) continue;
      sent.add(port);
      port.postMessage({ t: 'msg', topic, payload: text });
    }
  }
});

function subscribe(port, filter) {
  let held = holders.get(filter);
  if (!held) {
    held = new Set();
    holders.set(filter, held);
    // MQTT.js resubscribes by itself after a reconnect (resubscribe: true).
    client.subscribe(filter, { qos: 0 }, (err) => port.postMessage({ t: 'suback', filter, error: err?.message }));
  } else {
    port.postMessage({ t: 'suback', filter });
    for (const [topic, text] of latest) if (matches(filter, topic)) port.postMessage({ t: 'msg', topic, payload: text });
  }
  held.add(port);
}

function release(port, filter) {
  const held = holders.get(filter);
  if (!held?.delete(port) || held.size) return;
  holders.delete(filter);
  client.unsubscribe(filter);
  for (const topic of latest.keys()) if (![...holders.keys()].some((f) => matches(f, topic))) latest.delete(topic);
}

self.onconnect = (event) => {
  const [port] = event.ports;
  ports.add(port);
  port.onmessage = ({ data }) => {
    if (data.t === 'sub') subscribe(port, data.filter);
    else if (data.t === 'unsub') release(port, data.filter);
    else if (data.t === 'pub') {
      client.publish(data.topic, data.payload, { qos: data.qos }, (err) => port.postMessage({ t: 'puback', id: data.id, error: err?.message }));
    } else if (data.t === 'bye') {
      // A port gives no sign when its tab closes: the tab says goodbye on pagehide.
      for (const filter of [...holders.keys()]) release(port, filter);
      ports.delete(port);
    }
  };
  port.postMessage({ t: 'status', status });
};
