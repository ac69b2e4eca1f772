// Browser-side access to the brokers that scripts/broker-plugin.js runs for the test run.
import { executeServerCommand } from '@web/test-runner-commands';

export interface Brokers {
  /** aedes, MQTT 3.1.1 only. Password `wrong` → CONNACK 4, username `denied` → 5, `forbidden/#` → SUBACK 0x80. */
  aedes: { url: string };
  /** mosquitto 2.0: `url` anonymous, `authUrl` needs `user`/`password`; MQTT 3.1.1 and 5. */
  mosquitto: { url: string; authUrl: string; user: string; password: string };
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
export async function privateMosquitto(): Promise<{ url: string; restart: () => Promise<true>; stop: () => Promise<true> }> {
  const { id, url } = await command<{ id: string; url: string }>('mosquitto-private-start');
  return {
    url,
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

// Broker-free helpers, re-exported: tests against the brokers import everything from here.
export { once, uid, waitFor } from './wait.js';
