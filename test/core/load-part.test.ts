// loadPart (core/load-part.ts): a part that does not arrive is a coded error of the feature that
// needed it, never an uncoded rejection; one that arrives is handed over as it is.
import { expect } from '@open-wc/testing';
import { isMqttElementsError } from '../../src/errors.js';
import { loadPart, oncePart, partsHeld } from '../../src/core/load-part.js';

describe('core/load-part', () => {
  it('hands over the module that arrived', async () => {
    const part = { answer: 42 };
    expect(await loadPart(() => Promise.resolve(part), 'x', 'connection-failed')).to.equal(part);
  });

  it('a chunk that fails to load becomes the given code, naming the feature and what to check, with the cause', async () => {
    const cause = new TypeError('Failed to fetch dynamically imported module: https://app.example/assets/shared-host-1a2b.js');
    let error: unknown;
    try {
      await loadPart(() => Promise.reject(cause), 'shared', 'connection-failed');
    } catch (e) {
      error = e;
    }
    expect(isMqttElementsError(error)).to.equal(true);
    const coded = error as Error & { code: string; cause: unknown };
    expect(coded.code).to.equal('connection-failed');
    expect(coded.message).to.contain('shared').and.contain('Failed to fetch').and.contain('chunks are served');
    expect(coded.cause).to.equal(cause);
  });

  it('partsHeld: a part arrives only once the hold is released', async () => {
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    const loading = loadPart(() => Promise.resolve('part'), 'x', 'connection-failed').then(() => (arrived = true));
    await new Promise((resolve) => setTimeout(resolve));
    expect(arrived, 'held').to.equal(false);
    partsHeld.until = undefined;
    release();
    await loading;
    expect(arrived).to.equal(true);
  });

  it('oncePart: one load a page, however many ask; a failure is kept, and tried again only when asked to', async () => {
    let calls = 0;
    let fail = true;
    const once = oncePart(
      () => {
        calls++;
        return fail ? Promise.reject(new TypeError('offline')) : Promise.resolve({ n: calls });
      },
      'the feature',
      'payload-format',
    );
    const [a, b] = await Promise.allSettled([once.load(), once.load()]);
    expect(calls, 'two asked at once: one load').to.equal(1);
    expect(a.status).to.equal('rejected');
    expect((a as PromiseRejectedResult).reason).to.equal((b as PromiseRejectedResult).reason);
    expect(once.failed?.code).to.equal('payload-format');
    expect(once.failed?.message).to.contain('the feature').and.contain('offline');
    expect(once.part).to.equal(undefined);

    const again = await once.load(false).catch((e: unknown) => e);
    expect(again, 'without retry: the same failure, no new load').to.equal(once.failed);
    expect(calls).to.equal(1);

    fail = false;
    const part = await once.load(true, 'another feature');
    expect(calls, 'retry: loaded anew').to.equal(2);
    expect(part).to.deep.equal({ n: 2 });
    expect(once.part).to.equal(part);
    expect(once.failed).to.equal(undefined);
    expect(await once.load(), 'once here, no further load').to.equal(part);
    expect(calls).to.equal(2);
  });

  it('oncePart: the feature named by the load that starts it is the one in its error', async () => {
    const once = oncePart(() => Promise.reject(new Error('gone')), 'default name', 'connection-failed');
    const error = await once.load(true, 'format="cbor"').catch((e: unknown) => e);
    expect((error as Error).message).to.contain('format="cbor"').and.not.contain('default name');
  });
});
