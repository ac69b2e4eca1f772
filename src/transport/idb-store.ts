/**
 * `store="indexeddb"` (README: Messages that survive a reload): MQTT.js's message store, kept in IndexedDB as well as in memory, so
 * that QoS 1/2 messages in flight (published offline, or not acknowledged yet) survive a reload,
 * a crash or a closed tab, and are sent when a page with the same broker, client id and user name
 * connects again. Every write goes to IndexedDB before MQTT.js is told it is stored; a message is
 * deleted only when MQTT.js deletes it (on its acknowledgement). A full, missing or closed
 * IndexedDB is an error passed to MQTT.js's callback (the publish fails with its reason), never
 * silence. No wrapper library: the four IndexedDB calls below are all it takes.
 *
 * Kept per login: a message queued under one user name goes out only under that user name, never
 * on the next user's login on the same device. The client's user name can change between two
 * attempts (a credentials function), so the stores hold every login's messages of that broker
 * and client id, and {@link followLogin} picks the one of each attempt before its CONNECT.
 */
import type { IStore, Packet } from 'mqtt';
import { MqttElementsError } from '../errors.js';
import { followsLogin } from './follow-login.js';
import { OutboxIds } from './outbox-ids.js';
import mqtt from '../vendor/mqtt.js';

// Loaded on first use (credentials.ts imports it dynamically): a page without store="indexeddb"
// never downloads it. connect.ts's switch of login lives in follow-login.ts for that reason.
export { followLogin } from './follow-login.js';

/** The database's name (tests open it beside the stores). */
export const DB_NAME = 'mqtt-elements';
/**
 * 2: the store `outbox`, keyed `[url, clientId, direction, username, messageId]`. Version 1's
 * `in-flight` was keyed by URL and client id only: whose login its messages were queued under is
 * unknown, so the upgrade drops them rather than send them under someone else's.
 */
export const DB_VERSION = 2;
const STORE = 'outbox';
const DROPPED_STORES = ['in-flight'];

type Callback = (error?: Error, packet?: Packet) => void;
interface Row {
  seq: number;
  login: string;
  packet: Packet;
}

/** A stored packet's id (every packet MQTT.js stores has one). */
const idOf = (packet: Pick<Packet, 'messageId'> | Packet): number => (packet as { messageId?: number }).messageId ?? 0;

function request<T>(run: () => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = run();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, DB_VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      for (const name of DROPPED_STORES) if (db.objectStoreNames.contains(name)) db.deleteObjectStore(name);
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
    };
    open.onsuccess = () => {
      const db = open.result;
      // A page with a later schema asks to upgrade: let it. This page's writes then fail with
      // a coded error (a reload brings the new code), instead of blocking the other page.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('another tab holds an older version of the database open: reload or close it'));
  });
}

/** The reason IndexedDB failed, as a coded error that says what is at stake. */
function storeError(e: unknown, doing: string): MqttElementsError {
  const name = (e as Error)?.name;
  const reason =
    name === 'QuotaExceededError'
      ? 'it is full'
      : name === 'InvalidStateError'
        ? 'the database was closed (a page with a newer version upgraded it): reload the page'
        : ((e as Error)?.message ?? String(e));
  return new MqttElementsError('publish-failed', `store="indexeddb" could not ${doing}: ${reason}`, { cause: e });
}

/** A write transaction, or the error that kept it from starting (a closed database throws). */
function write(db: IDBDatabase, run: (store: IDBObjectStore) => void, done: () => void, failed: (e: unknown) => void): void {
  let tx: IDBTransaction;
  try {
    tx = db.transaction(STORE, 'readwrite');
    run(tx.objectStore(STORE));
  } catch (e) {
    return failed(e);
  }
  tx.oncomplete = done;
  tx.onerror = tx.onabort = () => failed(tx.error);
}

/** One direction's store (outgoing or incoming) of one broker and client id, every login's messages. */
export class IdbStore implements IStore {
  readonly #db: IDBDatabase;
  /** `[url, clientId, direction]`: the start of every key of this store. */
  readonly #scope: string[];
  /** Each login's messages by id, in the order they were stored. */
  readonly #logins = new Map<string, Map<number, Packet>>();
  #login: string;
  #seq = 0;
  /** MQTT.js closed this store (its client ended): callbacks of writes still pending are not called. */
  #closed = false;

