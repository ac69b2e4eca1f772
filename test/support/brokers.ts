// Browser-side access to the brokers that scripts/broker-plugin.js runs for the test run.
import { executeServerCommand } from '@web/test-runner-commands';
import { uid } from './wait.js';

export interface Brokers {
  /** aedes, MQTT 3.1.1 only. Password `wrong` → CONNACK 4, username `denied` → 5, `forbidden/#` → SUBACK 0x80. */
  aedes: { url: string };
  /** mosquitto 2.0: `url` anonymous, `authUrl` needs `user`/`password`; MQTT 3.1.1 and 5. */
  mosquitto: { url: string; authUrl: string; user: string; password: string };
  /** ejabberd 23.01 (mod_mqtt at /mqtt), MQTT 3.1.1 and 5; no anonymous MQTT: log in as `user`/`password`. */
  ejabberd: { url: string; user: string; password: string };
  /**
   * RabbitMQ 3.10 (web_mqtt at /ws), MQTT 3.1.1 only, QoS 2 granted as 1; anonymous clients are
   * `user`. It boots in the background: `brokerEndpoint('rabbitmq')` waits for it.
   */
  rabbitmq: { url: string; user: string; password: string };
}

export type AedesEventType = 'client' | 'clientDisconnect' | 'subscribe' | 'unsubscribe' | 'publish' | 'connackSent';

export interface AedesEvent {
  type: AedesEventType;
  /** null for messages the broker published itself. */
  clientId: string | null;
  /** subscribe: granted QoS per filter, 128 = refused; unsubscribe: no qos. */
  topics?: { topic: string; qos?: number }[];
  topic?: string;
  /** UTF-8 decoded. */
  payload?: string;
  qos?: number;
  retain?: boolean;
  /** connackSent only. */
  returnCode?: number;
  sessionPresent?: boolean;
  /** ms since epoch, on the server. */
  time: number;
}

export interface PubOptions {
  topic: string;
  payload?: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  /** use the mosquitto user/password (the TCP listener also admits anonymous peers). */
  auth?: boolean;
  protocolVersion?: 4 | 5;
}

async function command<R>(name: string, payload?: unknown): Promise<R> {
  return executeServerCommand<R, unknown>(name, payload);
}

let brokers: Promise<Brokers> | undefined;
/** Broker URLs; fixed for the run, so fetched once per test file. */
export function getBrokers(): Promise<Brokers> {
  brokers ??= command<Brokers>('brokers');
  return brokers;
}

/** Everything aedes recorded since the run started (all test files), optionally for one client. */
export function aedesEvents(clientId?: string): Promise<AedesEvent[]> {
  return command('aedes-events', { clientId });
}

/** Client ids connected to aedes right now. */
export function aedesClients(): Promise<string[]> {
  return command('aedes-clients');
}

/** Drops a client's connection from the broker side, like a network failure (its will is sent). */
export function aedesDisconnectClient(clientId: string): Promise<boolean> {
  return command('aedes-disconnect-client', { clientId });
}

/** Publishes from inside aedes (recorded with clientId null). */
export function aedesPublish(opts: { topic: string; payload?: string; qos?: 0 | 1 | 2; retain?: boolean }): Promise<true> {
  return command('aedes-publish', opts);
}

/** mosquitto's log lines (ISO-timestamped), optionally only those containing `contains`. */
export function mosquittoLog(contains?: string): Promise<string[]> {
  return command('mosquitto-log', { contains });
}

/** Publishes through `mosquitto_pub` over TCP (an outside peer); resolves when it has exited. */
export function mosquittoPub(opts: PubOptions): Promise<true> {
  return command('mosquitto-pub', opts);
}

/**
 * A mosquitto for one test alone, for what would disturb others on the shared one (a restart:
 * Chromium and Firefox run their tests side by side). Stop it when done.
 */
