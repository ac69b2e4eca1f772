/**
 * From what a page author writes (attributes) to what MQTT.js takes (`IClientOptions`).
 * Pure: the page's location is passed in, so this runs and is tested without a DOM.
 */
import type { IClientOptions } from 'mqtt';
import { MqttElementsError } from '../errors.js';
import { insecureUrlReason, lacksScheme, urlMistake } from './diagnosis.js';
import { redactUrl } from './redact-url.js';
import type { ConnectionConfig } from './settings.js';
import { numericSetting } from './numeric-setting.js';
import { topicNameError } from './topic.js';

/** QoS levels as MQTT defines them. */
export type QoS = 0 | 1 | 2;

/** Parses a QoS from an attribute or property; throws `invalid-qos` for anything else. */
export function parseQos(value: unknown, what = 'qos'): QoS {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (n === 0 || n === 1 || n === 2) return n;
  throw new MqttElementsError('invalid-qos', `${what} must be 0, 1 or 2, not ${JSON.stringify(value)}`);
}

/**
 * Resolves a connection URL. `ws:` and `wss:` URLs are taken as they are; a path starting with
 * `/` is resolved against the page, `http:` becoming `ws:` and `https:` becoming `wss:`. Throws
 * `invalid-url` (with what to write instead) and `insecure-url` (`ws://` from an https page).
 */
export function resolveBrokerUrl(url: unknown, pageUrl?: string): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new MqttElementsError('invalid-url', 'url is required: a ws:// or wss:// URL, or a path starting with /');
  }
  const raw = url.trim();
  let resolved: URL;
  try {
    if (raw.startsWith('/') && !raw.startsWith('//')) {
      if (!pageUrl) throw new Error('no page to resolve against');
      const page = new URL(pageUrl);
      if (page.protocol !== 'http:' && page.protocol !== 'https:') {
        throw new Error(`the page is not served over http(s) (${page.protocol})`);
      }
      resolved = new URL(raw, page);
      // URL parsing reads `\` as `/` and drops tabs and newlines, so `/\\evil.example` would
      // leave the page's host: a path must stay on it.
      if (resolved.host !== page.host) throw new Error(`a path must stay on the page's host (${page.host})`);
      resolved.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
    } else {
      if (lacksScheme(raw) || !URL.canParse(raw)) throw new MqttElementsError('invalid-url', urlMistake(raw));
      resolved = new URL(raw);
    }
  } catch (e) {
    if (e instanceof MqttElementsError) throw e;
    throw new MqttElementsError('invalid-url', `cannot resolve url "${redactUrl(raw)}": ${(e as Error).message}`, { cause: e });
  }
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') throw new MqttElementsError('invalid-url', urlMistake(raw));
  const insecure = insecureUrlReason(resolved, pageUrl);
  if (insecure) throw new MqttElementsError('insecure-url', insecure);
  return resolved.href;
}

