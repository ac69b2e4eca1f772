// The code a connection's first attempt waits for (core/lazy-claims.ts: a fixed client-id's
// claims; core/lazy-references.ts: MQTT 5's server references), loaded before a test holds every
// part's arrival (`partsHeld`): such a test is about an element's part, and its connection must
// connect meanwhile. Each loads once a page. test/core/lazy-parts-connect.test.ts covers the wait.
import { LazyClaims } from '../../src/core/lazy-claims.js';
import { loadReferences } from '../../src/core/lazy-references.js';

export async function loadConnectionParts(): Promise<void> {
  await Promise.all([loadReferences(), new LazyClaims(() => {}).load()]);
}
