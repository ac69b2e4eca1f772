// The idle-close diagnosis's code (src/core/idle-diagnosis.ts) loads on the first loss of an
// established connection: losses while it is on its way (held here as a slow network would, by
// load-part.ts's `partsHeld`) give no diagnosis but still count, and the first loss after it
// arrived gives it when the last three agree. Its own file: the code loads once a page.
import { expect } from '@open-wc/testing';
import { loadIdleDiagnosis, watchIdleCloses } from '../../src/core/idle-close.js';
import { partsHeld } from '../../src/core/load-part.js';

class Client {
  readonly options = { keepalive: 60 };
  #heard?: () => void;
  on(_event: 'packetreceive', listener: () => void): this {
    this.#heard = listener;
    return this;
  }
  heard(): void {
    this.#heard?.();
  }
}

describe('core/idle-close: the diagnosis loads on the first loss', () => {
  afterEach(() => {
    partsHeld.until = undefined;
  });

  it('losses while its code loads give none but count; the next one after it arrived gives it', async () => {
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    let now = 0;
    const client = new Client();
    const watch = watchIdleCloses(client, () => now);
    const lossAfter = (silence: number) => {
      client.heard();
      now += silence;
      return watch.lost();
    };
    expect(lossAfter(30000), 'the first loss: the code starts loading').to.equal(undefined);
    expect(lossAfter(30050), 'still loading').to.equal(undefined);
    expect(lossAfter(29950), 'three that agree, but no code yet').to.equal(undefined);
    release();
    partsHeld.until = undefined;
    // The code arrives (the load the first loss started: joined, not started again): the next
    // loss is judged with the two before it.
    await loadIdleDiagnosis();
    const error = lossAfter(30010);
    expect(error?.code).to.equal('connection-failed');
    expect(error?.message).to.contain('closed every 30 s').and.contain('now 60');
  });
});