export async function privateMosquitto(): Promise<{
  url: string;
  /** The listener that needs the shared mosquitto's `user`/`password`. */
  authUrl: string;
  restart: () => Promise<true>;
  stop: () => Promise<true>;
}> {
  const { id, url, authUrl } = await command<{ id: string; url: string; authUrl: string }>('mosquitto-private-start');
  return {
    url,
    authUrl,
    /** Stops it and starts it again on the same ports (its sessions are lost). */
    restart: () => command('mosquitto-private-restart', { id }),
    stop: () => command('mosquitto-private-stop', { id }),
  };
}

export type BrokerName = 'aedes' | 'mosquitto';

/** Both brokers: a behaviour both must show is one test, run against each. */
export const BROKER_NAMES = ['aedes', 'mosquitto'] as const;

/** One broker as a test written for both sees it. */
export interface BrokerUnderTest {
  name: BrokerName;
  /** The anonymous WebSocket URL. */
  url: string;
  /** Publishes as a peer outside the page (aedes itself; mosquitto_pub over TCP); resolves once the broker has it. */
  publish(message: { topic: string; payload?: string; qos?: 0 | 1 | 2; retain?: boolean }): Promise<unknown>;
  /** The granted QoS of every SUBSCRIBE the broker saw from `clientId` for `filter`, in order. */
  subscribes(clientId: string, filter: string): Promise<number[]>;
  /** How many UNSUBSCRIBEs of `filter` the broker saw from `clientId`. */
  unsubscribes(clientId: string, filter: string): Promise<number>;
}

/**
 * What mosquitto logged about `clientId`'s subscriptions, each line without its timestamp and the
 * id: "<qos> <filter>" for a granted SUBSCRIBE, "<filter>" for an UNSUBSCRIBE.
 */
async function mosquittoSubscriptionLines(clientId: string): Promise<string[]> {
  const prefix = `${clientId} `;
  return (await mosquittoLog(prefix))
    .map((line) => line.slice(line.indexOf(' ') + 1)) // "2024-…Z <text>"
    .filter((body) => body.startsWith(prefix))
    .map((body) => body.slice(prefix.length));
}

/** aedes or mosquitto, for a test written once for both. */
export async function brokerUnderTest(name: BrokerName): Promise<BrokerUnderTest> {
  const brokers = await getBrokers();
  if (name === 'aedes') {
    return {
      name,
      url: brokers.aedes.url,
      publish: (message) => aedesPublish(message),
      subscribes: subscribesAt,
      unsubscribes: unsubscribesAt,
    };
  }
  return {
    name,
    url: brokers.mosquitto.url,
    publish: (message) => mosquittoPub(message),
    subscribes: async (clientId, filter) =>
      (await mosquittoSubscriptionLines(clientId)).flatMap((rest) => {
        const granted = /^(\d+) (.*)$/.exec(rest);
        return granted && granted[2] === filter ? [Number(granted[1])] : [];
      }),
    unsubscribes: async (clientId, filter) => (await mosquittoSubscriptionLines(clientId)).filter((rest) => rest === filter).length,
  };
}

/** aedes events of one type for one client id, optionally only those about `topic`. */
export async function brokerEvents(clientId: string, type: AedesEventType, topic?: string): Promise<AedesEvent[]> {
  return (await aedesEvents(clientId)).filter(
    (e) => e.type === type && (topic === undefined || e.topic === topic || !!e.topics?.some((t) => t.topic === topic)),
  );
}

/** The granted QoS of every SUBSCRIBE aedes saw from `clientId` for `filter`, in order. */
export async function subscribesAt(clientId: string, filter: string): Promise<number[]> {
  return (await brokerEvents(clientId, 'subscribe', filter)).map((e) => e.topics!.find((t) => t.topic === filter)!.qos!);
}

/** How many UNSUBSCRIBEs of `filter` aedes saw from `clientId`. */
export async function unsubscribesAt(clientId: string, filter: string): Promise<number> {
  return (await brokerEvents(clientId, 'unsubscribe', filter)).length;
}

