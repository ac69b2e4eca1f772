// A broker's server reference as the connection's status machine reads it (src/core/attempt.ts):
// DISCONNECT and CONNACK 0x9C/0x9D followed at once to a node of the url list; anything else
// refused with redirect-refused, the client never pointed there, and the retries going on. A
// small stand-in for MQTT.js's client emits what MQTT.js emits, in its order (the real thing, over
// a scripted broker, is test/elements/server-reference.broker.test.ts).
import { expect } from '@open-wc/testing';
import type { IClientOptions, MqttClient } from 'mqtt';
import { MqttConnection } from '../../src/core/connection.js';
import type { ConnectionConfig } from '../../src/core/settings.js';
import type { MqttElementsError } from '../../src/errors.js';
import { waitFor } from '../support/wait.js';
import { loadReferences } from '../../src/core/lazy-references.js';

type Handler = (...args: unknown[]) => void;

/** What MQTT.js's client does that the connection listens to; `attempts` holds where each retry went. */
class StandIn {
  readonly #handlers = new Map<string, Handler[]>();
  connected = false;
  disconnecting = false;
  stream = { opened: true };
  /** `protocol://host:port/path` of each call of MQTT.js's private `_reconnect`. */
  readonly attempts: string[] = [];

  constructor(public options: IClientOptions) {}

  on(event: string, handler: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.#handlers.get(event) ?? []) handler(...args);
  }

  end(): this {
    this.disconnecting = true;
    return this;
  }

  _reconnect(): void {
    const o = this.options;
    this.attempts.push(`${o.protocol}://${o.hostname}:${o.port}${o.path}`);
    this.emit('reconnect');
  }

  accept(): void {
    this.emit('packetreceive', { cmd: 'connack', reasonCode: 0, sessionPresent: false });
    this.connected = true;
    this.emit('connect', { cmd: 'connack', reasonCode: 0, sessionPresent: false });
  }

  /** A DISCONNECT from the broker, then the socket's close. */
  disconnectedByServer(reasonCode: number, serverReference?: string): void {
    this.emit('disconnect', { cmd: 'disconnect', reasonCode, properties: serverReference === undefined ? {} : { serverReference } });
    this.close();
  }

  /** A refused CONNACK as MQTT.js 5 handles it: `packetreceive`, `error` with the code, the close. */
  refusedByConnack(reasonCode: number, serverReference?: string): void {
    const properties = serverReference === undefined ? {} : { serverReference };
    this.emit('packetreceive', { cmd: 'connack', reasonCode, sessionPresent: false, properties });
    this.emit('error', Object.assign(new Error(`Connection refused: ${reasonCode}`), { code: reasonCode }));
    this.close();
  }

  close(): void {
    this.connected = false;
    this.emit('close');
  }
}

const A = 'ws://a.test:8083/mqtt';
const B = 'ws://b.test:8083/mqtt';

function setup(config: Partial<ConnectionConfig>) {
  const clients: StandIn[] = [];
  const connection = new MqttConnection((_url, options) => {
    const client = new StandIn(options);
    clients.push(client);
    return client as unknown as MqttClient;
  });
  connection.config = { url: `${A} ${B}`, protocolVersion: 5, username: 'page-user', password: 'page-secret', ...config };
  const errors: MqttElementsError[] = [];
  const statuses: string[] = [];
  connection.listen({ error: (e) => errors.push(e), status: (s) => statuses.push(s) });
  connection.connect();
  return { connection, client: clients[0]!, errors, statuses, clients };
}

/** Long enough that an attempt within it can only be one made at once (no test waits for it). */
const LONG = { reconnectPeriod: 60000, reconnectMax: 60000 };

