/**
 * `mqtt-elements/mqtt`: the MQTT.js the elements run on (its lighter build, src/vendor/mqtt.ts),
 * for an app that also makes MQTT clients of its own, so the page loads MQTT.js once. `connect`
 * is `mqtt.connect` for `ws:`/`wss:` brokers, over the same WebSocket transport as
 * `<mqtt-connection>` (transport/connect.ts): the lighter build leaves out MQTT.js's own
 * transports, which only its `connect()` uses. Everything else is MQTT.js's (`MqttClient`,
 * `Store`, the types). An app that must use its own `mqtt` instead: docs/bundlers.md.
 */
import type * as Mqtt from 'mqtt';
import type { IClientOptions } from 'mqtt';
import { redactUrl } from './core/redact-url.js';
import { MqttElementsError } from './errors.js';
import { connectOverWebSocket } from './transport/connect.js';
import lib from './vendor/mqtt.js';

export type * from 'mqtt';
export const { MqttClient, Store, DefaultMessageIdProvider, UniqueMessageIdProvider, KeepaliveManager, ReasonCodes } = lib;
// The classes are types too, as in `mqtt` (a const alone would hide `export type *`'s).
export type MqttClient = Mqtt.MqttClient;
export type Store = Mqtt.Store;
export type DefaultMessageIdProvider = Mqtt.DefaultMessageIdProvider;
export type UniqueMessageIdProvider = Mqtt.UniqueMessageIdProvider;
export type KeepaliveManager = Mqtt.KeepaliveManager;

/** As MQTT.js in a browser: `mqtt:`/`mqtts:` mean WebSocket, plain or secure. */
const WEB_SOCKET: Record<string, 'ws' | 'wss'> = { ws: 'ws', wss: 'wss', mqtt: 'ws', mqtts: 'wss' };

/** The broker URL `connect(options)` means when it is given no URL: MQTT.js's fields of `options`. */
function urlOf(options: IClientOptions): string {
  const secureDefault = typeof location !== 'undefined' && location.protocol === 'https:';
  const protocol = options.protocol ?? (secureDefault ? 'wss' : 'ws');
  const host = options.hostname ?? options.host ?? options.servers?.[0]?.host ?? 'localhost';
  const port = options.port ?? options.servers?.[0]?.port;
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}${options.path ?? '/'}`;
}

/**
 * Connects to an MQTT broker over WebSocket, as `mqtt.connect(url, options)` or
 * `mqtt.connect(options)` does, and returns MQTT.js's `MqttClient`.
 * @throws MqttElementsError `invalid-url` for a URL that is not `ws:`, `wss:`, `mqtt:` or `mqtts:`.
 */
export function connect(brokerUrl: string | IClientOptions, options: IClientOptions = {}): MqttClient {
  const opts = typeof brokerUrl === 'string' ? options : brokerUrl;
  let url: URL;
  try {
    url = new URL(typeof brokerUrl === 'string' ? brokerUrl : urlOf(brokerUrl));
  } catch (cause) {
    const shown = typeof brokerUrl === 'string' ? redactUrl(brokerUrl) : 'the options';
    throw new MqttElementsError('invalid-url', `${shown} is not a URL: give a ws:// or wss:// broker URL`, { cause });
  }
  // As in mqtt.connect(), a `protocol` option wins over the URL's.
  const asked = opts.protocol ?? url.protocol.slice(0, -1);
  const protocol = WEB_SOCKET[asked];
  if (!protocol) {
    throw new MqttElementsError('invalid-url', `${asked}: is not a WebSocket protocol: mqtt-elements/mqtt connects over ws:// or wss://`);
  }
  // Rewritten, not set: WHATWG URL will not turn a non-special scheme (mqtt:) into a special one.
  const href = `${protocol}:${url.href.slice(url.protocol.length)}`;
  return connectOverWebSocket(href, opts.protocol ? { ...opts, protocol } : opts);
}

/** As `import mqtt from 'mqtt'`: the same names on one object. */
const mqtt = { connect, MqttClient, Store, DefaultMessageIdProvider, UniqueMessageIdProvider, KeepaliveManager, ReasonCodes };
export default mqtt;
