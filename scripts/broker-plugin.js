// @web/test-runner plugin: runs the brokers for the whole test run (aedes in process; mosquitto,
// ejabberd, a RabbitMQ node and a 2-node RabbitMQ cluster as child processes) and lets browser
// tests drive and inspect them through executeServerCommand (test/support/brokers.ts).
import { spawn } from 'node:child_process';
import { startAedesServer } from './aedes-broker.js';
import { startEjabberd } from './ejabberd.js';
import { startMosquitto } from './mosquitto.js';
import { createRabbitmqCluster, RABBITMQ_PASSWORD, RABBITMQ_USER } from './rabbitmq.js';
import { closeWithin } from './time-limit.js';

const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
const STOP_BUDGET_MS = 5000;
/** ejabberd stops in 1–3 s; RabbitMQ's nodes in 1–3 s each, side by side, more while booting. */
const ERLANG_STOP_BUDGET_MS = 12000;

/**
 * The state of a slow piece of work, for commands that answer at once: web-test-runner gives a
 * command 20 s to answer, less than a RabbitMQ boot beside two browsers, so tests poll instead.
 * @template T
 * @param {Promise<T>} promise
 */
function progress(promise) {
  /** @type {{ done: boolean, value?: T, error?: string }} */
  const state = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (err) => Object.assign(state, { done: true, error: String(err?.stack ?? err) }),
  );
  return state;
}

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

/**
 * Publishes with `mosquitto_pub` over TCP to 127.0.0.1:`port` (any of the spawned brokers: each
 * has a plain MQTT listener beside its WebSocket one); resolves once it has exited, i.e. after
 * the broker acknowledged a QoS 1/2 message. An empty payload is sent as a zero-length message.
 */
function mqttPub(port, { topic, payload = '', qos = 0, retain = false, protocolVersion = 4 }, credentials) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos)];
  args.push(...(String(payload) === '' ? ['-n'] : ['-m', String(payload)]));
  if (retain) args.push('-r');
  if (credentials) args.push('-u', credentials.user, '-P', credentials.password);
  if (protocolVersion === 5) args.push('-V', 'mqttv5');
  return new Promise((resolve, reject) => {
    const proc = spawn(MOSQUITTO_PUB, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.once('error', reject);
    proc.once('exit', (code, signal) =>
      code === 0
        ? resolve(true)
        : reject(new Error(`mosquitto_pub to port ${port} exited ${code ?? signal}: ${stderr.trim()}`)),
    );
  });
}

function mosquittoPub(mosquitto, { auth = false, ...message }) {
  return mqttPub(mosquitto.tcpPort, message, auth ? mosquitto : undefined);
}

/** Log lines (each "<ISO time> …", as the starters capture them) from `since` (ms) on that match `pattern`. */
function linesSince(lines, since, pattern) {
  return lines.filter((l) => Date.parse(l.slice(0, 24)) >= since && pattern.test(l));
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What the tests need of each broker, whichever it is: where to connect, how to publish as an
 * outside peer, and how many logins it refused. `refusals` counts from `since` (ms since the
 * epoch), for `clientId` where the broker records it (aedes) or for `username` where it logs
 * that (RabbitMQ); mosquitto and ejabberd log neither for a refused login, so there a test
 * counts on a private instance of its own.
 */
function aedesInstance(aedes, events) {
  return {
    url: aedes.url,
    publish: ({ topic, payload = '', qos = 0, retain = false }) =>
      new Promise((resolve, reject) =>
        aedes.broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(String(payload)), qos, retain, dup: false },
          (err) => (err ? reject(err) : resolve(true)),
        ),
      ),
    refusals: ({ since, clientId }) =>
      events().filter((e) => e.type === 'connackSent' && e.clientId === clientId && e.returnCode !== 0 && e.time >= since)
        .length,
  };
}

function mosquittoInstance(mosquitto) {
  return {
    url: mosquitto.wsUrl,
    authUrl: mosquitto.authWsUrl,
    user: mosquitto.user,
    password: mosquitto.password,
    publish: (message) => mosquittoPub(mosquitto, message),
    // "Sending CONNACK to ::ffff:127.0.0.1 (0, 5)": a refused CONNECT names no client id.
    refusals: ({ since }) => linesSince(mosquitto.log(), since, /Sending CONNACK to .* \(\d, [1-9]\d*\)/).length,
  };
}

