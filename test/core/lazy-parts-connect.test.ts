// The code a connection's first attempt needs, loaded on first use before it (ARCHITECTURE.md,
// "Loaded on first use"): a fixed client id's claims across tabs (lazy-claims.ts) and MQTT 5's
// server references (lazy-references.ts). `connecting` is set at once, the client is made only
// once the code is here, nothing is made when the connect was ended meanwhile, and a chunk that
// does not arrive is a coded error. This file loads nothing beforehand (the other connection tests
// do, through test/support/connection-harness.ts's `before`): each page loads its modules afresh.
import { expect } from '@open-wc/testing';
import { MqttConnection } from '../../src/core/connection.js';
import { followLoaded } from '../../src/core/lazy-references.js';
import { partsHeld } from '../../src/core/load-part.js';
import type { ConnectionStatus } from '../../src/core/connection.js';
import { FakeFactory } from '../support/fake-client.js';
import { waitFor } from '../support/wait.js';

const URL_ = 'ws://broker.test/mqtt';

function held(): { release: () => void } {
  let release!: () => void;
  partsHeld.until = new Promise<void>((resolve) => (release = resolve));
  return { release: () => (release(), (partsHeld.until = undefined)) };
}

function start(config: Record<string, unknown>) {
  const factory = new FakeFactory();
  const made: unknown[] = [];
  const connection = new MqttConnection((url, options) => {
    made.push(options);
    return factory.create(url, options);
  });
  connection.config = { url: URL_, reconnectPeriod: 60000, ...config };
  const statuses: ConnectionStatus[] = [];
  connection.listen({ status: (s) => statuses.push(s) });
  return { connection, made, statuses };
}

describe('core/connection: code the first attempt needs, loaded on first use', () => {
  afterEach(() => {
    partsHeld.until = undefined;
  });

  it('a server reference before its code is here is refused, not followed (MQTT 3.1.1 never sends one)', () => {
    const outcome = followLoaded({ reference: 'b.test:8083', current: URL_, urls: [URL_, 'ws://b.test:8083/mqtt'], via: 'DISCONNECT 0x9C' });
    expect(outcome.url).to.equal(undefined);
    expect(outcome.error?.code).to.equal('redirect-refused');
  });

  it('MQTT 5 (server references): a disconnect() while the code loads makes no client; once it is here, connect() makes one at once', async () => {
    const gate = held();
    const first = start({ protocolVersion: 5 });
    first.connection.connect();
    expect(first.statuses).to.deep.equal(['connecting']);
    expect(first.made, 'no client before the code').to.have.length(0);
    await first.connection.disconnect();
    gate.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first.made, 'the connect was ended meanwhile').to.have.length(0);
    expect(first.connection.status).to.equal('closed');
    // The code stays loaded (module-wide): the next MQTT 5 connect waits for nothing.
    const second = start({ protocolVersion: 5 });
    second.connection.connect();
    await waitFor(() => second.made.length === 1, { message: 'the client made once the code is here' });
    const third = start({ protocolVersion: 5 });
    third.connection.connect();
    expect(third.made, 'made at once now').to.have.length(1);
    void second.connection.disconnect();
    void third.connection.disconnect();
  });

  it('a fixed client-id (claims across tabs): connecting at once, no client while the code is held, none after a disconnect() meanwhile; once here, one at once', async () => {
    const gate = held();
    const first = start({ clientId: 'panel-7' });
    first.connection.connect();
    expect(first.statuses).to.deep.equal(['connecting']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first.made, 'none while the code is held').to.have.length(0);
    const second = start({ clientId: 'panel-8' });
    second.connection.connect();
    await first.connection.disconnect();
    gate.release();
    await waitFor(() => second.made.length === 1, { message: 'the second connection made its client once the code arrived' });
    expect(first.made, 'the first was ended meanwhile').to.have.length(0);
    expect(first.connection.status).to.equal('closed');
    // The code loads once a page: a later connection with a fixed id waits for nothing.
    const third = start({ clientId: 'panel-9' });
    third.connection.connect();
    expect(third.made, 'made at once now').to.have.length(1);
    void second.connection.disconnect();
    void third.connection.disconnect();
  });
});