describe('core/attempt: server references', () => {
  // The references' code loads before an MQTT 5 connection's first attempt (core/lazy-references.ts).
  before(() => loadReferences());

  for (const via of ['DISCONNECT', 'CONNACK'] as const) {
    const moved = (client: StandIn, code: number, reference?: string) => {
      if (via === 'DISCONNECT') {
        client.accept();
        client.disconnectedByServer(code, reference);
      } else {
        client.refusedByConnack(code, reference);
      }
    };

    it(`${via} 0x9D to a node of the list (bare host:port): the next attempt goes there at once, no error`, async () => {
      const { connection, client, errors } = setup(LONG);
      moved(client, 0x9d, 'b.test:8083');
      await waitFor(() => client.attempts.length === 1, { timeout: 1000, message: 'an attempt at once' });
      expect(client.attempts).to.deep.equal([B]);
      expect(connection.activeUrl).to.equal(B);
      expect(errors.map((e) => e.code)).to.deep.equal([]);
      expect(connection.status).to.equal('reconnecting');
      connection.disconnect();
    });

    it(`${via} 0x9C to a node off the list: redirect-refused once, the client never pointed there, the list retried`, async () => {
      const { connection, client, errors, statuses } = setup({ reconnectPeriod: 20, reconnectMax: 20 });
      moved(client, 0x9c, 'ws://a.test:8083@evil.test:8083/mqtt');
      expect(errors.map((e) => e.code), 'one error, not also connection-failed').to.deep.equal(['redirect-refused']);
      expect(errors[0]!.reasonCode).to.equal(0x9c);
      expect(errors[0]!.message).to.contain(`ws://evil.test:8083 (${via} 0x9C)`);
      expect(statuses.at(-1), 'as for any loss').to.equal(via === 'DISCONNECT' ? 'offline' : 'error');
      await waitFor(() => client.attempts.length === 1, { timeout: 2000 });
      expect(client.attempts, 'the next node of the list').to.deep.equal([B]);
      expect(client.options.hostname).to.equal('b.test');
      connection.disconnect();
    });

    it(`${via} 0x9C with a malformed reference: redirect-refused, and the retries go on`, async () => {
      const { connection, client, errors } = setup({ url: A, reconnectPeriod: 20, reconnectMax: 20 });
      moved(client, 0x9c, '\u0000:::/\\@');
      expect(errors.map((e) => e.code)).to.deep.equal(['redirect-refused']);
      await waitFor(() => client.attempts.length === 1, { timeout: 2000 });
      client.refusedByConnack(0x9c, 'garbage garbage/again');
      await waitFor(() => client.attempts.length === 2, { timeout: 2000, message: 'the schedule is not halted' });
      expect(client.attempts).to.deep.equal([A, A]);
      expect(errors.map((e) => e.code)).to.deep.equal(['redirect-refused', 'redirect-refused']);
      connection.disconnect();
    });
  }

  it('a CONNACK 0x9C without a server reference stays connection-failed, with its reason code', () => {
    const { connection, client, errors } = setup(LONG);
    client.refusedByConnack(0x9c);
    expect(errors.map((e) => [e.code, e.reasonCode])).to.deep.equal([['connection-failed', 0x9c]]);
    connection.disconnect();
  });

  it('a ws:// reference from an https page is insecure-url and not followed', async () => {
    const clients: StandIn[] = [];
    const connection = new MqttConnection((_url, options) => {
      const client = new StandIn(options);
      clients.push(client);
      return client as unknown as MqttClient;
    });
    connection.pageUrl = () => 'https://page.test/';
    connection.config = { url: 'wss://a.test/mqtt wss://b.test/mqtt', protocolVersion: 5, ...LONG };
    const errors: MqttElementsError[] = [];
    connection.listen({ error: (e) => errors.push(e) });
    connection.connect();
    const client = clients[0]!;
    client.accept();
    client.disconnectedByServer(0x9d, 'ws://b.test/mqtt');
    expect(errors.map((e) => e.code)).to.deep.equal(['insecure-url']);
    connection.retryNow();
    expect(client.attempts).to.deep.equal(['wss://b.test:443/mqtt']);
    connection.disconnect();
  });
});
