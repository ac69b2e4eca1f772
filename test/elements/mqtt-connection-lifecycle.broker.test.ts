// <mqtt-connection> against the real brokers: refused credentials, unreachable brokers, the
// element's life in the DOM, and identity changes. Methods: mqtt-connection-methods.broker.test.ts.
import { expect, fixture, fixtureSync, html, oneEvent } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement, ReceivedMessage } from '../../src/index.js';
import {
  aedesClients,
  aedesDisconnectClient,
  aedesEvents,
  aedesPublish,
  getBrokers,
  mosquittoLog,
  mosquittoPub,
  uid,
  waitFor,
  type AedesEvent,
} from '../support/brokers.js';
import {
  holdsFor,
  QUIET,
  record,
  untilAedes,
  untilConnects,
  untilMosquittoConnect,
  untilStatus,
} from './connection-helpers.js';
import { brokerEvents, mountSubscribed, text } from '../support/elements.js';

const connackCodes = async (id: string) => (await brokerEvents(id, 'connackSent')).map((e) => e.returnCode);

describe('<mqtt-connection>: refused credentials (not-authorized)', () => {
  // The same refusal at each broker: aedes refuses the password "wrong" with CONNACK 4, mosquitto's
  // auth listener a wrong one with 5 (MQTT 3.1.1) or reason code 135 (MQTT 5).
  for (const [name, version, code] of [
    ['aedes', 4, 4],
    ['mosquitto', 4, 5],
    ['mosquitto', 5, 135],
  ] as const) {
    it(`wrong password, MQTT ${version === 4 ? '3.1.1' : '5'}: not-authorized ${code}, status error, no retries; the right one connects (${name})`, async () => {
      const { aedes, mosquitto } = await getBrokers();
      const account =
        name === 'aedes'
          ? { url: aedes.url, username: 'u', wrong: 'wrong', right: 'right' }
          : { url: mosquitto.authUrl, username: mosquitto.user, wrong: 'nope', right: mosquitto.password };
      const id = uid('wrongpw');
      // mosquitto's log lines carry the plugin's ISO time: later ones sort after this (the log is
      // capped, so an index into it would shift).
      const logStart = new Date().toISOString();
      const el = fixtureSync<MqttConnectionElement>(html`
        <mqtt-connection
          url=${account.url}
          client-id=${id}
          username=${account.username}
          password=${account.wrong}
          protocol-version=${version}
          reconnect-period="100"
        ></mqtt-connection>
      `);
      const rec = record(el);
      await el.updateComplete;
      // A fixed client-id: the first attempt waits for the claims' code (core/lazy-claims.ts).
      await waitFor(() => el.client !== undefined, { message: 'the client made' });
      const client = el.client!;
      let retries = 0;
      client.on('reconnect', () => retries++);
      await untilStatus(el, 'error');
      expect(el.getAttribute('status')).to.equal('error');
      expect(el.error!.code).to.equal('not-authorized');
      expect(el.error!.reasonCode).to.equal(code);
      expect(rec.statusErrors).to.deep.equal(['error:not-authorized']);
      if (name === 'aedes') {
        await untilAedes(id, 'connackSent');
      } else {
        // mosquitto logs refusals without the client id: "Sending CONNACK to <address> (0, <code>)".
        const refusal = `Sending CONNACK to ::ffff:127.0.0.1 (0, ${code})`;
        await waitFor(async () => (await mosquittoLog(refusal)).some((l) => l >= logStart), { message: refusal });
      }
      // No retry over three reconnect periods: not by the client, nor (aedes records ids) at the broker.
      const connects = async () => (name === 'aedes' ? (await connackCodes(id)).length : 1);
      await holdsFor(async () => retries === 0 && el.client === client && el.status === 'error' && (await connects()) === 1, QUIET, 'no retry');
      expect(rec.errors).to.have.length(1);

      el.setAttribute('password', account.right);
      await untilConnects(rec, 1);
      if (name === 'aedes') {
        expect((await untilAedes(id, 'connackSent', 2)).map((e) => e.returnCode)).to.deep.equal([4, 0]);
      } else {
        expect(await untilMosquittoConnect(id)).to.contain(`(p${version === 4 ? 2 : 5}, c1, k60, u'${account.username}')`);
      }
    });
  }

  it('aedes CONNACK 5 (username "denied"): no retries; connect() with new options connects', async () => {
    const { aedes } = await getBrokers();
    const id = uid('denied');
    const el = fixtureSync<MqttConnectionElement>(html`
      <mqtt-connection url=${aedes.url} client-id=${id} username="denied" reconnect-period="100"></mqtt-connection>
    `);
    const rec = record(el);
    await untilStatus(el, 'error');
    expect(el.error!.code).to.equal('not-authorized');
    expect(el.error!.reasonCode).to.equal(5);
    // aedes records connackSent after the write, which can be after the client has read it.
    await untilAedes(id, 'connackSent');
    // `options` is not identity: changing it waits for the next connect (and must not start one).
    el.options = { username: 'allowed' };
    await el.updateComplete;
    await holdsFor(async () => (await connackCodes(id)).length === 1, QUIET, 'a single CONNECT at aedes');

    el.connect();
    await untilConnects(rec, 1);
    expect((await untilAedes(id, 'connackSent', 2)).map((e) => e.returnCode)).to.deep.equal([5, 0]);
  });

  it('any attribute change after a refusal tries again (here keepalive), once', async () => {
    const { aedes } = await getBrokers();
    const id = uid('retry');
    const el = fixtureSync<MqttConnectionElement>(html`
      <mqtt-connection url=${aedes.url} client-id=${id} username="u" password="wrong" reconnect-period="100"></mqtt-connection>
    `);
    await untilStatus(el, 'error');
    await untilAedes(id, 'connackSent');
    el.setAttribute('keepalive', '30');
    await waitFor(async () => (await connackCodes(id)).length === 2);
    await holdsFor(async () => (await connackCodes(id)).length === 2, QUIET, 'one more CONNECT, still refused, no retries');
    expect(el.error!.code).to.equal('not-authorized');
  });
});

