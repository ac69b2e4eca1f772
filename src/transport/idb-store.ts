/**
 * `store="indexeddb"` (SPEC): MQTT.js's message store, kept in IndexedDB as well as in memory, so
 * that QoS 1/2 messages in flight (published offline, or not acknowledged yet) survive a reload,
 * a crash or a closed tab, and are sent when a page with the same broker and client id connects
 * again. Every write goes to IndexedDB before MQTT.js is told it is stored; a message is deleted
 * only when MQTT.js deletes it (on its acknowledgement). A full or missing IndexedDB is an error
 * passed to MQTT.js's callback (the publish fails with its reason), never silence. No wrapper
 * library: the four IndexedDB calls below are all it takes.
 */
import mqtt from 'mqtt';
import type { IStore, Packet } from 'mqtt';
import { MqttElementsError } from '../errors.js';

const DB = 'mqtt-elements';
const STORE = 'in-flight';

type Callback = (error?: Error, packet?: Packet) => void;

function request<T>(run: () => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = run();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('the database is blocked by another tab'));
  });
}

/** The reason IndexedDB failed, as a coded error that says what is at stake. */
function storeError(e: unknown, doing: string): MqttElementsError {
  const reason = (e as Error)?.name === 'QuotaExceededError' ? 'it is full' : ((e as Error)?.message ?? String(e));
  return new MqttElementsError('publish-failed', `store="indexeddb" could not ${doing}: ${reason}`, { cause: e });
}

/** One direction's store (outgoing or incoming) of one broker and client id. */
class IdbStore extends (mqtt.Store as unknown as new () => IStore) {
  readonly #db: IDBDatabase;
  readonly #prefix: string;
  #seq = 0;

  constructor(db: IDBDatabase, prefix: string) {
    super();
    this.#db = db;
    this.#prefix = prefix;
  }

  /** Loads what an earlier page left (in the order it was stored) into memory. */
  async load(): Promise<void> {
    const range = IDBKeyRange.bound(this.#prefix, `${this.#prefix}\uffff`);
    const tx = this.#db.transaction(STORE, 'readonly');
    const records = await request(() => tx.objectStore(STORE).getAll(range) as IDBRequest<Array<{ seq: number; packet: Packet }>>);
    records.sort((a, b) => a.seq - b.seq);
    for (const { seq, packet } of records) {
      this.#seq = Math.max(this.#seq, seq);
      super.put(packet, () => {});
    }
  }

  override put(packet: Packet, cb: Callback): this {
    const id = (packet as { messageId?: number }).messageId;
    const record = { seq: ++this.#seq, packet: { ...packet } };
    const tx = this.#db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record, `${this.#prefix}${id}`);
    tx.oncomplete = () => {
      super.put(packet, () => cb?.());
    };
    tx.onerror = tx.onabort = () => cb?.(storeError(tx.error, `keep message ${id}`));
    return this;
  }

  override del(packet: Pick<Packet, 'messageId'>, cb: Callback): this {
    super.del(packet, (error, deleted) => {
      const tx = this.#db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(`${this.#prefix}${packet.messageId}`);
      tx.oncomplete = () => cb?.(error, deleted);
      tx.onerror = tx.onabort = () => cb?.(storeError(tx.error, `forget message ${packet.messageId}`), deleted);
    });
    return this;
  }
}

/**
 * The incoming and outgoing stores of the broker `url` and `clientId`, loaded with what an
 * earlier page left. Rejects with a coded error when IndexedDB cannot be used.
 */
export async function openIdbStores(url: string, clientId: string): Promise<{ incomingStore: IStore; outgoingStore: IStore }> {
  let db: IDBDatabase;
  try {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
    db = await openDb();
  } catch (e) {
    throw new MqttElementsError(
      'connection-failed',
      `store="indexeddb" cannot open IndexedDB (${(e as Error)?.message ?? e}): messages in flight would not survive a reload`,
      { cause: e },
    );
  }
  const key = `${url}|${clientId}|`;
  const incomingStore = new IdbStore(db, `${key}in|`);
  const outgoingStore = new IdbStore(db, `${key}out|`);
  await Promise.all([incomingStore.load(), outgoingStore.load()]);
  return { incomingStore, outgoingStore };
}
