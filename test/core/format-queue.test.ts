// FormatQueue (core/format-queue.ts) while a format's code is on its way, held as a slow network
// would by load-part.ts's `partsHeld`: nothing is lost, nothing overtakes, and a chunk that does
// not arrive makes every held message the `payload-format` error saying so; setting the format
// again tries once more. Its own file: the registry's state (what has loaded) is per page.
import { expect } from '@open-wc/testing';
import { encode as cborgEncode } from 'cborg';
import { FormatQueue } from '../../src/core/format-queue.js';
import { partsHeld } from '../../src/core/load-part.js';
import { PayloadDecoder } from '../../src/core/payload.js';
import { decodeFor, encodeFor, formatLoading, useFormat } from '../../src/core/payload-formats.js';
import { isMqttElementsError } from '../../src/errors.js';

afterEach(() => {
  partsHeld.until = undefined;
});

/** A receiver as the elements have one: asks the queue first, else decodes at once. */
function receiver(format: () => string) {
  const got: string[] = [];
  const queue: FormatQueue<Uint8Array> = new FormatQueue((bytes) => receive(bytes));
  const receive = (bytes: Uint8Array) => {
    if (queue.hold(bytes, format())) return;
    const result = decodeFor(new PayloadDecoder(bytes, 't'), format(), undefined);
    got.push(result.ok ? String(result.value) : `error: ${result.reason}`);
  };
  return { got, receive };
}

describe('FormatQueue', () => {
  it('keeps messages while the code loads and decodes them in arrival order once it is there; nothing overtakes', async () => {
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    let format = 'cbor';
    const { got, receive } = receiver(() => format);
    expect(useFormat('cbor'), 'cbor is known').to.equal(undefined);
    const loading = formatLoading('cbor');
    expect(loading, 'loading since the format was set').to.be.instanceOf(Promise);
    for (const n of [1, 2, 3]) receive(cborgEncode(n));
    expect(got).to.deep.equal([]);
    format = 'text';
    receive(new TextEncoder().encode('later')); // text needs no code, and still waits behind 1, 2, 3
    expect(got, 'a later message does not overtake').to.deep.equal([]);
    format = 'cbor';
    release();
    await loading;
    await Promise.resolve();
    // 'later' is CBOR-decoded now (the format when it is handed back): its bytes are not CBOR.
    expect(got.slice(0, 3)).to.deep.equal(['1', '2', '3']);
    expect(got[3]).to.match(/^error: payload is not CBOR/);
    receive(cborgEncode(4));
    expect(got.at(-1), 'once loaded, at once').to.equal('4');
  });

  it('a chunk that does not arrive: each held message is the payload-format error naming it; setting the format again retries', async () => {
    const offline = Promise.reject(new Error('network down'));
    offline.catch(() => {});
    partsHeld.until = offline;
    const { got, receive } = receiver(() => 'sparkplug');
    useFormat('sparkplug');
    const loading = formatLoading('sparkplug')!;
    receive(new Uint8Array([8, 1]));
    receive(new Uint8Array([8, 2]));
    await loading;
    await Promise.resolve();
    expect(got).to.have.length(2);
    for (const line of got) expect(line).to.include('the code of format="sparkplug" could not be loaded').and.include('network down');
    const sent = await encodeFor('sparkplug', { metrics: [] }).catch((e: unknown) => e);
    expect(isMqttElementsError(sent) && sent.code).to.equal('payload-format');
    expect(formatLoading('sparkplug'), 'no retry by itself').to.equal(undefined);

    partsHeld.until = undefined;
    useFormat('sparkplug');
    await formatLoading('sparkplug');
    receive(new Uint8Array([8, 7]));
    expect(got.at(-1)).to.equal('[object Object]');
    expect(decodeFor(new PayloadDecoder(new Uint8Array([8, 7]), 't'), 'sparkplug', 'timestamp')).to.deep.include({ ok: true, value: 7 });
  });
});
