// loadPart (core/load-part.ts): a part that does not arrive is a coded error of the feature that
// needed it, never an uncoded rejection; one that arrives is handed over as it is.
import { expect } from '@open-wc/testing';
import { isMqttElementsError } from '../../src/errors.js';
import { loadPart, partsHeld } from '../../src/core/load-part.js';

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
});