describe('<mqtt-connection>: the credentials function', () => {
  it('awaited before every connect and reconnect, and what it returns is used', async () => {
    const { aedes } = await getBrokers();
    const id = uid('creds');
    const calls: number[] = [];
    const passwords = ['right', 'wrong']; // aedes refuses "wrong" with CONNACK 4
    const credentials = async () => {
      calls.push(Date.now());
      const password = passwords[calls.length - 1] ?? 'wrong';
      await new Promise((resolve) => setTimeout(resolve, 50)); // a slow token endpoint
      return { username: 'token', password };
    };
    // The attributes' password is refused: connecting proves the function's answer was awaited and won.
    const el = fixtureSync<MqttConnectionElement>(html`
      <mqtt-connection
        url=${aedes.url}
        client-id=${id}
        username="u"
        password="wrong"
        reconnect-period="100"
        .credentials=${credentials}
      ></mqtt-connection>
    `);
    const rec = record(el);
    await untilConnects(rec, 1);
    expect(calls).to.have.length(1);
    expect(rec.statuses).to.deep.equal(['connecting', 'connected']);

    // The reconnect fetches again; its "wrong" is what the broker refuses.
    await aedesDisconnectClient(id);
    await untilStatus(el, 'error');
    expect(el.error!.code).to.equal('not-authorized');
    expect(calls).to.have.length(2);
    const connacks = await untilAedes(id, 'connackSent', 2);
    expect(connacks.map((c) => c.returnCode)).to.deep.equal([0, 4]);
    expect(calls[1]).to.be.at.most(connacks[1].time);
    // A refusal stops reconnecting, so no further fetches either (3 reconnect periods).
    await holdsFor(() => calls.length === 2, QUIET, 'no third credentials call');
  });

  it('a user and password from the function open mosquitto`s auth listener', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('creds-mosq');
    let calls = 0;
    const credentials = () => {
      calls++;
      return Promise.resolve({ username: mosquitto.user, password: mosquitto.password });
    };
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url=${mosquitto.authUrl} client-id=${id} .credentials=${credentials}></mqtt-connection>`,
    );
    await oneEvent(el, 'mqtt-connect');
    expect(calls).to.equal(1);
    expect(await untilMosquittoConnect(id)).to.contain(`u'${mosquitto.user}'`);
  });
});

describe('<mqtt-connection>: unreachable broker (connection-failed)', () => {
  it('reports connection-failed once per outage, not once per retry', async () => {
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url="ws://127.0.0.1:9/mqtt" reconnect-period="100"></mqtt-connection>`,
    );
    const rec = record(el);
    await el.updateComplete;
    let retries = 0;
    el.client!.on('reconnect', () => retries++);
    await waitFor(() => retries >= 3, { message: '3 reconnect attempts' });
    expect(rec.errors.map((e) => e.code)).to.deep.equal(['connection-failed']);
    // Each failed attempt shows as `error`, each new one as `reconnecting`.
    expect(el.status).to.be.oneOf(['error', 'reconnecting']);
    // README, `<mqtt-connection>`: Status: a first attempt that fails goes `connecting` → `error`;
    // `offline` is only for a lost connection.
    expect(rec.statuses.slice(0, 4)).to.deep.equal(['connecting', 'error', 'reconnecting', 'error']);
    expect(rec.statuses.filter((s) => s === 'error').length).to.be.greaterThan(1);
  });

  it('with reconnect-period 0 the failure is final: status error', async () => {
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url="ws://127.0.0.1:9/mqtt" reconnect-period="0"></mqtt-connection>`,
    );
    const rec = record(el);
    await untilStatus(el, 'error');
    expect(rec.errors.map((e) => e.code)).to.deep.equal(['connection-failed']);
    expect(rec.statusErrors).to.deep.equal(['error:connection-failed']);
  });
});

describe('<mqtt-connection>: life in the DOM', () => {
  it('removal ends the client with a DISCONNECT (no will): status closed', async () => {
    const { aedes } = await getBrokers();
    const id = uid('remove');
    const willTopic = uid('remove/will');
    const el = await fixture<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} will-topic=${willTopic} will-payload="gone"></mqtt-connection>`,
    );
    await untilStatus(el, 'connected');
    const rec = record(el);
    el.remove();
    await untilStatus(el, 'closed');
    expect(rec.statuses).to.deep.equal(['closed']);
    expect(el.getAttribute('status')).to.equal('closed');
    await untilAedes(id, 'clientDisconnect');
    expect(await aedesClients()).not.to.include(id);
    // A will would have been published before aedes unregistered the client.
    await aedesPublish({ topic: uid('barrier') });
    expect((await aedesEvents()).filter((e) => e.topic === willTopic)).to.deep.equal([]);
  });

  it('a DOM move (remove and re-insert in one task) keeps the client and its subscriptions', async () => {
    const { connection: el, el: sub, id, topic } = await mountSubscribed();
    const client = el.client;
    const rec = record(el);
    const elsewhere = fixtureSync<HTMLElement>(html`<section></section>`);
    elsewhere.append(el);
    // The element's teardown would run in a later task: let it, then round-trip through the broker.
    await new Promise((resolve) => setTimeout(resolve));
    const arrived = oneEvent(sub, 'mqtt-message');
    await el.publish(topic, 'after-move', { qos: 1 });
    expect(text((await arrived).detail.payload)).to.equal('after-move');

    expect(el.client === client, 'the same client').to.equal(true);
    expect(el.status).to.equal('connected');
    expect(rec.statuses).to.deep.equal([]);
    const events = await aedesEvents(id);
    expect(events.filter((e) => e.type === 'client')).to.have.length(1);
    expect(events.filter((e) => e.type === 'clientDisconnect')).to.have.length(0);
    expect(events.filter((e) => e.type === 'subscribe')).to.have.length(1);
    expect(events.filter((e) => e.type === 'unsubscribe')).to.have.length(0);
  });

  it('re-inserted after a removal (in a later task), it connects again and restores subscriptions', async () => {
    const { connection: el, el: sub, id, topic } = await mountSubscribed();
    const parent = el.parentElement!;
    const first = el.client;
    el.remove();
    await untilStatus(el, 'closed');
    await untilAedes(id, 'clientDisconnect');

    const rec = record(el);
    parent.append(el);
    await untilConnects(rec, 1);
    expect(el.client !== first, 'a new client').to.equal(true);
    expect(await untilAedes(id, 'client', 2)).to.have.length(2);
    await untilAedes(id, 'subscribe', 2);
    await waitFor(() => sub.status === 'subscribed');
    const arrived = oneEvent(sub, 'mqtt-message');
    await aedesPublish({ topic, payload: 'back' });
    expect(text((await arrived).detail.payload)).to.equal('back');
  });
});

