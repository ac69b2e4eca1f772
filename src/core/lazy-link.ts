/**
 * `LazyLink`: a connection's part in a `shared` connection (shared-link.ts), whose code loads on
 * the first connect that asks for one: a page without `shared` never downloads it. The status
 * goes `connecting` at once as before; a `connect()` or `disconnect()` while the code loads drops
 * that join (nothing joins, leads or connects afterwards), and a publish made meanwhile waits for
 * it, since this tab may be about to follow another rather than hold a client of its own.
 */
import type { MqttElementsError } from '../errors.js';
import { loadPart } from './load-part.js';
import type { joinShared } from './shared-host.js';
import type { SharedLink } from './shared-link.js';

export class LazyLink {
  /** The link, once joined. */
  link?: SharedLink | undefined;
  #loading?: Promise<void> | undefined;

  /** Settles once the join still loading is made or dropped; undefined when none is. */
  get loading(): Promise<void> | undefined {
    return this.#loading;
  }

  /** Loads the code and joins with `args`, unless dropped meanwhile; `failed` when it does not load. */
  join(args: Parameters<typeof joinShared>, failed: (e: MqttElementsError) => void): void {
    const loading: Promise<void> = loadPart(() => import('./shared-host.js'), 'shared', 'connection-failed').then(
      ({ joinShared }) => {
        if (this.#loading !== loading) return;
        this.#loading = undefined;
        this.link = joinShared(...args);
      },
      (e: MqttElementsError) => {
        if (this.#loading !== loading) return;
        this.#loading = undefined;
        failed(e);
      },
    );
    this.#loading = loading;
  }

  /** Forgets the link (returned, for the caller to close) and drops a join still loading. */
  drop(): SharedLink | undefined {
    const link = this.link;
    this.link = this.#loading = undefined;
    return link;
  }
}