// ---- Any of the four brokers: the matrix (test/brokers/matrix.broker.test.ts) ----

export type AnyBrokerName = 'aedes' | 'mosquitto' | 'ejabberd' | 'rabbitmq';

/** Every broker the tests run against, in the order the matrix runs them (RabbitMQ boots last). */
export const ALL_BROKERS = ['aedes', 'mosquitto', 'ejabberd', 'rabbitmq'] as const;

/** What differs between the brokers, known before any of them is asked. */
export const BROKER_TRAITS: Record<
  AnyBrokerName,
  { maxQos: 1 | 2; mqtt5: boolean; privateInstance: boolean }
> = {
  aedes: { maxQos: 2, mqtt5: false, privateInstance: true },
  mosquitto: { maxQos: 2, mqtt5: true, privateInstance: true },
  ejabberd: { maxQos: 2, mqtt5: true, privateInstance: true },
  // No MQTT 5 (a v5 CONNECT gets the socket dropped), QoS 2 granted as 1, and 10–14 s per start:
  // no private instance.
  rabbitmq: { maxQos: 1, mqtt5: false, privateInstance: false },
};

/** A message published as a peer outside the page. */
export interface PeerMessage {
  topic: string;
  payload?: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

/** One broker (shared, or a private instance) as a test written for all four sees it. */
export interface BrokerEndpoint {
  name: AnyBrokerName;
  /** WebSocket URL anonymous clients (or `username`/`password`) connect to. */
  url: string;
  /** What every client must send: ejabberd has no anonymous MQTT. Undefined elsewhere. */
  username?: string;
  password?: string;
  /** The highest QoS the broker grants and takes from a peer: RabbitMQ 3.10 has no QoS 2. */
  maxQos: 1 | 2;
  /** Whether it speaks MQTT 5 (mosquitto, ejabberd). */
  mqtt5: boolean;
  /**
   * A login it refuses: at `url`, `username` with `password`. The username is fresh per call
   * where the broker logs refusals by user name (RabbitMQ).
   */
  refusedLogin(): { url: string; username: string; password: string };
  /** Publishes as an outside peer (aedes itself; `mosquitto_pub` over TCP elsewhere); resolves once the broker has it. */
  publish(message: PeerMessage): Promise<unknown>;
  /**
   * Logins refused since `since` (ms since the epoch): for `clientId` at aedes, for `username`
   * at RabbitMQ; at mosquitto and ejabberd every refusal, which their logs do not attribute
   * (count there on a private instance: `brokerForRefusals`).
   */
  refusals(opts: { since: number; clientId?: string; username?: string }): Promise<number>;
}

function endpoint(
  name: AnyBrokerName,
  at: { url: string; authUrl?: string; user?: string; password?: string },
  target: { broker: AnyBrokerName; id?: string },
): BrokerEndpoint {
  const refusedLogin = {
    aedes: () => ({ url: at.url, username: 'u', password: 'wrong' }), // the test policy's CONNACK 4
    mosquitto: () => ({ url: at.authUrl!, username: at.user!, password: 'not-the-password' }),
    ejabberd: () => ({ url: at.url, username: at.user!, password: 'not-the-password' }),
    rabbitmq: () => ({ url: at.url, username: uid('nobody'), password: 'not-the-password' }),
  }[name];
  return {
    name,
    url: at.url,
    // RabbitMQ maps anonymous clients to its default user; only ejabberd needs a login.
    ...(name === 'ejabberd' ? { username: at.user, password: at.password } : {}),
    maxQos: BROKER_TRAITS[name].maxQos,
    mqtt5: BROKER_TRAITS[name].mqtt5,
    refusedLogin,
    publish: (message) => command('broker-publish', { ...target, ...message }),
    refusals: (opts) => command('broker-refusals', { ...target, ...opts }),
  };
}

/** What a command about slow work (a RabbitMQ boot) answers at once: poll until `done`. */
interface Progress<T> {
  done: boolean;
  value?: T;
  error?: string;
}

/**
 * Polls `ask` until its work is done; rejects with the work's error, or after `timeout` ms. (A
 * command has 20 s to answer, less than RabbitMQ may take to boot beside two browsers.)
 */
async function untilDone<T>(ask: () => Promise<Progress<T>>, timeout: number, what: string): Promise<T> {
  const deadline = performance.now() + timeout;
  for (;;) {
    const state = await ask();
    if (state.error) throw new Error(`${what}: ${state.error}`);
    if (state.done) return state.value as T;
    if (performance.now() > deadline) throw new Error(`${what}: not done after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The shared instance of a broker; for RabbitMQ, once it has booted (give the hook 120 s). */
export async function brokerEndpoint(name: AnyBrokerName): Promise<BrokerEndpoint> {
  await untilDone(() => command<Progress<void>>('broker-ready', { broker: name }), 110000, `${name} start`);
  return endpoint(name, (await getBrokers())[name], { broker: name });
}

/** A private instance for one test: `restart()` and refusal counts disturb nobody else. */
export interface PrivateBroker extends BrokerEndpoint {
  /** Stops it and starts it again on the same ports; sessions and subscriptions are lost. */
  restart(): Promise<true>;
  stop(): Promise<true>;
}

/** A private aedes, mosquitto or ejabberd (started in 0.1–4 s; see BROKER_TRAITS). Stop it when done. */
export async function privateBroker(name: AnyBrokerName): Promise<PrivateBroker> {
  const at = await command<{ id: string; url: string; authUrl?: string; user?: string; password?: string }>(
    'broker-private-start',
    { broker: name },
  );
  return {
    ...endpoint(name, at, { broker: name, id: at.id }),
    restart: () => command('broker-private-restart', { id: at.id }),
    stop: () => command('broker-private-stop', { id: at.id }),
  };
}

/**
 * Where a test can count one client's refused logins: the shared broker where refusals are
 * attributed (aedes by client id, RabbitMQ by user name), a private instance elsewhere. `stop()`
 * stops the private one.
 */
export async function brokerForRefusals(name: AnyBrokerName): Promise<BrokerEndpoint & { stop(): Promise<unknown> }> {
  if (name === 'aedes' || name === 'rabbitmq') return { ...(await brokerEndpoint(name)), stop: async () => true };
  return privateBroker(name);
}

/** A 2-node RabbitMQ cluster for one test alone (it kills a node; the cluster is not reused). */
export interface ClusterLease {
  /** Both nodes, running and clustered: name (`rmqa@localhost`) and WebSocket URL. */
  nodes: { name: string; url: string }[];
  /** SIGKILLs node `index`'s process group; resolves once it is gone. */
  kill(index: number): Promise<true>;
  /** Publishes through node `index` (`mosquitto_pub` over TCP, anonymous); resolves once it has the message. */
  publish(index: number, message: PeerMessage): Promise<true>;
  /** Stops the cluster (in the background). */
  release(): Promise<boolean>;
}

/**
 * A cluster of its own: the one booted in the background at the run's start, or a fresh one
 * (about 20 s, 30 beside two browsers): give the test a long timeout.
 */
export async function rabbitmqCluster(): Promise<ClusterLease> {
  const ticket = await command<string>('rabbitmq-cluster-request');
  const { lease, nodes } = await untilDone(
    () => command<Progress<{ lease: string; nodes: { name: string; url: string }[] }>>('rabbitmq-cluster-poll', { ticket }),
    250000,
    'the RabbitMQ cluster',
  );
  return {
    nodes,
    kill: (node) => command('rabbitmq-cluster-kill', { lease, node }),
    publish: (node, message) => command('rabbitmq-cluster-publish', { lease, node, ...message }),
    release: () => command('rabbitmq-cluster-release', { lease }),
  };
}

// Broker-free helpers, re-exported: tests against the brokers import everything from here.
export { once, uid, waitFor } from './wait.js';