describe('<mqtt-connection>: identity changes reconnect and restore every subscription', () => {
  interface Tree {
    el: MqttConnectionElement;
    subs: MqttSubscribeElement[];
    topics: [string, string, string];
    /** Messages the connection's own subscribe() got. */
    own: string[];
  }

  /** A connection with two descendant subscribe elements (one nested) and one subscribe() of its own. */
  async function tree(url: string, id: string): Promise<Tree> {
    const topics: Tree['topics'] = [uid('id/a'), uid('id/b'), uid('id/c')];
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection url=${url} client-id=${id} reconnect-period="100">
        <mqtt-subscribe topic=${topics[0]}></mqtt-subscribe>
        <div><p><mqtt-subscribe topic=${topics[1]} qos="1"></mqtt-subscribe></p></div>
      </mqtt-connection>
    `);
    const own: string[] = [];
    el.subscribe(topics[2], { qos: 1 }, (m: ReceivedMessage) => own.push(text(m.payload)));
    const subs = [...el.querySelectorAll('mqtt-subscribe')];
    await untilStatus(el, 'connected');
    await waitFor(() => subs.every((s) => s.status === 'subscribed'));
    // The connection's own SUBSCRIBE acknowledged too: a change that ends the client while one is
    // unanswered waits for it (at most 0.8 s, core/ending.ts) and then closes without DISCONNECT,
    // which the url test below would see as "no DISCONNECT" on a loaded machine.
    await waitFor(() => Object.keys(el.client?.outgoing ?? {}).length === 0, { message: 'own SUBSCRIBE acknowledged' });
    return { el, subs, topics, own };
  }

  /** Waits for the new client, then proves each subscription live by publishing to it. */
  async function expectRestored(t: Tree, old: unknown, publish: (topic: string, payload: string) => Promise<unknown>) {
    await waitFor(() => t.el.status === 'connected' && t.el.client !== old);
    await waitFor(() => t.subs.every((s) => s.status === 'subscribed'), { message: 'subscribe elements subscribed' });
    for (const [i, sub] of t.subs.entries()) {
      const arrived = oneEvent(sub, 'mqtt-message');
      await publish(t.topics[i], `restored-${i}`);
      expect(text((await arrived).detail.payload)).to.equal(`restored-${i}`);
    }
    // The connection's own subscription: its SUBSCRIBE may still be on its way, so publish until it lands.
    await waitFor(async () => {
      if (t.own.includes('restored-own')) return true;
      await publish(t.topics[2], 'restored-own');
      return false;
    }, { interval: 50 });
  }

  /** The filters (with QoS) aedes saw subscribed by `id` after its `nth` CONNECT (1-based). */
  async function subscribedAfterConnect(id: string, nth: number): Promise<{ topic: string; qos?: number }[]> {
    const events = await aedesEvents(id);
    const connects = events.flatMap((e, i) => (e.type === 'client' ? [i] : []));
    if (connects.length < nth) return [];
    return events
      .slice(connects[nth - 1])
      .filter((e: AedesEvent) => e.type === 'subscribe')
      .flatMap((e) => e.topics ?? []);
  }

  const aedesPublishing = (topic: string, payload: string) => aedesPublish({ topic, payload, qos: 1 });

  it('client-id: a new client under the new id, with every subscription', async () => {
    const { aedes } = await getBrokers();
    const [before, after] = [uid('idold'), uid('idnew')];
    const t = await tree(aedes.url, before);
    const old = t.el.client;
    t.el.clientId = after;
    await expectRestored(t, old, aedesPublishing);
    await untilAedes(before, 'clientDisconnect');
    expect(await subscribedAfterConnect(after, 1)).to.have.deep.members([
      { topic: t.topics[0], qos: 0 },
      { topic: t.topics[1], qos: 1 },
      { topic: t.topics[2], qos: 1 },
    ]);
    expect(t.el.client!.options.clientId).to.equal(after);
  });

  it('username and password (changed together): one new client, every subscription restored', async () => {
    const { aedes } = await getBrokers();
    const id = uid('creds-change');
    const t = await tree(aedes.url, id);
    const old = t.el.client;
    t.el.username = 'someone';
    t.el.password = 'else';
    await expectRestored(t, old, aedesPublishing);
    expect(await brokerEvents(id, 'client')).to.have.length(2);
    expect(await brokerEvents(id, 'clientDisconnect')).to.have.length(1);
    expect((await subscribedAfterConnect(id, 2)).map((s) => s.topic)).to.have.members(t.topics);
    expect(t.el.client!.options.username).to.equal('someone');
  });

  it('url: moves to another broker (mosquitto → aedes) with every subscription', async () => {
    const { aedes, mosquitto } = await getBrokers();
    const id = uid('url-change');
    const t = await tree(mosquitto.url, id);
    const old = t.el.client;
    t.el.url = aedes.url;
    await expectRestored(t, old, aedesPublishing);
    expect((await subscribedAfterConnect(id, 1)).map((s) => s.topic)).to.have.members(t.topics);
    await waitFor(async () => (await mosquittoLog(`Client ${id} disconnected`)).length > 0, { message: 'mosquitto DISCONNECT' });
  });

  it('protocol-version: 4 → 5 on mosquitto, every subscription restored', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('version-change');
    const t = await tree(mosquitto.url, id);
    const old = t.el.client;
    t.el.protocolVersion = 5;
    await expectRestored(t, old, (topic, payload) => mosquittoPub({ topic, payload, qos: 1 }));
    const connects = await mosquittoLog(` as ${id} (`);
    expect(connects.map((l) => /\(p(\d)/.exec(l)?.[1])).to.deep.equal(['2', '5']);
    expect(t.el.client!.options.protocolVersion).to.equal(5);
  });
});
