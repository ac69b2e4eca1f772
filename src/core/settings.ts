/**
 * The settings of a connection, listed once. `<mqtt-connection>` copies exactly these keys from
 * its properties into the config (the type check there fails if it lacks one), `toClientOptions`
 * reads them, and the `reconnects` flag is the rule for which changes reconnect a live connection.
 */
import type { IClientOptions } from 'mqtt';

/**
 * Credentials fetched before every connect and reconnect (for tokens that expire); a `url` in the
 * answer replaces the broker URL for that attempt (for signed URLs).
 */
export type CredentialsProvider = () =>
  | Promise<{ username?: string; password?: string; url?: string }>
  | { username?: string; password?: string; url?: string };

/** The connection settings an `<mqtt-connection>` collects from its attributes and properties. */
export interface ConnectionConfig {
  url: string;
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  keepalive?: number | undefined;
  persistentSession?: boolean | undefined;
  protocolVersion?: number | undefined;
  reconnectPeriod?: number | undefined;
  /** ms, the longest delay between reconnect attempts (backoff doubles up to it). */
  reconnectMax?: number | undefined;
  connectTimeout?: number | undefined;
  willTopic?: string | undefined;
  willPayload?: string | undefined;
  willQos?: unknown;
  willRetain?: boolean | undefined;
  /** MQTT 5: session expiry interval in seconds. */
  sessionExpiry?: number | undefined;
  /** MQTT 5: receive maximum. */
  receiveMaximum?: number | undefined;
  /** MQTT.js options merged over everything above (the escape hatch). */
  options?: IClientOptions | undefined;
  /** Where QoS 1/2 messages in flight are kept: `memory`, or `indexeddb` (survives a reload). */
  store?: string | undefined;
  /** One broker connection for every tab of the origin with the same url, client id and user name. */
  shared?: boolean | undefined;
  /** Awaited before every connect and reconnect; its answer overrides the credentials above. */
  credentials?: CredentialsProvider | undefined;
}

/** Each setting, and whether changing it on a live connection reconnects (a new identity or broker). */
export const CONNECTION_SETTINGS = {
  url: { reconnects: true },
  clientId: { reconnects: true },
  username: { reconnects: true },
  password: { reconnects: true },
  protocolVersion: { reconnects: true },
  credentials: { reconnects: true },
  shared: { reconnects: true },
  store: { reconnects: true },
  keepalive: { reconnects: false },
  persistentSession: { reconnects: false },
  reconnectPeriod: { reconnects: false },
  reconnectMax: { reconnects: false },
  connectTimeout: { reconnects: false },
  willTopic: { reconnects: false },
  willPayload: { reconnects: false },
  willQos: { reconnects: false },
  willRetain: { reconnects: false },
  sessionExpiry: { reconnects: false },
  receiveMaximum: { reconnects: false },
  options: { reconnects: false },
} as const satisfies { [K in keyof Required<ConnectionConfig>]: { reconnects: boolean } };

/** A connection setting's name. */
export type SettingKey = keyof typeof CONNECTION_SETTINGS;

/** Every setting's name, in the order above. */
export const SETTING_KEYS = Object.keys(CONNECTION_SETTINGS) as SettingKey[];

/** The settings whose change on a live connection means a new client (README, `<mqtt-connection>`: Lifecycle). */
export const RECONNECTING_SETTINGS: ReadonlySet<SettingKey> = new Set(SETTING_KEYS.filter((key) => CONNECTION_SETTINGS[key].reconnects));
