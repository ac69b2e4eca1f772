/**
 * Whether this browser can share a connection between tabs (Web Locks and a BroadcastChannel;
 * else each tab connects on its own). Apart from shared-link.ts because `connect()` asks it at
 * once, while the code of a shared connection loads only when a page asks for one (`shared`).
 */
export function canShare(): boolean {
  return typeof BroadcastChannel === 'function' && typeof globalThis.navigator?.locks?.request === 'function';
}
