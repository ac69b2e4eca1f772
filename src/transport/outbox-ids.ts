/**
 * Message ids for a client whose outbox (`store="indexeddb"`) was loaded with messages an earlier
 * page left. They keep their ids, and MQTT.js's default provider knows nothing of them: it counts
 * on from a random start, so a new publish could take a stored message's id, and the store,
 * keyed by id, would keep the new message in the old one's place (the old one lost, silently).
 * This provider counts the same way but passes over every id the outbox holds.
 */
import type { IClientOptions } from 'mqtt';

type MessageIdProvider = NonNullable<IClientOptions['messageIdProvider']>;

/** MQTT's packet identifiers: 1 to 65535 (§2.2.1). */
const MAX_ID = 65535;

/** Allocates ids that `held(id)` says are free; everything else as MQTT.js's default provider. */
export class OutboxIds implements MessageIdProvider {
  readonly #held: (id: number) => boolean;
  #next = Math.max(1, Math.floor(Math.random() * MAX_ID));
  #last = 0;

  constructor(held: (id: number) => boolean) {
    this.#held = held;
  }

  allocate(): number {
    // Every id held is a message waiting for its acknowledgement: with all 65535 taken there is
    // no free one, and the next in turn is as good as any (MQTT.js's default does the same).
    for (let tries = 0; tries < MAX_ID; tries++) {
      const id = this.#take();
      if (!this.#held(id)) return id;
    }
    return this.#take();
  }

  #take(): number {
    const id = this.#next;
    this.#next = id === MAX_ID ? 1 : id + 1;
    this.#last = id;
    return id;
  }

  getLastAllocated(): number {
    return this.#last;
  }

  /** Ids come back from the store on connect; the store is what reserves them. */
  register(): boolean {
    return true;
  }

  deallocate(): void {}

  clear(): void {}
}
