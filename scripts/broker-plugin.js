// @web/test-runner plugin: runs aedes and mosquitto for the whole test run and lets browser
// tests drive and inspect them through executeServerCommand (test/support/brokers.ts).
import { spawn } from 'node:child_process';
import { startAedesServer } from './aedes-broker.js';
import { startMosquitto } from './mosquitto.js';
import { closeWithin } from './time-limit.js';

const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
const STOP_BUDGET_MS = 5000;

/** Test policy of the embedded broker, so that refusals can be tested without a second broker. */
export const aedesHooks = {
  authenticate(_client, username, password, done) {
    // aedes puts returnCode (2..5) into the CONNACK; 4 = bad username or password, 5 = not authorized.
    if (password?.toString() === 'wrong') {
      return done(Object.assign(new Error('Bad username or password'), { returnCode: 4 }), null);
    }
    if (username === 'denied') {
      return done(Object.assign(new Error('Not authorized'), { returnCode: 5 }), null);
    }
    done(null, true);
  },
  authorizeSubscribe(_client, sub, done) {
    // A null subscription (not an error, which would drop the connection) makes aedes
    // answer SUBACK 0x80 for that filter.
    if (sub.topic.startsWith('forbidden/')) return done(null, null);
    done(null, sub);
  },
};

/** Records what aedes saw, in order, as plain JSON for the browser. */
function recordEvents(broker) {
  const events = [];
  const push = (event) => {
    events.push({ ...event, time: Date.now() });
    if (events.length > 50000) events.splice(0, 10000); // bound memory in long watch sessions
  };
  broker.on('client', (c) => push({ type: 'client', clientId: c.id }));
  broker.on('clientDisconnect', (c) => push({ type: 'clientDisconnect', clientId: c.id }));
  broker.on('connackSent', (packet, c) =>
    push({ type: 'connackSent', clientId: c.id, returnCode: packet.returnCode, sessionPresent: packet.sessionPresent }),
  );
  broker.on('subscribe', (subs, c) =>
    push({ type: 'subscribe', clientId: c.id, topics: subs.map(({ topic, qos }) => ({ topic, qos })) }),
  );
  broker.on('unsubscribe', (topics, c) => {
    // aedes also emits 'unsubscribe' while tearing down a closed clean session; only an
    // UNSUBSCRIBE packet from a live client is an event tests care about.
    if (c.closed) return;
    push({ type: 'unsubscribe', clientId: c.id, topics: topics.map((topic) => ({ topic })) });
  });
  broker.on('publish', (packet, c) => {
    if (packet.topic.startsWith('$SYS')) return;
    push({
      type: 'publish',
      clientId: c?.id ?? null, // null: published by the broker itself (aedes-publish)
      topic: packet.topic,
      payload: Buffer.from(packet.payload ?? '').toString('utf8'),
      qos: packet.qos,
      retain: packet.retain,
    });
  });
  return events;
}

function mosquittoPub(mosquitto, { topic, payload = '', qos = 0, retain = false, auth = false, protocolVersion = 4 }) {
  const args = ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-t', topic, '-m', String(payload), '-q', String(qos)];
  if (retain) args.push('-r');
  if (auth) args.push('-u', mosquitto.user, '-P', mosquitto.password);
  if (protocolVersion === 5) args.push('-V', 'mqttv5');
  return new Promise((resolve, reject) => {
    const proc = spawn(MOSQUITTO_PUB, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.once('error', reject);
    proc.once('exit', (code) =>
      code === 0 ? resolve(true) : reject(new Error(`mosquitto_pub exited ${code}: ${stderr.trim()}`)),
    );
  });
}

export function brokerPlugin() {
  let aedes;
  let mosquitto;
  let events = [];
  /** @type {Map<string, Awaited<ReturnType<typeof startMosquitto>>>} */
  const privates = new Map();
  let privateCount = 0;
  const forClient = (list, clientId) => (clientId == null ? list : list.filter((e) => e.clientId === clientId));

  const commands = {
    brokers: () => ({
      aedes: { url: aedes.url },
      mosquitto: { url: mosquitto.wsUrl, authUrl: mosquitto.authWsUrl, user: mosquitto.user, password: mosquitto.password },
    }),
    'aedes-events': ({ clientId } = {}) => forClient(events, clientId),
    'aedes-clients': () => Object.keys(aedes.broker.clients),
    'aedes-disconnect-client': ({ clientId }) => {
      const client = aedes.broker.clients[clientId];
      if (!client) return false;
      // Drop the transport like a network failure would (no DISCONNECT, so the will fires).
      return new Promise((resolve) => client.close(() => resolve(true)));
    },
    'aedes-publish': ({ topic, payload = '', qos = 0, retain = false }) =>
      new Promise((resolve, reject) =>
        aedes.broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(String(payload)), qos, retain, dup: false },
          (err) => (err ? reject(err) : resolve(true)),
        ),
      ),
    'mosquitto-log': ({ contains } = {}) => {
      const lines = mosquitto.log();
      return contains ? lines.filter((l) => l.includes(contains)) : lines;
    },
    'mosquitto-pub': (payload) => mosquittoPub(mosquitto, payload),
    // A test that restarts a broker gets a mosquitto of its own: the shared one serves both
    // browsers at once.
    'mosquitto-private-start': async () => {
      const id = String(++privateCount);
      privates.set(id, await startMosquitto());
      return { id, url: privates.get(id).wsUrl };
    },
    'mosquitto-private-restart': async ({ id }) => {
      await privates.get(id).restart();
      return true;
    },
    'mosquitto-private-stop': async ({ id }) => {
      await privates.get(id)?.close();
      privates.delete(id);
      return true;
    },
  };

  return {
    name: 'mqtt-brokers',
    async serverStart() {
      // Sequential: a failed mosquitto start must not leave aedes running (and vice versa).
      aedes = await startAedesServer({ hooks: aedesHooks });
      events = recordEvents(aedes.broker);
      try {
        mosquitto = await startMosquitto();
      } catch (err) {
        await aedes.close();
        throw err;
      }
    },
    async serverStop() {
      // Each broker gets STOP_BUDGET_MS: a broker that does not close must not hold the run open,
      // and the message says which one it was.
      await Promise.all([
        closeWithin(aedes?.close(), STOP_BUDGET_MS, 'aedes', () =>
          console.error(
            `  aedes: broker ${aedes.broker.closed ? 'closed' : 'open'}, clients [${Object.keys(aedes.broker.clients)}], ` +
              `HTTP server ${aedes.server.listening ? 'listening' : 'closed'}`,
          ),
        ),
        // test-browser.js kills the process if it is still there when the run exits.
        closeWithin(mosquitto?.close(), STOP_BUDGET_MS, 'mosquitto', () => {}),
        ...[...privates.values()].map((m) => closeWithin(m.close(), STOP_BUDGET_MS, 'a private mosquitto', () => {})),
      ]);
    },
    async executeCommand({ command, payload }) {
      const run = commands[command];
      // undefined lets other plugins (sendKeys, ...) handle commands that are not ours.
      return run ? run(payload ?? {}) : undefined;
    },
  };
}
