// Client ids taken over across tabs (src/core/takeover.ts): real BroadcastChannels, which also
// reach other instances in the same page. No broker.
import { expect } from '@open-wc/testing';
import { ClientIdClaims } from '../../src/core/takeover.js';
import { uid, waitFor } from '../support/wait.js';

/** Resolves after every message posted so far on the channel was delivered. */
async function settle(): Promise<void> {
  const name = 'mqtt-elements/client-ids';
  const probe = new BroadcastChannel(name);
  const listen = new BroadcastChannel(name);
  const token = uid('probe');
  const got = new Promise<void>((resolve) => {
    listen.onmessage = (e) => e.data?.from === token && resolve();
  });
  probe.postMessage({ clientId: token, url: '', since: 0, from: token });
  await got;
  probe.close();
  listen.close();
}

describe('core/takeover', () => {
  it('the older holder of an id hears the newer one and is taken over, once; the newer is not', async () => {
    const id = uid('dash');
    const taken: string[] = [];
    const older = new ClientIdClaims((by) => taken.push(`older by ${by.url}`));
    const newer = new ClientIdClaims((by) => taken.push(`newer by ${by.url}`));
    older.claim(id, 'ws://b/mqtt');
    await settle();
    await new Promise((r) => setTimeout(r, 2)); // a later millisecond for the newer claim
    newer.claim(id, 'ws://b/mqtt');
    await waitFor(() => taken.length > 0, { message: 'a takeover' });
    await settle();
    expect(taken).to.deep.equal(['older by ws://b/mqtt']);
    newer.release();
  });

  it('a reconnect of the old holder (its claim keeps its since) does not take the id back', async () => {
    const id = uid('dash');
    const taken: string[] = [];
    const older = new ClientIdClaims(() => taken.push('older'));
    const newer = new ClientIdClaims(() => taken.push('newer'));
    older.claim(id, 'ws://b/mqtt');
    await settle();
    await new Promise((r) => setTimeout(r, 2));
    newer.claim(id, 'ws://b/mqtt');
    // The old one reconnects before it hears the new claim: it claims again, with its old since.
    older.claim(id, 'ws://b/mqtt');
    await settle();
    expect(taken).to.deep.equal(['older']);
    newer.release();
  });

  it('after a takeover, a new claim of the old holder (connect() called) is the newest', async () => {
    const id = uid('dash');
    const taken: string[] = [];
    const older = new ClientIdClaims(() => taken.push('older'));
    const newer = new ClientIdClaims(() => taken.push('newer'));
    older.claim(id, 'ws://b/mqtt');
    await settle();
    await new Promise((r) => setTimeout(r, 2));
    newer.claim(id, 'ws://b/mqtt');
    await waitFor(() => taken.length === 1);
    await new Promise((r) => setTimeout(r, 2));
    older.claim(id, 'ws://b/mqtt');
    await waitFor(() => taken.length === 2);
    expect(taken).to.deep.equal(['older', 'newer']);
    older.release();
  });

  it('other ids and other brokers are not a takeover', async () => {
    const id = uid('dash');
    const taken: string[] = [];
    const a = new ClientIdClaims(() => taken.push('a'));
    const b = new ClientIdClaims(() => taken.push('b'));
    const c = new ClientIdClaims(() => taken.push('c'));
    a.claim(id, 'ws://one/mqtt');
    await new Promise((r) => setTimeout(r, 2));
    b.claim(id, 'ws://two/mqtt');
    c.claim(`${id}-other`, 'ws://one/mqtt');
    await settle();
    expect(taken).to.deep.equal([]);
    for (const x of [a, b, c]) x.release();
  });

  it('a connection still trying to connect with an id stops when another claims it (no kick loop)', async () => {
    const id = uid('dash');
    const taken: string[] = [];
    const trying = new ClientIdClaims((by) => taken.push(`trying, by ${by.url}`));
    const holder = new ClientIdClaims(() => taken.push('holder'));
    trying.want(id, 'ws://b/mqtt');
    holder.claim(id, 'ws://b/mqtt');
    await waitFor(() => taken.length > 0);
    await settle();
    expect(taken).to.deep.equal(['trying, by ws://b/mqtt']);
    const other = new ClientIdClaims(() => taken.push('other'));
    other.want(`${id}-2`, 'ws://b/mqtt');
    holder.claim(id, 'ws://b/mqtt');
    await settle();
    expect(taken, 'another id is no takeover').to.have.length(1);
    holder.release();
    other.release();
  });
});