function ejabberdInstance(ejabberd) {
  return {
    url: ejabberd.wsUrl,
    user: ejabberd.user,
    password: ejabberd.password,
    publish: (message) => mqttPub(ejabberd.tcpPort, message, ejabberd),
    // "Rejected MQTT connection from 127.0.0.1: Authentication failed: Not authorized"
    refusals: ({ since }) => linesSince(ejabberd.log(), since, /Rejected MQTT connection/).length,
  };
}

function rabbitmqInstance(node) {
  return {
    url: node.wsUrl,
    user: RABBITMQ_USER,
    password: RABBITMQ_PASSWORD,
    // mosquitto_pub fails on RabbitMQ's answer to a QoS 2 PUBLISH (a PUBACK): tests publish at 0 or 1.
    publish: (message) => mqttPub(node.tcpPort, message),
    // "MQTT login failed for user 'alice', authentication failed: Refused"
    refusals: ({ since, username }) =>
      linesSince(node.log(), since, new RegExp(`MQTT login failed for user '${escapeRegExp(String(username))}'`)).length,
  };
}

/** A private instance of a broker, for one test that must not share it (a restart, a count of refusals). */
async function startPrivate(broker) {
  if (broker === 'aedes') {
    let aedes = await startAedesServer({ hooks: aedesHooks });
    let events = recordEvents(aedes.broker);
    return {
      ...aedesInstance(
        { url: aedes.url, broker: { publish: (...args) => aedes.broker.publish(...args) } },
        () => events,
      ),
      async restart() {
        const { port } = aedes;
        await aedes.close();
        aedes = await startAedesServer({ port, hooks: aedesHooks });
        events = recordEvents(aedes.broker);
      },
      close: () => aedes.close(),
    };
  }
  if (broker === 'mosquitto') {
    const mosquitto = await startMosquitto();
    return { ...mosquittoInstance(mosquitto), restart: mosquitto.restart, close: mosquitto.close };
  }
  if (broker === 'ejabberd') {
    const ejabberd = await startEjabberd();
    return { ...ejabberdInstance(ejabberd), restart: ejabberd.restart, close: ejabberd.close };
  }
  // 10–14 s per start, beside two browsers: the RabbitMQ cases use the shared node and the cluster.
  throw new Error(`no private instance of ${broker}: only aedes, mosquitto and ejabberd start in a few seconds`);
}

/**
 * @param {{ rabbitmq?: 'eager' | 'lazy', clusters?: number }} [options] `rabbitmq: 'eager'` (the
 *   default): the RabbitMQ node and then `clusters` clusters (one per browser: each browser's
 *   failover test uses one up) boot one after another in the background from the plugin's start,
 *   while the tests that do not need them run; `'lazy'`: each boots when a test first asks for it
 *   (for a run of a few chosen files, which may not need RabbitMQ at all).
 */