/** A client id for a page that did not choose one: `mqtt-elements_` and 8 random hex digits. */
export function randomClientId(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return 'mqtt-elements_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A connection's numeric setting, through the one rule (numeric-setting.ts), as every element's:
 * absent, the default; anything the rule refuses (no number at all — NaN is what Lit makes of an
 * attribute that does not parse —, outside `min`..`max`, not whole), the default and a
 * `payload-format` problem in `problems`, which the connection reports before it connects with
 * the default.
 */
function inRange(value: number | undefined, name: string, fallback: number, problems: MqttElementsError[], min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const setting = numericSetting(name, value, fallback, { min, max, whole: true });
  if (setting.error) problems.push(setting.error);
  return setting.value;
}

/**
 * Why MQTT.js options cannot carry their credentials, or undefined. MQTT 3.1.1 has no password
 * without a user name: MQTT.js would fail the stream with no code and retry forever behind a
 * vague "could not connect".
 */
export function credentialsError(options: IClientOptions): string | undefined {
  if (options.protocolVersion !== 5 && options.password !== undefined && !options.username) {
    return 'MQTT 3.1.1 needs a username with a password';
  }
  return undefined;
}

/**
 * The broker URLs of a `url` setting: one, or several separated by whitespace (nodes of a
 * cluster to fail over between), each resolved as {@link resolveBrokerUrl} does.
 */
export function resolveBrokerUrls(url: unknown, pageUrl?: string): string[] {
  const parts = typeof url === 'string' ? url.trim().split(/\s+/).filter(Boolean) : [];
  return parts.length > 1 ? parts.map((part) => resolveBrokerUrl(part, pageUrl)) : [resolveBrokerUrl(url, pageUrl)];
}

/** What a connection needs to make and keep its client. */
export interface ClientPlan {
  /** The first URL to try. */
  url: string;
  /** Every broker URL, in the order to try them. */
  urls: string[];
  options: IClientOptions;
  /** ms, the longest delay between reconnect attempts. */
  reconnectMax: number;
  /** Settings that did not parse and have their default applied, each a `payload-format` error to report. */
  problems: MqttElementsError[];
}

/**
 * Turns a config into MQTT.js options. Throws coded errors for bad input (`invalid-url`,
 * `invalid-topic`, `invalid-qos`, `connection-failed` for other bad settings).
 */
export function toClientOptions(config: ConnectionConfig, pageUrl?: string): ClientPlan {
  const urls = resolveBrokerUrls(config.url, pageUrl);
  const url = urls[0]!;
  const problems: MqttElementsError[] = [];
  const protocolVersion = config.protocolVersion ?? 4;
  if (protocolVersion !== 4 && protocolVersion !== 5) {
    throw new MqttElementsError('connection-failed', `protocol-version must be 4 (MQTT 3.1.1) or 5, not ${protocolVersion}`);
  }
  const options: IClientOptions = {
    clientId: config.clientId || randomClientId(),
    keepalive: inRange(config.keepalive, 'keepalive', 60, problems, 0, 65535),
    clean: !config.persistentSession,
    protocolVersion,
    reconnectPeriod: inRange(config.reconnectPeriod, 'reconnect-period', 1000, problems),
    connectTimeout: inRange(config.connectTimeout, 'connect-timeout', 30000, problems),
    // Subscriptions are restored by our own registry, which knows every element's wishes and
    // reports each one's status; MQTT.js's copy would send them twice.
    resubscribe: false,
    // A refused CONNACK stops reconnects only when it is about credentials (README: Errors, `not-authorized`): the
    // connection decides that itself, so MQTT.js must not suppress the others.
    reconnectOnConnackError: true,
  };
  if (config.username !== undefined && config.username !== null) options.username = config.username;
  if (config.password !== undefined && config.password !== null) options.password = config.password;
  if (config.willTopic) {
    const reason = topicNameError(config.willTopic);
    if (reason) throw new MqttElementsError('invalid-topic', `will-topic: ${reason}`);
    options.will = {
      topic: config.willTopic,
      payload: config.willPayload ?? '',
      qos: config.willQos === undefined || config.willQos === null ? 0 : parseQos(config.willQos, 'will-qos'),
      retain: !!config.willRetain,
    };
  }
  if (protocolVersion === 5) {
    // Topic aliases both ways: repeated topics go out as a 2-byte alias where the broker grants
    // them (topicAliasMaximum in its CONNACK), and the broker may send aliased topics to us.
    options.autoUseTopicAlias = true;
    options.autoAssignTopicAlias = true;
    const properties: NonNullable<IClientOptions['properties']> = { topicAliasMaximum: 20 };
    if (config.sessionExpiry !== undefined && config.sessionExpiry !== null) {
      properties.sessionExpiryInterval = inRange(config.sessionExpiry, 'session-expiry', 0, problems, 0, 0xffffffff);
    }
    if (config.receiveMaximum !== undefined && config.receiveMaximum !== null) {
      properties.receiveMaximum = inRange(config.receiveMaximum, 'receive-maximum', 65535, problems, 1, 65535);
    }
    if (Object.keys(properties).length > 0) options.properties = properties;
  }
  const reconnectMax = inRange(config.reconnectMax, 'reconnect-max', 30000, problems);
  return { url, urls, options: { ...options, ...config.options }, reconnectMax, problems };
}
