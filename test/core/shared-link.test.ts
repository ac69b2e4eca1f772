// Tabs sharing one connection (src/core/shared-link.ts, shared-service.ts, shared-protocol.ts):
// several MqttConnections with `shared` in one page stand for tabs. They meet as tabs do, through
// real BroadcastChannels and the real navigator.locks (one origin, one lock manager); the leader's
// client is a fake MQTT.js client. A "raw tab" speaks the protocol by hand on the same channel, to
// be a tab of another version, one that sends nonsense, or one that crashes. No broker.
import { expect } from '@open-wc/testing';
import { MqttConnection } from '../../src/core/connection.js';
import type { ReceivedMessage } from '../../src/core/message.js';
import { MqttElementsError } from '../../src/errors.js';
import { FakeFactory } from '../support/fake-client.js';
import { uid, waitFor } from '../support/wait.js';

interface Tab {
  connection: MqttConnection;
  factory: FakeFactory;
}

const opened: MqttConnection[] = [];

function openTab(url: string, clientId: string): Tab {
  const factory = new FakeFactory();
  const connection = new MqttConnection(factory.create);
  connection.config = { url, clientId, shared: true };
  connection.connect();
  opened.push(connection);
  return { connection, factory };
}

/** Names of the locks held now (the browser's view, which any script of the origin has too). */
async function heldLocks(): Promise<string[]> {
  const { held = [] } = await navigator.locks.query();
  return held.map((l) => l.name ?? '');
}

/** The election lock of the group `leader` leads (its channel has the same name). */
async function groupName(before: string[]): Promise<string> {
  return waitFor(async () => (await heldLocks()).find((n) => !before.includes(n) && n.startsWith('mqtt-elements/shared/') && !n.includes('/tab/')), {
    message: 'the leader holds its group lock',
  });
}

/** A leader connected through its fake client, and its group's name. */
async function leader(url: string, clientId: string): Promise<Tab & { name: string }> {
  const before = await heldLocks();
  const tab = openTab(url, clientId);
  const client = await waitFor(() => tab.factory.clients[0], { message: 'the first tab makes the client' });
  client.accept();
  return { ...tab, name: await groupName(before) };
}

const text = (m: ReceivedMessage) => new TextDecoder().decode(m.payload);

/** A retained PUBLISH from the broker, as MQTT.js emits one. */
function retained(client: FakeFactory['client'], topic: string, value: string): void {
  const payload = new TextEncoder().encode(value);
  client.emit('message', topic, payload, { cmd: 'publish', topic, payload, qos: 0, retain: true, dup: false });
}

/** Grants every SUBSCRIBE of `filter` the client has not answered yet. */
function grant(client: FakeFactory['client'], filter: string, answered = new Set<unknown>()): void {
  for (const s of client.subscribes) {
    if (s.filter !== filter || answered.has(s)) continue;
    answered.add(s);
    s.callback(null, [{ topic: filter, qos: 0 }]);
  }
}

