import { expect } from '@open-wc/testing';
import type { IPublishPacket } from 'mqtt';
import { MqttElementsError } from '../../src/errors.js';
import type { ReceivedMessage } from '../../src/core/message.js';
import type { QoS } from '../../src/core/options.js';
import {
  SubscriptionRegistry,
  type SubscribeOptions,
  type SubscriptionStatus,
} from '../../src/core/subscriptions.js';
import { FakeClient, type SubscribeCall } from '../support/fake-client.js';

/** The fake client's URL: no socket is opened, the registry only subscribes through it. */
const URL_ = 'ws://broker.test/mqtt';

/** A SUBACK granting the requested QoS, as MQTT.js reports it. */
function grant(call: SubscribeCall, qos: number = call.options.qos ?? 0): void {
  call.callback(null, [{ topic: call.filter, qos: qos as QoS }]);
}

/**
 * A refused SUBACK as MQTT.js 5 reports it: an error carrying the SUBACK packet (whose `granted`
 * holds the reason code), and `granted` still holding the QoS that was asked for.
 */
function deny(call: SubscribeCall, reasonCode = 0x80, reasonString?: string): void {
  const error = Object.assign(new Error('Subscribe error: Unspecified error'), {
    code: reasonCode,
    packet: {
      cmd: 'suback',
      messageId: 1,
      granted: [reasonCode],
      ...(reasonString ? { properties: { reasonString } } : {}),
    },
  });
  call.callback(error, [{ topic: call.filter, qos: (call.options.qos ?? 0) as QoS }]);
}

/** The connection went away before the SUBACK (MQTT.js flushes volatile callbacks). */
function dropped(call: SubscribeCall): void {
  call.callback(new Error('Connection closed'));
}

/** Lets the registry's queueMicrotask work run (it was queued before this). */
const microtask = (): Promise<void> => new Promise((resolve) => queueMicrotask(resolve));

function publish(topic: string, payload: Uint8Array | string, extra: Partial<IPublishPacket> = {}): [string, Uint8Array, IPublishPacket] {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return [topic, bytes, { cmd: 'publish', topic, payload: bytes as unknown as IPublishPacket['payload'], qos: 0, retain: false, dup: false, ...extra }];
}

/** One subscriber: what it received and every status it was told. */
class Holder {
  readonly messages: ReceivedMessage[] = [];
  readonly statuses: SubscriptionStatus[] = [];
  readonly errors: Array<MqttElementsError | undefined> = [];
  readonly options: SubscribeOptions;
  release: () => void = () => {};

  constructor(options: Omit<SubscribeOptions, 'onStatus'> = {}) {
    this.options = {
      ...options,
      onStatus: (status, error) => {
        this.statuses.push(status);
        this.errors.push(error);
      },
    };
  }

  get status(): SubscriptionStatus | undefined {
    return this.statuses.at(-1);
  }

  get error(): MqttElementsError | undefined {
    return this.errors.at(-1);
  }

  acquire(registry: SubscriptionRegistry, filter: string): this {
    this.release = registry.acquire(filter, this.options, (m) => this.messages.push(m));
    return this;
  }
}

/** A registry attached to a fake client that has already connected (clean session). */
function online(): { registry: SubscriptionRegistry; client: FakeClient } {
  const registry = new SubscriptionRegistry();
  const client = new FakeClient(URL_, {});
  registry.attach(client);
  registry.connected(false);
  return { registry, client };
}

/** Acquires `filter` on an online registry and lets the broker acknowledge it. */
async function subscribed(filter: string, qos: QoS = 0): Promise<{ registry: SubscriptionRegistry; client: FakeClient; holder: Holder }> {
  const { registry, client } = online();
  const holder = new Holder({ qos }).acquire(registry, filter);
  await microtask();
  expect(client.sent).to.deep.equal([[filter, qos]]);
  client.grantAll();
  expect(holder.status).to.equal('subscribed');
  return { registry, client, holder };
}

/**
 * Resolves with the next error thrown out of a task (the registry re-throws callback errors with
 * setTimeout), and stops it there: mocha fails the running test through `window.onerror`, so the
 * handler is swapped for one that captures the error. (@web/browser-logs' own 'error' listener,
 * registered first, still prints it under "Browser logs"; that is expected noise.)
 */
