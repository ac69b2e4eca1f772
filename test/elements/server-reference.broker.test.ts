// README, `<mqtt-connection>`: Reconnects, server references (and Errors, `redirect-refused`): a
// broker that sends the client elsewhere (MQTT 5 DISCONNECT or CONNACK 0x9C/0x9D) is followed at
// once to a node of the `url` list, and nowhere else: another node gets no connection at all, let
// alone the page's credentials; `redirect-refused` is reported and the client goes on over its
// list. mosquitto and aedes cannot send a server reference, so the brokers here are scripted ones
// (scripts/scripted-broker.js) over real WebSockets, each recording every TCP connection and
// CONNECT it gets.
import { expect, html } from '@open-wc/testing';
import mqtt, { type IDisconnectPacket } from 'mqtt';
import '../../src/index.js';
import type { MqttConnectionElement, MqttElementsError } from '../../src/index.js';
import { mount, type Mounted } from '../support/mount.js';
import { scriptedBroker, type ScriptedBroker } from '../support/scripted-broker.js';
import { uid, waitFor } from '../support/wait.js';

const USER = 'page-user';
const PASSWORD = 'page-secret';

let started: ScriptedBroker[] = [];
/** A scripted broker, stopped after the test. */
async function broker(): Promise<ScriptedBroker> {
  const b = await scriptedBroker();
  started.push(b);
  return b;
}

/** An `<mqtt-connection>` over MQTT 5 with the page's credentials, to `urls` (the first first). */
async function connect(urls: string[], reconnectPeriod: number): Promise<Mounted & { connection: MqttConnectionElement }> {
  const mounted = await mount(
    html`<mqtt-connection
      url=${urls.join(' ')}
      client-id=${uid('redirect')}
      protocol-version="5"
      username=${USER}
      password=${PASSWORD}
      reconnect-period=${reconnectPeriod}
      reconnect-max=${reconnectPeriod}
    ></mqtt-connection>`,
  );
  return { ...mounted, connection: mounted.$<MqttConnectionElement>('mqtt-connection') };
}

const codes = (m: Mounted) => m.errors.map((e) => e.detail.error.code);

/** The page's credentials reached exactly these CONNECTs, and nothing else reached `stranger`. */
async function untouched(stranger: ScriptedBroker): Promise<void> {
  const seen = await stranger.seen();
  expect(seen, 'the node off the list got no connection at all').to.deep.equal({ sockets: 0, connects: [] });
}

