// store="indexeddb" (src/transport/idb-store.ts): what one page stores, the next page loads; a
// message goes only when deleted (acknowledged); no IndexedDB is a coded error; kept per login;
// a new message never takes a stored one's id; a newer schema can upgrade the database. No
// broker (the one client here dials a port where nothing listens, and publishes offline).
import { expect } from '@open-wc/testing';
import type { IClientOptions, IStore, MqttClient, Packet } from 'mqtt';
import { preparedStart } from '../../src/core/credentials.js';
import { toClientOptions } from '../../src/core/options.js';
import { connectOverWebSocket } from '../../src/transport/connect.js';
import * as idb from '../../src/transport/idb-store.js';
import { openIdbStores } from '../../src/transport/idb-store.js';
import { uid } from '../support/wait.js';

const put = (store: IStore, packet: Packet) => new Promise<void>((resolve, reject) => store.put(packet, (e) => (e ? reject(e) : resolve())));
const del = (store: IStore, messageId: number) => new Promise<void>((resolve) => store.del({ messageId }, () => resolve()));
const ids = (store: IStore) =>
  new Promise<number[]>((resolve) => {
    const out: number[] = [];
    const stream = store.createStream();
    stream.on('data', (p: { messageId: number }) => out.push(p.messageId));
    stream.on('end', () => resolve(out));
  });
const publish = (messageId: number, text = `m${messageId}`): Packet =>
  ({ cmd: 'publish', topic: 't', payload: new TextEncoder().encode(text), qos: 1, retain: false, dup: false, messageId }) as never;
/** The texts of a store's messages, in the order MQTT.js would send them on CONNACK. */
const texts = (store: IStore) =>
  new Promise<string[]>((resolve) => {
    const out: string[] = [];
    const stream = store.createStream();
    stream.on('data', (p: { payload: Uint8Array | string }) => out.push(typeof p.payload === 'string' ? p.payload : new TextDecoder().decode(p.payload)));
    stream.on('end', () => resolve(out));
  });
/** Opens the database as a page of a later version would: one version up from what is there. */
async function openAsNewerSchema(): Promise<IDBDatabase> {
  const name = (idb as { DB_NAME?: string }).DB_NAME ?? 'mqtt-elements';
  const current = await new Promise<number>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      resolve(open.result.version);
      open.result.close();
    };
    open.onerror = () => reject(open.error);
  });
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, current + 1);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('blocked: a handle of the current version stayed open'));
  });
}