describe('core/shared-link: tabs sharing one connection', () => {
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.disconnect()));
  });

  it('a tab joining changes nothing the others have seen: no message twice, receivedAt as received', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('join'));
    const client = a.factory.client;
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    const got: Record<string, ReceivedMessage[]> = { a: [], b: [], c: [] };
    a.connection.subscribe('t/#', {}, (m) => got.a.push(m));
    b.connection.subscribe('t/#', {}, (m) => got.b.push(m));
    await waitFor(() => b.connection.status === 'connected' && client.subscribes.length > 0, { message: 'b connected, t/# sent' });
    client.subscribes[0].callback(null, [{ topic: 't/#', qos: 0 }]);
    client.deliver('t/1', 'one');
    await waitFor(() => got.b.length === 1, { message: 'b got the message' });
    const receivedAt = got.a[0].receivedAt;

    const c = openTab('ws://broker.test/mqtt', a.connection.clientId);
    c.connection.subscribe('t/#', {}, (m) => got.c.push(m));
    await waitFor(() => got.c.length === 1, { message: 'c got the latest message' });
    expect([text(got.c[0]), got.c[0].retained]).to.deep.equal(['one', true]);

    // A later message marks the end: anything the join caused came before it.
    client.deliver('t/1', 'two');
    await waitFor(() => got.b.length >= 2 && got.c.length >= 2, { message: 'b and c got the next message' });
    expect(got.a.map(text), 'the leader').to.deep.equal(['one', 'two']);
    expect(got.b.map(text), 'the tab already open').to.deep.equal(['one', 'two']);
    expect(got.c.map(text)).to.deep.equal(['one', 'two']);
    expect(client.subscribes.map((s) => s.filter), 'one SUBSCRIBE for three tabs').to.deep.equal(['t/#']);
    // Every tab shows the first message as received from the broker, not when it reached the tab.
    expect([got.b[0].receivedAt, got.c[0].receivedAt]).to.deep.equal([receivedAt, receivedAt]);
  });

  it('a tab leaving (the leader) delivers no retained message twice: not to the new leader, not to a follower', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('left'));
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    const c = openTab('ws://broker.test/mqtt', a.connection.clientId);
    const got: Record<string, string[]> = { b: [], c: [] };
    b.connection.subscribe('r/#', {}, (m) => got.b.push(`${text(m)} ${m.receivedAt}`));
    c.connection.subscribe('r/#', {}, (m) => got.c.push(`${text(m)} ${m.receivedAt}`));
    await waitFor(() => b.connection.status === 'connected' && c.connection.status === 'connected' && a.factory.client.subscribes.length > 0, {
      message: 'b and c follow a, r/# sent',
    });
    grant(a.factory.client, 'r/#');
    retained(a.factory.client, 'r/1', 'kept');
    await waitFor(() => got.b.length === 1 && got.c.length === 1, { message: 'b and c got the retained message' });
    const first = { b: [...got.b], c: [...got.c] };

    await a.connection.disconnect(); // the leader leaves: b or c takes over
    const next = await waitFor(() => (b.factory.clients[0] ? b : c.factory.clients[0] ? c : undefined), { message: 'a new leader' });
    const client = next.factory.client;
    client.accept();
    await waitFor(() => client.subscribes.some((s) => s.filter === 'r/#'), { message: 'the new leader subscribes again' });
    grant(client, 'r/#');
    retained(client, 'r/1', 'kept'); // what a broker sends for the new SUBSCRIBE
    client.deliver('r/1', 'new'); // then news, the end mark
    await waitFor(() => got.b.length >= 2 && got.c.length >= 2, { message: 'the news reached b and c' });
    expect(got.b.map((m) => m.split(' ')[0]), 'b').to.deep.equal(['kept', 'new']);
    expect(got.c.map((m) => m.split(' ')[0]), 'c').to.deep.equal(['kept', 'new']);
    expect([got.b[0], got.c[0]]).to.deep.equal([first.b[0], first.c[0]]);
  });

  it('a tab joining at a higher QoS: the broker is asked again, and its retained copy is no second message', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('qos'));
    const client = a.factory.client;
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    const got: Record<string, string[]> = { a: [], b: [], c: [] };
    a.connection.subscribe('q/#', {}, (m) => got.a.push(text(m)));
    b.connection.subscribe('q/#', {}, (m) => got.b.push(text(m)));
    await waitFor(() => b.connection.status === 'connected' && client.subscribes.length > 0, { message: 'b follows a, q/# sent' });
    grant(client, 'q/#');
    retained(client, 'q/1', 'kept');
    await waitFor(() => got.b.length === 1, { message: 'b got the retained message' });

    const c = openTab('ws://broker.test/mqtt', a.connection.clientId);
    c.connection.subscribe('q/#', { qos: 1 }, (m) => got.c.push(text(m)));
    await waitFor(() => client.subscribes.filter((s) => s.filter === 'q/#').length === 2, { message: 'q/# asked again at QoS 1' });
    expect(client.subscribes.map((s) => s.options.qos)).to.deep.equal([0, 1]);
    grant(client, 'q/#', new Set([client.subscribes[0]]));
    retained(client, 'q/1', 'kept');
    client.deliver('q/1', 'new');
    await waitFor(() => got.c.length >= 2 && got.b.length >= 2, { message: 'the news reached every tab' });
    expect(got).to.deep.equal({ a: ['kept', 'new'], b: ['kept', 'new'], c: ['kept', 'new'] });
  });

  it('a tab that goes without a word (crashed) has its subscription released: UNSUBSCRIBE', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('crash'));
    const client = a.factory.client;
    const channel = new BroadcastChannel(a.name);
    const tab = uid('raw');
    // The raw tab holds its own lock, as a tab does, and lets go of it as a dying tab's lock goes.
    let die = () => {};
    const held = new Promise<void>((granted) => {
      void navigator.locks.request(`${a.name}/tab/${tab}`, () => {
        granted();
        return new Promise<void>((resolve) => (die = resolve));
      });
    });
    await held;
    channel.postMessage({ v: 1, t: 'hello', from: tab });
    channel.postMessage({ v: 1, t: 'sub', from: tab, filter: 'gone/#', options: { qos: 0 } });
    await waitFor(() => client.subscribes.some((s) => s.filter === 'gone/#'), { message: 'the leader subscribed for the raw tab' });
    client.subscribes.find((s) => s.filter === 'gone/#')!.callback(null, [{ topic: 'gone/#', qos: 0 }]);
    die(); // no bye
    channel.close();
    await waitFor(() => client.unsubscribes.includes('gone/#'), { timeout: 5000, message: 'UNSUBSCRIBE once the tab is gone' });
  });

  it('a tab of another protocol version is ignored; a tab that finds one leading connects on its own; nonsense is ignored', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('ver'));
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    await waitFor(() => b.connection.status === 'connected', { message: 'b follows a' });
    const channel = new BroadcastChannel(a.name);
    const heard: unknown[] = [];
    channel.onmessage = (e) => heard.push(e.data);
    // Malformed: a status that is not one, a client id that is not a string, an error without a message.
    channel.postMessage({ v: 1, t: 'status', from: 'x', status: 'bogus', clientId: 'x' });
    channel.postMessage({ v: 1, t: 'status', from: 'x', status: 'error', clientId: 5 });
    channel.postMessage({ v: 1, t: 'status', from: 'x', status: 'error', clientId: 'x', error: { code: 'no-connection' } });
    channel.postMessage({ v: 1, t: 'sub', from: 'x', filter: 'bad/#', options: { qos: 7 } });
    channel.postMessage(null);
    channel.postMessage('status');
    // Another version's follower: its hello and its subscription.
    channel.postMessage({ v: 2, t: 'hello', from: 'v2-tab' });
    channel.postMessage({ v: 2, t: 'sub', from: 'v2-tab', filter: 'v2/#', options: { qos: 0 } });
    const got: ReceivedMessage[] = [];
    b.connection.subscribe('v/#', {}, (m) => got.push(m));
    await waitFor(() => a.factory.client.subscribes.some((s) => s.filter === 'v/#'), { message: 'b subscribed through a' });
    await waitFor(() => heard.some((m) => (m as { t?: string }).t === 'status'), { message: 'a answered the v2 hello' });
    expect(heard.filter((m) => (m as { t?: string }).t === 'status').map((m) => (m as { v: number }).v)).to.deep.equal([1]);
    // A filter no tab of this version would send: refused in a suback, never thrown in the leader.
    channel.postMessage({ v: 1, t: 'sub', from: 'x', filter: 'a/#/b', options: { qos: 0 } });
    const refused = await waitFor(() => heard.find((m) => (m as { t?: string; to?: string }).t === 'suback' && (m as { to?: string }).to === 'x'), {
      message: 'a suback for the bad filter',
    });
    expect((refused as { error?: { code: string } }).error?.code).to.equal('invalid-topic');
    expect(a.factory.client.subscribes.map((s) => s.filter), 'nothing done for nonsense or v2').to.deep.equal(['v/#']);
    expect(b.connection.status, 'nonsense changed nothing').to.equal('connected');
    expect(b.factory.clients, 'b still follows').to.have.length(0);

    // Another version's status: that tab holds the lock, and this one cannot follow it.
    channel.postMessage({ v: 2, t: 'status', from: 'v2-tab', status: 'connected', clientId: 'x', extra: [1] });
    await waitFor(() => b.factory.clients.length === 1, { message: 'b makes its own client' });
    expect(a.factory.clients, 'the leader goes on as it was').to.have.length(1);
    expect(a.connection.status).to.equal('connected');
    channel.close();
  });

  it('lock and channel names, status broadcasts and client id claims carry no user info or query of the URL', async () => {
    const url = 'ws://alice:pw-s3cret@broker.test/mqtt?token=tok-s3cret';
    const clientId = uid('secret');
    // The client id claims too (takeover.ts) go to every tab of the origin.
    const claims: string[] = [];
    const claimChannel = new BroadcastChannel('mqtt-elements/client-ids');
    claimChannel.onmessage = (e: MessageEvent<{ clientId?: string }>) => e.data?.clientId === clientId && claims.push(JSON.stringify(e.data));
    const a = await leader(url, clientId);
    await waitFor(() => claims.length > 0, { message: 'the leader claims its client id' });
    claimChannel.close();
    const heard: string[] = [...claims];
    const channel = new BroadcastChannel(a.name);
    channel.onmessage = (e) => heard.push(JSON.stringify(e.data));
    openTab(url, a.connection.clientId);
    await waitFor(() => heard.length > 0, { message: 'the second tab talks' });
    // Lost, with an error naming the URL: `offline` carries it to the other tabs.
    a.factory.client.fail(`connect to ${url} refused`);
    a.factory.client.drop();
    await waitFor(() => heard.some((h) => h.includes('"error"')), { message: 'a status with an error' });
    const names = await heldLocks();
    expect(names.filter((n) => n.startsWith('mqtt-elements/'))).not.to.be.empty;
    for (const said of [...names, ...heard, a.name]) expect(said).not.to.match(/s3cret|alice/);
    channel.close();
  });

  it('a follower publish is answered even when the leader leaves before answering: re-sent to the next', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('pub'));
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    await waitFor(() => b.connection.status === 'connected', { message: 'b follows a' });
    // QoS as an attribute gives it: a string, which the leader must not take for nonsense.
    const sent = b.connection.publish('p/1', 'x', { qos: '1' as never });
    await waitFor(() => a.factory.client.publishes.length === 1, { message: 'the leader publishes for b' });
    await a.connection.disconnect(); // before the PUBACK: the lock goes to b
    const next = await waitFor(() => b.factory.clients[0], { message: 'b leads and connects' });
    next.accept();
    await waitFor(() => next.publishes.length === 1, { message: 'b sends its publish again' });
    next.publishes[0].callback();
    await sent;
  });

  it('a follower makes no client: its publish goes out on the leader\'s client and resolves on the PUBACK; it follows the leader\'s outage', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('follow'));
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    await waitFor(() => b.connection.status === 'connected', { message: 'b follows a' });
    let done = false;
    const sent = b.connection.publish('f/1', 'hi', { qos: 1 }).then(() => (done = true));
    const out = await waitFor(() => a.factory.client.publishes[0], { message: 'the leader publishes for b' });
    expect([out.topic, typeof out.payload === 'string' ? out.payload : new TextDecoder().decode(out.payload), out.options.qos]).to.deep.equal(['f/1', 'hi', 1]);
    expect(done, 'not answered before the PUBACK').to.equal(false);
    out.callback();
    await sent;
    expect(b.factory.clients, 'b made no client of its own').to.have.length(0);
    a.factory.client.drop();
    await waitFor(() => b.connection.status !== 'connected', { message: 'b shows the leader\'s outage' });
    expect(b.connection.status).to.equal(a.connection.status);
  });

  it('a tab that says bye has its subscription released at once, while its tab lock is still held', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('bye'));
    const client = a.factory.client;
    const channel = new BroadcastChannel(a.name);
    const tab = uid('raw');
    let release = () => {};
    await new Promise<void>((granted) => {
      void navigator.locks.request(`${a.name}/tab/${tab}`, () => {
        granted();
        return new Promise<void>((resolve) => (release = resolve));
      });
    });
    channel.postMessage({ v: 1, t: 'hello', from: tab });
    channel.postMessage({ v: 1, t: 'sub', from: tab, filter: 'bye/#', options: { qos: 0 } });
    await waitFor(() => client.subscribes.some((s) => s.filter === 'bye/#'), { message: 'the leader subscribed for the raw tab' });
    client.subscribes.find((s) => s.filter === 'bye/#')!.callback(null, [{ topic: 'bye/#', qos: 0 }]);
    channel.postMessage({ v: 1, t: 'bye', from: tab });
    try {
      // The lock is still held: only the bye can have told the leader.
      await waitFor(() => client.unsubscribes.includes('bye/#'), { message: 'UNSUBSCRIBE on bye' });
    } finally {
      release();
      channel.close();
    }
  });

  it('a follower that disconnects refuses its unanswered publish (publish-failed) and the leader releases its subscription', async () => {
    const a = await leader('ws://broker.test/mqtt', uid('leave'));
    const client = a.factory.client;
    const b = openTab('ws://broker.test/mqtt', a.connection.clientId);
    await waitFor(() => b.connection.status === 'connected', { message: 'b follows a' });
    b.connection.subscribe('leave/#', {}, () => {});
    await waitFor(() => client.subscribes.some((s) => s.filter === 'leave/#'), { message: 'b subscribed through a' });
    grant(client, 'leave/#');
    const sent = b.connection.publish('leave/1', 'x', { qos: 1 });
    await waitFor(() => client.publishes.length === 1, { message: 'the leader publishes for b' });
    await b.connection.disconnect();
    const error = await sent.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the publish is refused').to.be.instanceOf(MqttElementsError);
    expect((error as MqttElementsError).code).to.equal('publish-failed');
    await waitFor(() => client.unsubscribes.includes('leave/#'), { message: 'the leader lets go of what b held' });
    expect(a.connection.status, 'the leader goes on').to.equal('connected');
  });
});