describe('server references: followed only to a node of the url list', function () {
  this.timeout(20000);
  afterEach(async () => {
    await Promise.all(started.map((b) => b.stop()));
    started = [];
  });

  it('the scripted broker records CONNECT and sends DISCONNECT 0x9C with a server reference (raw MQTT.js)', async () => {
    const a = await broker();
    await a.script([{ connack: 0, disconnect: 0x9c, reference: 'somewhere.test:1234', reason: 'go' }]);
    const client = mqtt.connect(a.url, { protocolVersion: 5, username: 'u', password: 'p', reconnectPeriod: 0 });
    try {
      const packet = await new Promise<IDisconnectPacket>((resolve) => client.on('disconnect', resolve));
      expect([packet.reasonCode, packet.properties?.serverReference, packet.properties?.reasonString]).to.deep.equal([
        0x9c,
        'somewhere.test:1234',
        'go',
      ]);
      const seen = await a.seen();
      expect(seen.connects.map((c) => [c.protocolVersion, c.username, c.password])).to.deep.equal([[5, 'u', 'p']]);
    } finally {
      client.end(true);
    }
  });

  it('DISCONNECT 0x9C to a node off the list (plainly, or behind userinfo naming the listed one): refused, nothing reaches it, the list is retried', async () => {
    const [a, stranger] = [await broker(), await broker()];
    await a.script([
      { connack: 0, disconnect: 0x9c, reference: stranger.url },
      { connack: 0, disconnect: 0x9c, reference: `ws://127.0.0.1:${a.port}@127.0.0.1:${stranger.port}/mqtt` },
      { connack: 0 },
    ]);
    const m = await connect([a.url], 200);
    await waitFor(async () => (await stranger.seen()).sockets > 0 || ((await a.seen()).connects.length === 3 && m.connection.status === 'connected'), {
      message: 'back on the listed node after two refused redirects',
    });
    await untouched(stranger);
    expect(codes(m)).to.deep.equal(['redirect-refused', 'redirect-refused']);
    const message = m.errors[0]!.detail.error.message;
    expect(message).to.contain(`ws://127.0.0.1:${stranger.port} (DISCONNECT 0x9C)`);
    expect(message).to.contain("not in this page's url list");
    expect(m.errors[1]!.detail.error.message, 'no userinfo in the message').not.to.contain('@');
    expect((await a.seen()).connects.every((c) => c.username === USER && c.password === PASSWORD)).to.equal(true);
    expect(m.uncaught).to.deep.equal([]);
  });

  it('DISCONNECT 0x9D to a node of the list, in MQTT 5 host:port form: followed at once, with the credentials', async () => {
    const [a, c] = [await broker(), await broker()];
    await a.script([{ connack: 0, disconnect: 0x9d, reference: `127.0.0.1:${c.port}` }]);
    // A minute's reconnect-period: an attempt on C within the test is the redirect, not the schedule.
    const m = await connect([a.url, c.url], 60000);
    await waitFor(() => m.connection.status === 'connected' && m.connection.activeUrl === c.url, {
      timeout: 5000,
      message: 'connected to C at once',
    });
    const seen = await c.seen();
    expect(seen.connects.map((x) => [x.username, x.password])).to.deep.equal([[USER, PASSWORD]]);
    expect(codes(m), 'following a listed node is no error').to.deep.equal([]);
  });

  it('a malformed server reference is refused and the retries go on', async () => {
    const a = await broker();
    await a.script([
      { connack: 0, disconnect: 0x9c, reference: 'http://[not a host' },
      { connack: 0x9d, reference: '\\\\evil' },
      { connack: 0 },
    ]);
    const m = await connect([a.url], 200);
    await waitFor(async () => (await a.seen()).connects.length === 3 && m.connection.status === 'connected', {
      message: 'connected after two malformed references',
    });
    expect(codes(m)).to.deep.equal(['redirect-refused', 'redirect-refused']);
  });

  it('CONNACK 0x9D to a node off the list: refused, nothing reaches it; CONNACK 0x9C to a listed node: followed at once', async () => {
    const [a, c, d, stranger] = [await broker(), await broker(), await broker(), await broker()];
    await a.script([{ connack: 0x9d, reference: stranger.url }, { connack: 0 }]);
    await c.script([{ connack: 0x9c, reference: a.url }]);
    // A refuses (off the list), the schedule moves on to C, and C sends the client back to A:
    // round robin would have gone to D next.
    const m = await connect([a.url, c.url, d.url], 300);
    await waitFor(
      async () => (await stranger.seen()).sockets > 0 || (m.connection.status === 'connected' && (await a.seen()).connects.length === 2),
      { message: 'back on A after C sent the client there' },
    );
    await untouched(stranger);
    expect(m.connection.activeUrl).to.equal(a.url);
    expect(codes(m), 'one error: the refused redirect, not also connection-failed').to.deep.equal(['redirect-refused']);
    expect((m.errors[0]!.detail.error as MqttElementsError).reasonCode).to.equal(0x9d);
    expect(m.errors[0]!.detail.error.message).to.contain('(CONNACK 0x9D)');
    expect((await d.seen()).sockets, 'the redirect, not round robin, chose the node after C').to.equal(0);
    expect((await c.seen()).connects.map((x) => x.username)).to.deep.equal([USER]);
  });
});