let restoreOnError: (() => void) | undefined;
function nextUncaughtError(): Promise<unknown> {
  const previous = window.onerror;
  restoreOnError = () => {
    window.onerror = previous;
    restoreOnError = undefined;
  };
  return new Promise((resolve) => {
    window.onerror = (_message, _source, _line, _column, error) => {
      restoreOnError?.();
      resolve(error);
      return true;
    };
  });
}

describe('core/subscriptions', () => {
  afterEach(() => restoreOnError?.());

  describe('acquire: validation', () => {
    for (const filter of ['', 'a/#/b', 'a+', '+a/b', 'a/b#', '#/', 'a\u0000b']) {
      it(`throws invalid-topic for the filter ${JSON.stringify(filter)}, synchronously, registering nothing`, () => {
        const { registry, client } = online();
        const holder = new Holder();
        let error: unknown;
        try {
          registry.acquire(filter, holder.options, () => {});
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(MqttElementsError);
        expect((error as MqttElementsError).code).to.equal('invalid-topic');
        expect(registry.size).to.equal(0);
        expect(holder.statuses).to.deep.equal([]);
        expect(client.subscribes).to.have.length(0);
      });
    }

    // A numeric string is a QoS (attributes arrive as strings): one rule, parseQos, for every caller.
    it('takes the numeric string "1" as QoS 1', async () => {
      const { registry, client } = online();
      registry.acquire('a/b', { qos: '1' as unknown as QoS }, () => {});
      await Promise.resolve();
      expect(client.subscribes.map((s) => s.options.qos)).to.deep.equal([1]);
    });

    for (const qos of [3, -1, 1.5, '', 'x']) {
      it(`throws invalid-qos for qos ${JSON.stringify(qos)}, synchronously, registering nothing`, () => {
        const { registry } = online();
        let error: unknown;
        try {
          registry.acquire('a/b', { qos: qos as unknown as QoS }, () => {});
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(MqttElementsError);
        expect((error as MqttElementsError).code).to.equal('invalid-qos');
        expect(registry.size).to.equal(0);
      });
    }

    it('takes a missing qos as 0', async () => {
      const { registry, client } = online();
      registry.acquire('a/b', {}, () => {});
      await microtask();
      expect(client.sent).to.deep.equal([['a/b', 0]]);
    });
  });

  describe('status', () => {
    it('goes idle → pending → subscribed through onStatus', async () => {
      const { registry, client } = online();
      const holder = new Holder({ qos: 1 }).acquire(registry, 'a/b');
      expect(holder.statuses).to.deep.equal(['idle']);
      expect(registry.statusOf('a/b')).to.equal('idle');
      await microtask();
      expect(holder.statuses).to.deep.equal(['idle', 'pending']);
      expect(registry.statusOf('a/b')).to.equal('pending');
      client.grantAll();
      expect(holder.statuses).to.deep.equal(['idle', 'pending', 'subscribed']);
      expect(holder.errors.every((e) => e === undefined)).to.equal(true);
      expect(registry.statusOf('a/b')).to.equal('subscribed');
    });

    it('tells every holder of the filter', async () => {
      const { registry, client } = online();
      const one = new Holder().acquire(registry, 'a/b');
      const two = new Holder().acquire(registry, 'a/b');
      await microtask();
      client.grantAll();
      expect(one.statuses).to.deep.equal(['idle', 'pending', 'subscribed']);
      expect(two.statuses).to.deep.equal(['idle', 'pending', 'subscribed']);
    });

    it('tells a holder that joins later the current status at once', async () => {
      const { registry } = await subscribed('a/b');
      const late = new Holder().acquire(registry, 'a/b');
      expect(late.statuses).to.deep.equal(['subscribed']);
    });

    it('is undefined for a filter nobody holds', () => {
      expect(new SubscriptionRegistry().statusOf('a/b')).to.equal(undefined);
    });

    it('keeps telling the other holders when one onStatus throws', async () => {
      const { registry, client } = online();
      const boom = new Error('onStatus failed (thrown on purpose by a test)');
      registry.acquire('a/b', { onStatus: (s) => { if (s === 'subscribed') throw boom; } }, () => {});
      const other = new Holder().acquire(registry, 'a/b');
      await microtask();
      const uncaught = nextUncaughtError();
      client.grantAll();
      expect(other.status).to.equal('subscribed');
      expect(await uncaught).to.equal(boom);
    });
  });

  describe('one SUBSCRIBE per filter', () => {
    it('sends nothing synchronously: requests made in one task go out together', async () => {
      const { registry, client } = online();
      new Holder().acquire(registry, 'a/b');
      expect(client.subscribes).to.have.length(0);
      await microtask();
      expect(client.subscribes).to.have.length(1);
    });

    it('sends one SUBSCRIBE at the highest QoS for several acquires in the same task', async () => {
      const { registry, client } = online();
      new Holder({ qos: 0 }).acquire(registry, 'a/b');
      new Holder({ qos: 2 }).acquire(registry, 'a/b');
      new Holder({ qos: 1 }).acquire(registry, 'a/b');
      await microtask();
      expect(client.sent).to.deep.equal([['a/b', 2]]);
      expect(registry.size).to.equal(1);
    });

    it('sends one SUBSCRIBE per distinct filter', async () => {
      const { registry, client } = online();
      new Holder().acquire(registry, 'a/b');
      new Holder({ qos: 1 }).acquire(registry, 'a/+');
      new Holder().acquire(registry, 'a/b');
      new Holder().acquire(registry, '#');
      await microtask();
      expect(client.sent).to.deep.equal([
        ['a/b', 0],
        ['a/+', 1],
        ['#', 0],
      ]);
      expect(registry.size).to.equal(3);
    });

    it('re-subscribes at the higher QoS when a later holder asks for more', async () => {
      const { registry, client, holder } = await subscribed('a/b', 0);
      const higher = new Holder({ qos: 2 }).acquire(registry, 'a/b');
      await microtask();
      expect(client.sent).to.deep.equal([['a/b', 2]]);
      expect(holder.status).to.equal('pending');
      expect(higher.status).to.equal('pending');
      client.grantAll();
      expect(holder.status).to.equal('subscribed');
      expect(higher.status).to.equal('subscribed');
    });

    it('sends nothing new when a later holder asks for the same or a lower QoS', async () => {
      const { registry, client } = await subscribed('a/b', 1);
      new Holder({ qos: 1 }).acquire(registry, 'a/b');
      new Holder({ qos: 0 }).acquire(registry, 'a/b');
      await microtask();
      expect(client.subscribes).to.have.length(0);
      expect(registry.statusOf('a/b')).to.equal('subscribed');
    });

    it('passes the MQTT 5 subscription options through', async () => {
      const { registry, client } = online();
      new Holder({ qos: 1, nl: true, rap: false, rh: 2 }).acquire(registry, 'a/b');
      new Holder().acquire(registry, 'c');
      await microtask();
      expect(client.subscribes[0].options).to.deep.equal({ qos: 1, nl: true, rap: false, rh: 2 });
      expect(client.subscribes[1].options).to.deep.equal({ qos: 0 });
    });
  });

  describe('release', () => {
    it('sends exactly one UNSUBSCRIBE once the last holder releases, after a microtask', async () => {
      const { registry, client, holder } = await subscribed('a/b');
      const other = new Holder().acquire(registry, 'a/b');
      holder.release();
      other.release();
      expect(client.unsubscribes).to.deep.equal([]);
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['a/b']);
      expect(registry.size).to.equal(0);
      expect(registry.statusOf('a/b')).to.equal(undefined);
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['a/b']);
    });

    it('sends no UNSUBSCRIBE while another holder remains', async () => {
      const { registry, client, holder } = await subscribed('a/b');
      new Holder().acquire(registry, 'a/b');
      holder.release();
      await microtask();
      expect(client.unsubscribes).to.deep.equal([]);
      expect(registry.statusOf('a/b')).to.equal('subscribed');
    });

    it('counts a release function called twice once', async () => {
      const { registry, client, holder } = await subscribed('a/b');
      const other = new Holder().acquire(registry, 'a/b');
      holder.release();
      holder.release();
      await microtask();
      expect(client.unsubscribes).to.deep.equal([]);
      other.release();
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['a/b']);
    });

    it('sends neither UNSUBSCRIBE nor SUBSCRIBE for a release and re-acquire in the same task (a DOM move)', async () => {
      const { registry, client, holder } = await subscribed('a/b');
      holder.release();
      const moved = new Holder().acquire(registry, 'a/b');
      await microtask();
      await microtask();
      expect(client.unsubscribes).to.deep.equal([]);
      expect(client.subscribes).to.deep.equal([]);
      expect(moved.statuses).to.deep.equal(['subscribed']);
      expect(registry.size).to.equal(1);
    });

    it('unsubscribes each filter released in the same task once', async () => {
      const { registry, client } = online();
      const holders = ['a', 'b', 'c'].map((f) => new Holder().acquire(registry, f));
      await microtask();
      client.grantAll();
      for (const h of holders) h.release();
      await microtask();
      expect([...client.unsubscribes].sort()).to.deep.equal(['a', 'b', 'c']);
    });

    it('handles a move of one filter while another is released', async () => {
      const { registry, client } = online();
      const a = new Holder().acquire(registry, 'a');
      const b = new Holder().acquire(registry, 'b');
      await microtask();
      client.grantAll();
      a.release();
      b.release();
      new Holder().acquire(registry, 'a');
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['b']);
      expect(registry.statusOf('a')).to.equal('subscribed');
    });

    it('puts nothing on the wire for an acquire released in the same task', async () => {
      const { registry, client } = online();
      new Holder().acquire(registry, 'a/b').release();
      await microtask();
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      expect(client.unsubscribes).to.deep.equal([]);
      expect(registry.size).to.equal(0);
    });

    it('unsubscribes a filter released while its SUBSCRIBE is in flight, and ignores the late SUBACK', async () => {
      const { registry, client } = online();
      const holder = new Holder().acquire(registry, 'a/b');
      await microtask();
      const [inFlight] = client.subscribes.splice(0);
      holder.release();
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['a/b']);
      // A new holder of the same filter starts over; the old SUBACK must not mark it subscribed.
      const next = new Holder().acquire(registry, 'a/b');
      await microtask();
      grant(inFlight);
      expect(next.status).to.equal('pending');
      expect(registry.statusOf('a/b')).to.equal('pending');
      client.grantAll();
      expect(next.status).to.equal('subscribed');
    });

    it('sends no UNSUBSCRIBE while disconnected, and forgets the filter', async () => {
      const { registry, client, holder } = await subscribed('a/b');
      registry.disconnected();
      holder.release();
      await microtask();
      expect(client.unsubscribes).to.deep.equal([]);
      expect(registry.size).to.equal(0);
      registry.connected(false);
      expect(client.subscribes).to.deep.equal([]);
    });

    // With a persistent session the broker kept the subscription across the disconnect: nobody
    // holds it any more, so it must be removed there, or its messages keep coming (and queueing
    // on the broker at QoS 1/2) for the life of the session.
    it('unsubscribes on reconnect a filter released while offline, when the broker kept the session', async () => {
      const { registry, client, holder } = await subscribed('a/b', 1);
      registry.disconnected();
      holder.release();
      await microtask();
      registry.connected(true);
      await microtask();
      expect(client.unsubscribes).to.deep.equal(['a/b']);
      expect(client.subscribes).to.deep.equal([]);
    });
  });

  describe('connection lifecycle', () => {
    it('sends nothing before connected()', async () => {
      const registry = new SubscriptionRegistry();
      const client = new FakeClient(URL_, {});
      registry.attach(client);
      const holder = new Holder().acquire(registry, 'a/b');
      await microtask();
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      expect(holder.statuses).to.deep.equal(['idle']);
      registry.connected(false);
      expect(client.sent).to.deep.equal([['a/b', 0]]);
      expect(holder.status).to.equal('pending');
    });

    it('sends nothing without a client, and everything once one connects', async () => {
      const registry = new SubscriptionRegistry();
      new Holder({ qos: 1 }).acquire(registry, 'a/b');
      new Holder().acquire(registry, 'c/#');
      registry.connected(false); // no client yet: nothing to send on, nothing thrown
      await microtask();
      const client = new FakeClient(URL_, {});
      registry.attach(client);
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      registry.connected(false);
      expect(client.sent).to.deep.equal([
        ['a/b', 1],
        ['c/#', 0],
      ]);
    });

    it('re-subscribes every filter on a newly attached client after connected(false)', async () => {
      const { registry, client: old } = online();
      const a = new Holder({ qos: 1 }).acquire(registry, 'a/b');
      const b = new Holder({ qos: 2 }).acquire(registry, 'x/#');
      await microtask();
      old.grantAll();

      const fresh = new FakeClient(URL_, {});
      registry.attach(fresh);
      expect(a.status).to.equal('idle');
      expect(b.status).to.equal('idle');
      await microtask();
      expect(fresh.subscribes).to.deep.equal([]);

      registry.connected(false);
      expect(fresh.sent).to.deep.equal([
        ['a/b', 1],
        ['x/#', 2],
      ]);
      expect(old.subscribes).to.deep.equal([]);
      expect(old.unsubscribes).to.deep.equal([]);
      fresh.grantAll();
      expect(a.statuses).to.deep.equal(['idle', 'pending', 'subscribed', 'idle', 'pending', 'subscribed']);
      expect(b.status).to.equal('subscribed');
    });

    it('re-subscribes on a new client even when it reports a kept session', async () => {
      const { registry } = await subscribed('a/b');
      const fresh = new FakeClient(URL_, {});
      registry.attach(fresh);
      registry.connected(true);
      expect(fresh.sent).to.deep.equal([['a/b', 0]]);
    });

    it('ignores a SUBACK that reaches the old client after a new one was attached', async () => {
      const { registry, client: old } = online();
      const holder = new Holder().acquire(registry, 'a/b');
      await microtask();
      const [stale] = old.subscribes.splice(0);
      const fresh = new FakeClient(URL_, {});
      registry.attach(fresh);
      registry.connected(false);
      expect(holder.status).to.equal('pending');
      deny(stale);
      grant(stale);
      expect(holder.status).to.equal('pending');
      fresh.grantAll();
      expect(holder.status).to.equal('subscribed');
    });

    it('does not send acknowledged filters again after connected(true) (the session was kept)', async () => {
      const { registry, client, holder } = await subscribed('a/b', 1);
      registry.disconnected();
      registry.connected(true);
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      expect(holder.status).to.equal('subscribed');
    });

    it('sends again, after connected(true), a filter whose SUBACK never came', async () => {
      const { registry, client } = online();
      new Holder().acquire(registry, 'acked');
      new Holder({ qos: 1 }).acquire(registry, 'lost');
      await microtask();
      const [acked] = client.subscribes.splice(0, 1);
      grant(acked);
      client.subscribes.splice(0); // the SUBACK for 'lost' never arrives
      registry.disconnected();
      registry.connected(true);
      expect(client.sent).to.deep.equal([['lost', 1]]);
    });

    it('sends again, after connected(true), a filter whose wanted QoS rose while offline', async () => {
      const { registry, client } = await subscribed('a/b', 0);
      registry.disconnected();
      new Holder({ qos: 2 }).acquire(registry, 'a/b');
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      registry.connected(true);
      expect(client.sent).to.deep.equal([['a/b', 2]]);
    });

    it('sends every filter again after connected(false) (the session was lost)', async () => {
      const { registry, client } = online();
      new Holder().acquire(registry, 'a');
      new Holder({ qos: 2 }).acquire(registry, 'b/+');
      await microtask();
      client.grantAll();
      registry.disconnected();
      registry.connected(false);
      expect(client.sent).to.deep.equal([
        ['a', 0],
        ['b/+', 2],
      ]);
    });

    it('subscribes a filter acquired while offline once the client is back', async () => {
      const { registry, client } = online();
      registry.disconnected();
      const holder = new Holder().acquire(registry, 'a/b');
      await microtask();
      expect(client.subscribes).to.deep.equal([]);
      registry.connected(true);
      expect(client.sent).to.deep.equal([['a/b', 0]]);
      client.grantAll();
      expect(holder.status).to.equal('subscribed');
    });

    it('goes back to idle when the connection drops before the SUBACK, and retries on the next connect', async () => {
      const { registry, client } = online();
      const holder = new Holder().acquire(registry, 'a/b');
      await microtask();
      dropped(client.subscribes.splice(0)[0]);
      expect(holder.status).to.equal('idle');
      expect(holder.error).to.equal(undefined);
      registry.disconnected();
      registry.connected(true);
      expect(client.sent).to.deep.equal([['a/b', 0]]);
    });
  });

  describe('SUBACK failure', () => {
    it('puts holders in error with subscribe-denied and reason code 128 (MQTT.js error shape)', async () => {
      const { registry, client } = online();
      const one = new Holder({ qos: 1 }).acquire(registry, 'forbidden/x');
      const two = new Holder().acquire(registry, 'forbidden/x');
      await microtask();
      deny(client.subscribes[0]);
      for (const holder of [one, two]) {
        expect(holder.status).to.equal('error');
        expect(holder.error).to.be.instanceOf(MqttElementsError);
        expect(holder.error?.code).to.equal('subscribe-denied');
        expect(holder.error?.reasonCode).to.equal(128);
        expect(holder.error?.message).to.include('forbidden/x');
      }
      expect(one.error).to.equal(two.error);
      expect(registry.statusOf('forbidden/x')).to.equal('error');
    });

    it('reads a refusal in the granted list too', async () => {
      const { registry, client } = online();
      const holder = new Holder().acquire(registry, 'forbidden/x');
      await microtask();
      grant(client.subscribes[0], 0x80);
      expect(holder.status).to.equal('error');
      expect(holder.error?.code).to.equal('subscribe-denied');
      expect(holder.error?.reasonCode).to.equal(0x80);
    });

    it('keeps an MQTT 5 reason code and reason string', async () => {
      const { registry, client } = online();
      const holder = new Holder().acquire(registry, 'forbidden/x');
      await microtask();
      deny(client.subscribes[0], 0x87, 'not for you');
      expect(holder.error?.code).to.equal('subscribe-denied');
      expect(holder.error?.reasonCode).to.equal(0x87);
      expect(holder.error?.reasonString).to.equal('not for you');
    });

    it('tells a holder that joins later of the error at once, without asking again', async () => {
      const { registry, client } = online();
      const first = new Holder().acquire(registry, 'forbidden/x');
      await microtask();
      deny(client.subscribes.splice(0)[0]);
      const late = new Holder().acquire(registry, 'forbidden/x');
      await microtask();
      expect(late.statuses).to.deep.equal(['error']);
      expect(late.error).to.equal(first.error);
      expect(client.subscribes).to.deep.equal([]);
    });

    it('accepts a granted QoS lower than asked (it is a grant, not a refusal)', async () => {
      const { registry, client } = online();
      const holder = new Holder({ qos: 2 }).acquire(registry, 'a/b');
      await microtask();
      grant(client.subscribes[0], 1);
      expect(holder.status).to.equal('subscribed');
      expect(holder.error).to.equal(undefined);
    });
  });

  describe('dispatch', () => {
    it('routes a message to the holders of matching filters only', async () => {
      const { registry } = online();
      const exact = new Holder().acquire(registry, 'home/kitchen/temp');
      const plus = new Holder().acquire(registry, 'home/+/temp');
      const hash = new Holder().acquire(registry, 'home/#');
      const other = new Holder().acquire(registry, 'home/+/humidity');
      const sys = new Holder().acquire(registry, '#');
      registry.dispatch(...publish('home/kitchen/temp', '21'));
      expect(exact.messages).to.have.length(1);
      expect(plus.messages).to.have.length(1);
      expect(hash.messages).to.have.length(1);
      expect(sys.messages).to.have.length(1);
      expect(other.messages).to.have.length(0);
      registry.dispatch(...publish('$SYS/uptime', '1'));
      expect(sys.messages).to.have.length(1);
    });

    it('gives every holder the very same ReceivedMessage', () => {
      const registry = new SubscriptionRegistry();
      const holders = [
        new Holder().acquire(registry, 'a/b'),
        new Holder().acquire(registry, 'a/b'),
        new Holder({ qos: 1 }).acquire(registry, 'a/+'),
        new Holder().acquire(registry, '#'),
      ];
      registry.dispatch(...publish('a/b', 'x'));
      const message = holders[0].messages[0];
      expect([message.topic, message.decoder.text]).to.deep.equal(['a/b', 'x']);
      for (const h of holders) {
        expect(h.messages).to.have.length(1);
        expect(h.messages[0]).to.equal(message);
      }
    });

    it('builds the message from the packet', () => {
      const registry = new SubscriptionRegistry();
      const holder = new Holder().acquire(registry, 'a/b');
      const properties = { contentType: 'text/plain' };
      registry.dispatch(...publish('a/b', 'hello', { qos: 1, retain: true, properties }));
      const [message] = holder.messages;
      expect(message.topic).to.equal('a/b');
      expect(message.qos).to.equal(1);
      expect(message.retained).to.equal(true);
      expect(message.properties).to.equal(properties);
      expect(message.decoder.decode('text')).to.deep.equal({ ok: true, value: 'hello' });
    });

    it('copies the payload into a plain, exact-size Uint8Array', () => {
      const registry = new SubscriptionRegistry();
      const holder = new Holder().acquire(registry, 't');
      class PoolBuffer extends Uint8Array {}
      const pool = new PoolBuffer([7, 7, 7, 104, 105, 7, 7]);
      const view = pool.subarray(3, 5);
      registry.dispatch('t', view, publish('t', view)[2]);
      const { payload } = holder.messages[0];
      expect(Array.from(payload)).to.deep.equal([104, 105]);
      expect(Object.getPrototypeOf(payload)).to.equal(Uint8Array.prototype);
      expect(payload.byteOffset).to.equal(0);
      expect(payload.buffer.byteLength).to.equal(2);
      expect(payload.buffer).not.to.equal(pool.buffer);
      expect(holder.messages[0].decoder.bytes).to.equal(payload);
    });

    it('does nothing for a topic no filter matches', () => {
      const registry = new SubscriptionRegistry();
      const holder = new Holder().acquire(registry, 'a');
      registry.dispatch(...publish('b', 'x'));
      expect(holder.messages).to.deep.equal([]);
    });

    it('no longer delivers to a released holder', () => {
      const registry = new SubscriptionRegistry();
      const gone = new Holder().acquire(registry, 'a');
      const stays = new Holder().acquire(registry, 'a');
      gone.release();
      registry.dispatch(...publish('a', 'x'));
      expect(gone.messages).to.have.length(0);
      expect(stays.messages).to.have.length(1);
    });

    it('keeps delivering to the other holders when one onMessage throws, and re-throws later', async () => {
      const registry = new SubscriptionRegistry();
      const before = new Holder().acquire(registry, 'a/b');
      const boom = new Error('holder failed (thrown on purpose by a test)');
      registry.acquire('a/b', {}, () => {
        throw boom;
      });
      const after = new Holder().acquire(registry, 'a/+');
      const uncaught = nextUncaughtError();
      expect(() => registry.dispatch(...publish('a/b', 'x'))).not.to.throw();
      expect(before.messages).to.have.length(1);
      expect(after.messages).to.have.length(1);
      expect(await uncaught).to.equal(boom);
    });
  });

  describe('replay to a late holder', () => {
    it('replays the last message per topic, marked retained', () => {
      const registry = new SubscriptionRegistry();
      const early = new Holder().acquire(registry, 'home/+/temp');
      registry.dispatch(...publish('home/kitchen/temp', '20'));
      registry.dispatch(...publish('home/hall/temp', '18'));
      registry.dispatch(...publish('home/kitchen/temp', '21'));
      const late = new Holder().acquire(registry, 'home/+/temp');
      expect(late.messages.map((m) => [m.topic, m.decoder.text, m.retained])).to.deep.equal([
        ['home/hall/temp', '18', true],
        ['home/kitchen/temp', '21', true],
      ]);
      expect(early.messages).to.have.length(3);
      expect(early.messages.every((m) => !m.retained)).to.equal(true);
    });

    it('shares payload and decoder with the original message', () => {
      const registry = new SubscriptionRegistry();
      const early = new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', '{"a":1}', { qos: 1 }));
      const late = new Holder().acquire(registry, 't');
      const [original] = early.messages;
      const [replayed] = late.messages;
      expect(replayed).not.to.equal(original);
      expect(replayed.payload).to.equal(original.payload);
      expect(replayed.decoder).to.equal(original.decoder);
      expect(replayed.qos).to.equal(1);
      expect(original.retained).to.equal(false);
    });

    it('replays a message that was retained as it is', () => {
      const registry = new SubscriptionRegistry();
      const early = new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x', { retain: true }));
      const late = new Holder().acquire(registry, 't');
      expect(late.messages[0]).to.equal(early.messages[0]);
    });

    it('replays nothing to a holder that asks for no replay', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x'));
      let replayed = 0;
      registry.acquire('t', { replay: false }, () => replayed++);
      expect(replayed).to.equal(0);
      registry.dispatch(...publish('t', 'y'));
      expect(replayed).to.equal(1);
    });

    it('replays synchronously, during acquire', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x'));
      let seenDuringAcquire = 0;
      registry.acquire('t', {}, () => seenDuringAcquire++);
      expect(seenDuringAcquire).to.equal(1);
    });

    it('replays to a holder that moved in the DOM', () => {
      const registry = new SubscriptionRegistry();
      const holder = new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x'));
      holder.release();
      const moved = new Holder().acquire(registry, 't');
      expect(moved.messages.map((m) => m.decoder.text)).to.deep.equal(['x']);
    });

    it('replays nothing once the filter was dropped by its last holder', async () => {
      const registry = new SubscriptionRegistry();
      const holder = new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x'));
      holder.release();
      await microtask();
      expect(registry.size).to.equal(0);
      const later = new Holder().acquire(registry, 't');
      expect(later.messages).to.deep.equal([]);
    });

    it('replays nothing after a new client is attached', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 't');
      registry.dispatch(...publish('t', 'x'));
      registry.attach(new FakeClient(URL_, {}));
      const late = new Holder().acquire(registry, 't');
      expect(late.messages).to.deep.equal([]);
    });

    it('replays only messages of its own filter', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 'a/+');
      registry.dispatch(...publish('a/b', 'x'));
      const late = new Holder().acquire(registry, 'a/b');
      expect(late.messages).to.deep.equal([]);
    });

    it('remembers at most 1000 topics per filter, dropping the oldest', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 'd/+');
      for (let i = 0; i < 1001; i++) registry.dispatch(...publish(`d/${i}`, String(i)));
      const late = new Holder().acquire(registry, 'd/+');
      expect(late.messages).to.have.length(1000);
      expect(late.messages[0].topic).to.equal('d/1');
      expect(late.messages.at(-1)!.topic).to.equal('d/1000');
    });

    it('counts a topic updated again as the newest when dropping', () => {
      const registry = new SubscriptionRegistry();
      new Holder().acquire(registry, 'd/+');
      for (let i = 0; i < 1000; i++) registry.dispatch(...publish(`d/${i}`, String(i)));
      registry.dispatch(...publish('d/0', 'again'));
      registry.dispatch(...publish('d/new', 'new'));
      const late = new Holder().acquire(registry, 'd/+');
      const topics = late.messages.map((m) => m.topic);
      expect(topics).to.have.length(1000);
      expect(topics).to.include('d/0');
      expect(topics).not.to.include('d/1');
      expect(topics.slice(-2)).to.deep.equal(['d/0', 'd/new']);
    });
  });

  describe('size', () => {
    it('counts distinct filters, not holders', async () => {
      const { registry } = online();
      const a1 = new Holder().acquire(registry, 'a');
      const a2 = new Holder().acquire(registry, 'a');
      new Holder().acquire(registry, 'b');
      expect(registry.size).to.equal(2);
      a1.release();
      a2.release();
      expect(registry.size).to.equal(2); // until the release microtask
      await microtask();
      expect(registry.size).to.equal(1);
    });
  });
});
