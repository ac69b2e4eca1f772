/**
 * Which of a client's stores belong to one login at a time (`store="indexeddb"`'s), and the switch
 * connect.ts makes before each attempt's CONNECT. Apart from idb-store.ts so that connect.ts, which
 * every page loads, does not bring the IndexedDB store in: that loads only with `store="indexeddb"`.
 */
import type { IClientOptions } from 'mqtt';

/** A store whose messages belong to the login it was told last. */
export interface LoginStore {
  useLogin(username: string | undefined): void;
}

/** Registered by the stores themselves: MQTT.js's and a page's own stores are left alone. */
const loginStores = new WeakSet<object>();

/** Marks `store` as one that follows the login of each attempt. */
export function followsLogin(store: LoginStore): void {
  loginStores.add(store);
}

/**
 * Before each attempt's CONNECT: the stores follow the user name it logs in with, so what is sent
 * on its CONNACK, and what is queued while it lasts, belongs to that login.
 */
export function followLogin(options: IClientOptions): void {
  for (const store of [options.incomingStore, options.outgoingStore]) {
    if (store && loginStores.has(store)) (store as unknown as LoginStore).useLogin(options.username);
  }
}
