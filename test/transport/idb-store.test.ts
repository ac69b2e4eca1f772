// store="indexeddb" (src/transport/idb-store.ts): what one page stores, the next page loads; a
// message goes only when deleted (acknowledged); no IndexedDB is a coded error. No broker.
import { expect } from '@open-wc/testing';
import type { IStore, Packet } from 'mqtt';
import { preparedStart } from '../../src/core/credentials.js';
import { toClientOptions } from '../../src/core/options.js';
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
const publish = (messageId: number): Packet =>
  ({ cmd: 'publish', topic: 't', payload: new TextEncoder().encode(`m${messageId}`), qos: 1, retain: false, dup: false, messageId }) as never;

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
});