export function brokerPlugin({ rabbitmq: rabbitmqStart = 'eager', clusters: clustersAhead = 1 } = {}) {
  let aedes;
  let mosquitto;
  let ejabberd;
  /** @type {Awaited<ReturnType<typeof createRabbitmqCluster>> | undefined} */
  let rabbitmq;
  /** Every RabbitMQ cluster booted or booting, for serverStop. */
  const clusters = new Set();
  /** @type {Promise<void> | undefined} settles once the RabbitMQ node is up (or failed to start) */
  let rabbitmqReady;
  /** @type {Promise<Awaited<ReturnType<typeof createRabbitmqCluster>>>[]} clusters booted ahead of the tests that ask */
  const spareClusters = [];
  /** Records how long `start()` takes, under `name`. */
  const timed = (name, start) => {
    const began = Date.now();
    return start().then((value) => {
      startTimes[name] = Date.now() - began;
      return value;
    });
  };
  /** @type {ReturnType<typeof progress> | undefined} */
  let rabbitmqProgress;
  /** Boots the RabbitMQ node, once; a failure is reported to every test that asks. */
  function rabbitmqStarted() {
    if (!rabbitmqReady) {
      rabbitmqReady = timed('rabbitmq', () => rabbitmq.start());
      rabbitmqProgress = progress(rabbitmqReady);
    }
    return rabbitmqReady;
  }
  let clusterCount = 0;
  let stopping = false;
  /** Boots a fresh 2-node cluster, its boot time recorded as "rabbitmq cluster <n>". */
  async function bootCluster() {
    const name = `rabbitmq cluster ${++clusterCount}`;
    const fresh = await createRabbitmqCluster({ size: 2 });
    if (stopping) {
      await fresh.close();
      throw new Error('RabbitMQ cluster: the test run is stopping');
    }
    clusters.add(fresh);
    await timed(name, () => fresh.start());
    return fresh;
  }
  /** A cluster booted ahead, if one is left (each is taken once), or a fresh one. */
  function takeCluster() {
    return spareClusters.shift() ?? bootCluster();
  }
  let events = [];
  /** @type {Map<string, Awaited<ReturnType<typeof startMosquitto>>>} */
  const privates = new Map();
  let privateCount = 0;
  /** Private instances of any broker (broker-private-*), by id. */
  const privateInstances = new Map();
  const forClient = (list, clientId) => (clientId == null ? list : list.filter((e) => e.clientId === clientId));
  /** Start times in ms, for the run's output and the figures in CONTRIBUTING.md. */
  const startTimes = {};

  /** The shared instance of `broker`, or a private one by `id`. */
  function instance({ broker, id }) {
    if (id != null) {
      const found = privateInstances.get(id);
      if (!found) throw new Error(`no private broker ${id}`);
      return found;
    }
    switch (broker) {
      case 'aedes':
        return aedesInstance(aedes, () => events);
      case 'mosquitto':
        return mosquittoInstance(mosquitto);
      case 'ejabberd':
        return ejabberdInstance(ejabberd);
      case 'rabbitmq':
        return rabbitmqInstance(rabbitmq.nodes[0]);
      default:
        throw new Error(`unknown broker ${broker}`);
    }
  }

  // Each cluster test gets a cluster of its own, used once: a node that was SIGKILLed does not
  // come back into a RabbitMQ 3.10 cluster in useful time (its MQTT plugin waits at boot on the
  // client-id tracking Raft group), and the two browsers run the cluster test side by side.
  let ticketCount = 0;
  /** @type {Map<string, ReturnType<typeof progress>>} */
  const tickets = new Map();
  let leaseCount = 0;
  /** @type {Map<string, Awaited<ReturnType<typeof createRabbitmqCluster>>>} */
  const leases = new Map();
  function leaseNode({ lease, node }) {
    const found = leases.get(lease)?.nodes[node];
    if (!found) throw new Error(`RabbitMQ cluster: no node ${node} in lease ${lease}`);
    return found;
  }
  async function closeCluster(used) {
    await closeWithin(used.close(), ERLANG_STOP_BUDGET_MS, 'a RabbitMQ cluster', () => used.kill());
    clusters.delete(used);
  }

  const commands = {
    brokers: () => ({
      aedes: { url: aedes.url },
      mosquitto: { url: mosquitto.wsUrl, authUrl: mosquitto.authWsUrl, user: mosquitto.user, password: mosquitto.password },
      ejabberd: { url: ejabberd.wsUrl, user: ejabberd.user, password: ejabberd.password },
      // Its URL is fixed before it starts; `broker-ready` waits for it.
      rabbitmq: { url: rabbitmq.nodes[0].wsUrl, user: RABBITMQ_USER, password: RABBITMQ_PASSWORD },
    }),
    // RabbitMQ boots in the background (10–14 s, more beside two browsers): tests that use it
    // poll this until `done` (lazy: the first call starts the boot).
    'broker-ready': ({ broker }) => {
      if (broker !== 'rabbitmq') return { done: true };
      rabbitmqStarted();
      const { done, error } = rabbitmqProgress;
      return { done, error };
    },
    'broker-publish': (message) => instance(message).publish(message),
    'broker-refusals': ({ broker, id, since = 0, clientId, username }) => instance({ broker, id }).refusals({ since, clientId, username }),
    'broker-private-start': async ({ broker }) => {
      const id = `${broker}-${++privateCount}`;
      const started = await startPrivate(broker);
      privateInstances.set(id, started);
      const { url, authUrl, user, password } = started;
      return { id, url, authUrl, user, password };
    },
    'broker-private-restart': async ({ id }) => {
      await instance({ id }).restart();
      return true;
    },
    'broker-private-stop': async ({ id }) => {
      await privateInstances.get(id)?.close();
      privateInstances.delete(id);
      return true;
    },
    // A ticket for a cluster, then polled until it is `done`: booted (about 20 s, 30 beside two
    // browsers), or taken from the one booted ahead.
    'rabbitmq-cluster-request': () => {
      const ticket = String(++ticketCount);
      tickets.set(
        ticket,
        progress(
          takeCluster().then((leased) => {
            const lease = String(++leaseCount);
            leases.set(lease, leased);
            return { lease, nodes: leased.nodes.map((n) => ({ name: n.name, url: n.wsUrl })) };
          }),
        ),
      );
      return ticket;
    },
    'rabbitmq-cluster-poll': ({ ticket }) => {
      const state = tickets.get(ticket);
      if (!state) throw new Error(`RabbitMQ cluster: no ticket ${ticket}`);
      if (state.done) tickets.delete(ticket);
      return state;
    },
    'rabbitmq-cluster-kill': async (payload) => {
      await leaseNode(payload).kill();
      return true;
    },
    'rabbitmq-cluster-publish': (payload) => mqttPub(leaseNode(payload).tcpPort, payload),
    // Stops the cluster (in the background: the test need not wait for it).
    'rabbitmq-cluster-release': ({ lease }) => {
      const used = leases.get(lease);
      if (!used) return false;
      leases.delete(lease);
      closeCluster(used);
      return true;
    },
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
      return { id, url: privates.get(id).wsUrl, authUrl: privates.get(id).authWsUrl };
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
      // Side by side; when one fails, the ones that started are stopped again before the error
      // ends the run. RabbitMQ only gets its epmd, temp dir and ports here: its nodes boot in
      // the background below, while the tests that do not need them run.
      const results = await Promise.allSettled([
        timed('aedes', () => startAedesServer({ hooks: aedesHooks })),
        timed('mosquitto', () => startMosquitto()),
        timed('ejabberd', () => startEjabberd()),
        createRabbitmqCluster({ size: 1 }),
      ]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) {
        await Promise.all(
          results.map((r) => (r.status === 'fulfilled' ? closeWithin(r.value.close(), ERLANG_STOP_BUDGET_MS, 'a broker', () => {}) : undefined)),
        );
        throw failed.reason;
      }
      [aedes, mosquitto, ejabberd, rabbitmq] = results.map((r) => /** @type {PromiseFulfilledResult<any>} */ (r).value);
      events = recordEvents(aedes.broker);
      // Eager: the node first, then each cluster's two (one after another: each boot takes a
      // core for seconds). A failure is the RabbitMQ tests' failure, reported by broker-ready and
      // rabbitmq-cluster-poll, not the whole run's.
      if (rabbitmqStart === 'eager') {
        let previous = rabbitmqStarted();
        for (let i = 0; i < clustersAhead; i++) {
          const spare = previous.catch(() => {}).then(() => bootCluster());
          spare.catch(() => {});
          spareClusters.push(spare);
          previous = spare;
        }
      }
    },
    async serverStop() {
      stopping = true;
      // The run's start-up cost, in its output (CONTRIBUTING.md quotes these figures).
      console.log(
        `\nbroker start times in ms (RabbitMQ ${rabbitmqStart}, the cluster's nodes one after another): ${Object.entries(startTimes)
          .map(([name, ms]) => `${name} ${ms}`)
          .join(', ')}`,
      );
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
        // The Erlang brokers run in process groups of their own: what does not stop in time is
        // SIGKILLed by group here (test-browser.js only kills this process's descendants).
        closeWithin(ejabberd?.close(), ERLANG_STOP_BUDGET_MS, 'ejabberd', () => {}),
        closeWithin(rabbitmq?.close(), ERLANG_STOP_BUDGET_MS, 'RabbitMQ', () => rabbitmq.kill()),
        ...[...clusters].map((c) => closeCluster(c)),
        ...[...privateInstances.values()].map((p) => closeWithin(p.close(), ERLANG_STOP_BUDGET_MS, 'a private broker', () => {})),
      ]);
    },
    async executeCommand({ command, payload }) {
      const run = commands[command];
      // undefined lets other plugins (sendKeys, ...) handle commands that are not ours.
      return run ? run(payload ?? {}) : undefined;
    },
  };
}