describe('transport/idb-store', () => {
  it('what one page stored, the next page (a new open) has, in order; deleted messages are gone', async () => {
    const url = `ws://idb.test/${uid('u')}`;
    const first = await openIdbStores(url, 'dash');
    for (const id of [3, 1, 2]) await put(first.outgoingStore, publish(id));
    await del(first.outgoingStore, 1);
    const second = await openIdbStores(url, 'dash');
    expect(await ids(second.outgoingStore)).to.deep.equal([3, 2]);
    const other = await openIdbStores(url, 'another-client');
    expect(await ids(other.outgoingStore), 'keyed by client id').to.deep.equal([]);
    const payload = await new Promise<Packet | undefined>((resolve) => second.outgoingStore.get({ messageId: 2 }, (_e, p) => resolve(p)));
    expect(new TextDecoder().decode((payload as { payload: Uint8Array }).payload)).to.equal('m2');
    for (const id of [3, 2]) await del(second.outgoingStore, id);
  });

  it('store="indexeddb" without a fixed client-id is a connection-failed error that says why', async () => {
    const plan = toClientOptions({ url: 'ws://idb.test/mqtt' });
    const error = await preparedStart({ store: 'indexeddb' }, plan, undefined).catch((e: { code: string; message: string }) => e);
    expect((error as { code: string }).code).to.equal('connection-failed');
    expect((error as { message: string }).message).to.equal('store="indexeddb" needs a fixed client-id: the stored messages belong to it');
  });

  it('a browser without IndexedDB gets a coded error, not a silent memory store', async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    try {
      const error = await openIdbStores('ws://idb.test/mqtt', 'dash').catch((e: { code: string; message: string }) => e);
      expect((error as { code: string }).code).to.equal('connection-failed');
      expect((error as { message: string }).message).to.match(/^store="indexeddb" cannot open IndexedDB \(this browser has no IndexedDB\): messages in flight would not survive a reload$/);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
      else delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
  });

  describe('kept per login (README, Messages that survive a reload: messages queued under one login never go out under another)', () => {
    it("what alice queued, bob's login on the same device does not load; alice's next login does", async () => {
      const url = `ws://idb.test/${uid('u')}`;
      const alice = await openIdbStores(url, 'dash', 'alice');
      await put(alice.outgoingStore, publish(7, 'alice: open the valve'));
      const bob = await openIdbStores(url, 'dash', 'bob');
      expect(await texts(bob.outgoingStore), "bob's login").to.deep.equal([]);
      const anonymous = await openIdbStores(url, 'dash');
      expect(await texts(anonymous.outgoingStore), 'no user name').to.deep.equal([]);
      const aliceAgain = await openIdbStores(url, 'dash', 'alice');
      expect(await texts(aliceAgain.outgoingStore)).to.deep.equal(['alice: open the valve']);
      await del(aliceAgain.outgoingStore, 7);
    });

    it('no client id and user name run together into another pair ("a|b" + "c" is not "a" + "b|c")', async () => {
      const url = `ws://idb.test/${uid('u')}`;
      const first = await openIdbStores(url, 'a|b', 'c');
      await put(first.outgoingStore, publish(1, 'of a|b, c'));
      const second = await openIdbStores(url, 'a', 'b|c');
      expect(await texts(second.outgoingStore)).to.deep.equal([]);
      await del(first.outgoingStore, 1);
    });

    it('the login is the user name the client connects with: the setting, a credentials function, or the URL', async () => {
      const url = `ws://idb.test/${uid('u')}`;
      const queued = await openIdbStores(url, 'dash', 'carol');
      await put(queued.outgoingStore, publish(3, 'carol'));
      const start = (config: Parameters<typeof toClientOptions>[0], credentials?: () => Promise<{ username?: string; url?: string }>) =>
        preparedStart({ ...config, store: 'indexeddb', clientId: 'dash', credentials }, toClientOptions({ ...config, clientId: 'dash' }), undefined).then(
          ({ options }) => texts(options.outgoingStore!),
        );
      expect(await start({ url, username: 'carol' }), 'username setting').to.deep.equal(['carol']);
      expect(await start({ url, username: 'dave' }), "another user's").to.deep.equal([]);
      expect(await start({ url, username: 'dave' }, async () => ({ username: 'carol' })), 'credentials function').to.deep.equal(['carol']);
      expect(await start({ url, username: 'carol' }, async () => ({ username: 'dave' })), "the function's answer wins").to.deep.equal([]);
      const withUserinfo = url.replace('ws://', 'ws://carol:pw@');
      expect(await start({ url: withUserinfo }), 'userinfo (the key has no userinfo: the same URL)').to.deep.equal(['carol']);
      await del(queued.outgoingStore, 3);
    });

    it('a signed URL whose token changes keeps its outbox (the key has no query or userinfo)', async () => {
      const url = `ws://idb.test/${uid('u')}`;
      const signed = (token: string) => async () => ({ url: `${url}?X-Amz-Signature=${token}` });
      const plan = (token: string) => toClientOptions({ url: `${url}?token=${token}`, clientId: 'dash' });
      const first = await preparedStart({ store: 'indexeddb', clientId: 'dash', credentials: signed('one') }, plan('one'), undefined);
      await put(first.options.outgoingStore!, publish(5, 'kept'));
      const second = await preparedStart({ store: 'indexeddb', clientId: 'dash', credentials: signed('two') }, plan('two'), undefined);
      expect(await texts(second.options.outgoingStore!)).to.deep.equal(['kept']);
      await del(second.options.outgoingStore!, 5);
    });

    it("an attempt that logs in as another user (a credentials function's answer) switches outbox before its CONNECT", async () => {
      const url = `ws://idb.test/${uid('u')}`;
      const alice = await openIdbStores(url, 'dash', 'alice');
      await put(alice.outgoingStore, publish(1, 'alice'));
      const bob = await openIdbStores(url, 'dash', 'bob');
      await put(bob.outgoingStore, publish(2, 'bob'));
      const stores = await openIdbStores(url, 'dash', 'alice');
      expect(await texts(stores.outgoingStore)).to.deep.equal(['alice']);
      idb.followLogin({ ...stores, username: 'bob' } as IClientOptions);
      expect(await texts(stores.outgoingStore), 'after the switch').to.deep.equal(['bob']);
      await put(stores.outgoingStore, publish(3, 'bob, later'));
      const bobAgain = await openIdbStores(url, 'dash', 'bob');
      expect(await texts(bobAgain.outgoingStore), "queued while bob was logged in is bob's").to.deep.equal(['bob', 'bob, later']);
      expect(await texts((await openIdbStores(url, 'dash', 'alice')).outgoingStore)).to.deep.equal(['alice']);
      for (const id of [2, 3]) await del(bobAgain.outgoingStore, id);
      await del(alice.outgoingStore, 1);
    });
  });

  it("each attempt of a real client follows the user name it logs in with (connect.ts calls followLogin before CONNECT)", async () => {
    const url = 'ws://127.0.0.1:1/mqtt'; // nothing listens: the client stays offline
    const clientId = uid('login');
    const alice = await openIdbStores(url, clientId, 'alice');
    await put(alice.outgoingStore, publish(1, 'alice'));
    const stores = await openIdbStores(url, clientId, 'alice');
    // A credentials function answered bob for this attempt: the client's options say so.
    const client = connectOverWebSocket(url, { ...stores, clientId, username: 'bob', reconnectPeriod: 0 });
    try {
      expect(await texts(stores.outgoingStore), "bob's attempt sends nothing of alice's").to.deep.equal([]);
      await new Promise<void>((resolve) => client.publish('t', 'bob, offline', { qos: 1, cbStorePut: () => resolve() } as never));
      expect(await texts((await openIdbStores(url, clientId, 'bob')).outgoingStore)).to.deep.equal(['bob, offline']);
      expect(await texts((await openIdbStores(url, clientId, 'alice')).outgoingStore)).to.deep.equal(['alice']);
    } finally {
      client.end(true);
    }
    await del(alice.outgoingStore, 1);
    const bob = await openIdbStores(url, clientId, 'bob');
    for (const id of await ids(bob.outgoingStore)) await del(bob.outgoingStore, id);
  });

  it("a publish made offline after loading a stored message never takes that message's id", async () => {
    const url = 'ws://127.0.0.1:1/mqtt'; // nothing listens: the client stays offline
    const clientId = uid('ids');
    const earlier = await openIdbStores(url, clientId);
    const storedId = 4242;
    await put(earlier.outgoingStore, publish(storedId, 'from the earlier page'));
    const plan = toClientOptions({ url, clientId, reconnectPeriod: 0 });
    // Message ids start at a random number: make it the stored message's id, as happens by chance
    // once in 65535 page loads (and surely over a day of publishes).
    const random = Math.random;
    Math.random = () => (storedId + 0.5) / 65535;
    let client: MqttClient;
    let options: IClientOptions;
    try {
      ({ options } = await preparedStart({ store: 'indexeddb', clientId }, plan, undefined));
      client = connectOverWebSocket(url, options);
    } finally {
      Math.random = random;
    }
    try {
      await new Promise<void>((resolve) => client.publish('t', 'made offline', { qos: 1, cbStorePut: () => resolve() } as never));
      expect((await texts(options.outgoingStore!)).sort()).to.deep.equal(['from the earlier page', 'made offline']);
      const next = await openIdbStores(url, clientId);
      expect((await texts(next.outgoingStore)).sort(), 'in IndexedDB too').to.deep.equal(['from the earlier page', 'made offline']);
      for (const id of await ids(next.outgoingStore)) await del(next.outgoingStore, id);
    } finally {
      client.end(true);
    }
  });

  it('a page with a later schema can upgrade the database: open handles close, and their writes fail with a coded error', async () => {
    const stores = await openIdbStores(`ws://idb.test/${uid('u')}`, 'dash', 'alice');
    const newer = await openAsNewerSchema();
    try {
      expect(newer.version).to.be.greaterThan(1);
      const error = await put(stores.outgoingStore, publish(1)).catch((e: { code: string; message: string }) => e);
      expect((error as { code: string }).code).to.equal('publish-failed');
      expect((error as { message: string }).message).to.equal(
        'store="indexeddb" could not keep message 1: the database was closed (a page with a newer version upgraded it): reload the page',
      );
    } finally {
      newer.close();
      // Back to a database this code can open, for the tests after this one.
      await new Promise((resolve, reject) => {
        const deleting = indexedDB.deleteDatabase((idb as { DB_NAME?: string }).DB_NAME ?? 'mqtt-elements');
        deleting.onsuccess = resolve;
        deleting.onerror = () => reject(deleting.error);
      });
    }
    expect(await texts((await openIdbStores(`ws://idb.test/${uid('u')}`, 'dash')).outgoingStore), 'the database opens again').to.deep.equal([]);
  });
});
