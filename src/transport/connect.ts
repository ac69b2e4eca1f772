/**
 * Makes the MQTT.js client of a connection, over this package's WebSocket transport
 * (ws-stream.ts) instead of MQTT.js's own. Public MQTT.js API only: `new MqttClient(streamBuilder,
 * options)` is how `mqtt.connect()` itself ends; what `connect()` does before that (read the URL
 * into `host`, `port`, `path`, `protocol`) is done here with the WHATWG `URL`.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { MqttElementsError } from '../errors.js';
import mqtt from '../vendor/mqtt.js';
import { followLogin } from './follow-login.js';
import { keepaliveTimer } from './keepalive-timer.js';
import { setNextOptions } from './mqtt-internals.js';
import { DEFAULT_BUFFER_SIZE, WebSocketStream, type SocketLike } from './ws-stream.js';

/** Makes a client for a resolved `ws:`/`wss:` URL; injectable so core logic is testable without a broker. */
export type ClientFactory = (url: string, options: IClientOptions) => MqttClient;

/**
 * The WebSocket URL of the client's next attempt. With MQTT.js's `servers` option (the escape
 * hatch) each attempt takes the next entry, as `mqtt.connect()` does.
 */
function nextUrl(client: MqttClient, servers: IClientOptions['servers'], turn: { at: number }): string {
  const options = client.options;
  if (servers && servers.length > 0) {
    const server = servers[turn.at++ % servers.length]!;
    options.host = options.hostname = server.host;
    options.port = server.port;
    if (server.protocol) options.protocol = server.protocol;
  }
  const secure = options.protocol === 'wss';
  options.port ||= secure ? 443 : 80;
  options.path ||= '/';
  let url = `${options.protocol}://${options.hostname}:${options.port}${options.path}`;
  if (typeof options.transformWsUrl === 'function') url = options.transformWsUrl(url, options, client);
  return url;
}

/** The `IClientOptions` fields that name where a `ws:`/`wss:` URL points. */
function urlOptions(url: string): IClientOptions {
  const parsed = new URL(url);
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    protocol: parsed.protocol === 'wss:' ? 'wss' : 'ws',
    host: hostname,
    hostname,
    port: parsed.port ? Number(parsed.port) : parsed.protocol === 'wss:' ? 443 : 80,
    path: parsed.pathname + parsed.search,
  };
}

/** Points the client's next attempts at another broker URL (failover, a signed URL, a redirect). */
export function retarget(client: MqttClient, url: string): void {
  setNextOptions(client, urlOptions(url));
}

/**
 * `mqtt.connect(url, options)` for a `ws:`/`wss:` URL, over {@link WebSocketStream}. The stream
 * builder is called again for every reconnect, so MQTT.js's `createWebsocket`, `transformWsUrl`
 * and `browserBufferSize` options keep working.
 */
export const connectOverWebSocket: ClientFactory = (url, options) => {
  if (typeof WebSocket !== 'function' && !options.createWebsocket) {
    throw new MqttElementsError('connection-failed', 'this environment has no WebSocket: connect from a browser (or Node 22+)');
  }
  const parsed = new URL(url);
  const fromUrl = urlOptions(url);
  if (parsed.username) fromUrl.username = decodeURIComponent(parsed.username);
  if (parsed.password) fromUrl.password = decodeURIComponent(parsed.password);
  // Keepalive on timers that work under a strict CSP and in background tabs (keepalive-timer.ts),
  // unless the page chose its own through `options`.
  const merged: IClientOptions = { timerVariant: keepaliveTimer, ...fromUrl, ...options };
  const turn = { at: 0 };
  const build = (client: MqttClient) => {
    const o = client.options;
    // Each attempt's CONNECT may log in as another user (a credentials function): the outbox follows.
    followLogin(o);
    const subprotocol = o.protocolId === 'MQIsdp' && o.protocolVersion === 3 ? 'mqttv3.1' : 'mqtt';
    const target = nextUrl(client, merged.servers, turn);
    o.wsOptions ??= {};
    const socket: SocketLike = o.createWebsocket ? o.createWebsocket(target, [subprotocol], o) : new WebSocket(target, [subprotocol]);
    return new WebSocketStream(socket, o.browserBufferSize || DEFAULT_BUFFER_SIZE);
  };
  // The stream is a look-alike of a Node Duplex with the part MqttClient uses (see ws-stream.ts).
  const client = new mqtt.MqttClient(build as never, merged);
  // As mqtt.connect() does: an `error` event with no listener would throw out of MQTT.js.
  client.on('error', () => {});
  return client;
};