  constructor(db: IDBDatabase, scope: string[], login: string) {
    this.#db = db;
    this.#scope = scope;
    this.#login = login;
    followsLogin(this);
  }

  /** Loads what an earlier page left, for every login (in the order it was stored), into memory. */
  async load(): Promise<void> {
    // Arrays sort after strings: [...scope, []] is past every key that starts with scope.
    const range = IDBKeyRange.bound(this.#scope, [...this.#scope, []]);
    const tx = this.#db.transaction(STORE, 'readonly');
    const rows = await request(() => tx.objectStore(STORE).getAll(range) as IDBRequest<Row[]>);
    rows.sort((a, b) => a.seq - b.seq);
    for (const { seq, login, packet } of rows) {
      this.#seq = Math.max(this.#seq, seq);
      this.#messages(login).set(idOf(packet), packet);
    }
  }

  /** From now on, the messages of the login `username` (absent: none). */
  useLogin(username: string | undefined): void {
    this.#login = username ?? '';
  }

  /** Whether any login's message has this id: a new message must not take it. */
  holds(messageId: number): boolean {
    for (const messages of this.#logins.values()) if (messages.has(messageId)) return true;
    return false;
  }

  #messages(login = this.#login): Map<number, Packet> {
    let messages = this.#logins.get(login);
    if (!messages) this.#logins.set(login, (messages = new Map()));
    return messages;
  }

  #key(messageId: number): IDBValidKey {
    return [...this.#scope, this.#login, messageId];
  }

  put(packet: Packet, cb: Callback): this {
    const id = idOf(packet);
    const login = this.#login;
    const row: Row = { seq: ++this.#seq, login, packet: { ...packet } };
    write(
      this.#db,
      (store) => store.put(row, this.#key(id)),
      () => {
        this.#messages(login).set(id, packet);
        // The message is kept for the next connect; the ended client must not hear of it (MQTT.js's
        // own state is gone, and its callback would throw).
        if (!this.#closed) cb?.();
      },
      (e) => !this.#closed && cb?.(storeError(e, `keep message ${id}`)),
    );
    return this;
  }

  get(packet: Pick<Packet, 'messageId'>, cb: Callback): this {
    const stored = this.#messages().get(idOf(packet));
    if (stored) cb(undefined, stored);
    else cb?.(new Error('missing packet'));
    return this;
  }

  del(packet: Pick<Packet, 'messageId'>, cb: Callback): this {
    const id = idOf(packet);
    const messages = this.#messages();
    const deleted = messages.get(id);
    messages.delete(id);
    const missing = deleted ? undefined : new Error('missing packet');
    write(
      this.#db,
      (store) => store.delete(this.#key(id)),
      () => !this.#closed && cb?.(missing, deleted),
      (e) => !this.#closed && cb?.(storeError(e, `forget message ${id}`), deleted),
    );
    return this;
  }

  /** The current login's messages, in the order they were stored (MQTT.js sends them on CONNACK). */
  createStream(): ReturnType<IStore['createStream']> {
    const memory = new mqtt.Store();
    for (const packet of this.#messages().values()) memory.put(packet, () => {});
    return memory.createStream();
  }

  close(cb: (error?: Error) => void): void {
    this.#closed = true;
    cb?.();
  }
}

/** The stores of one client, and the message ids they keep free. */
export interface IdbStores {
  incomingStore: IdbStore;
  outgoingStore: IdbStore;
  messageIdProvider: OutboxIds;
}

/**
 * The incoming and outgoing stores of the broker `url`, `clientId` and the login `username`,
 * loaded with what earlier pages left, and a message id provider that keeps their ids free.
 * Rejects with a coded error when IndexedDB cannot be used.
 */
export async function openIdbStores(url: string, clientId: string, username?: string): Promise<IdbStores> {
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
  const incomingStore = new IdbStore(db, [url, clientId, 'in'], username ?? '');
  const outgoingStore = new IdbStore(db, [url, clientId, 'out'], username ?? '');
  await Promise.all([incomingStore.load(), outgoingStore.load()]);
  return { incomingStore, outgoingStore, messageIdProvider: new OutboxIds((id) => outgoingStore.holds(id)) };
}
