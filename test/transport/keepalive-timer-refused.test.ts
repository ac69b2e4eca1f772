// The keepalive timer (src/transport/keepalive-timer.ts) in a page that refuses its worker, as a
// CSP without blob: workers does: native timers stay, and an interval started while the page is
// hidden runs shorter, so that Chromium's whole-second wake-ups of hidden tabs land it on time
// (measured against a broker in test/e2e/background.test.js). Its own file: the worker is tried
// once per page, and the other file's page accepts it.
import { expect } from '@open-wc/testing';
import { keepaliveTimer, keepaliveTimerKind } from '../../src/transport/keepalive-timer.js';
import { waitFor } from '../support/wait.js';

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The gaps between the first `count` ticks of a fresh interval of `ms`. */
async function gaps(ms: number, count: number): Promise<number[]> {
  const ticks: number[] = [];
  const id = keepaliveTimer.set(() => ticks.push(performance.now()), ms);
  const started = performance.now();
  await waitFor(() => ticks.length >= count, { message: `${count} ticks`, timeout: ms * count * 2 });
  keepaliveTimer.clear(id);
  return [ticks[0] - started, ...ticks.slice(1, count).map((t, i) => t - ticks[i])];
}

describe('transport/keepalive-timer where the page refuses its worker', () => {
  const RealWorker = globalThis.Worker;
  before(() => {
    globalThis.Worker = class {
      constructor() {
        throw new DOMException('refused by the page', 'SecurityError');
      }
    } as unknown as typeof Worker;
  });
  after(() => {
    globalThis.Worker = RealWorker;
    delete (document as { hidden?: boolean }).hidden;
  });

  it('keeps native timers, exact while visible and half as long (up to a second shorter) while hidden', async () => {
    const visible = await gaps(400, 3);
    setHidden(true);
    await waitFor(() => keepaliveTimerKind() === 'native', { message: 'the refused worker is given up' });
    const hidden = await gaps(400, 3);
    setHidden(false);
    const visibleAgain = await gaps(400, 3);
    for (const gap of [...visible, ...visibleAgain]) expect(gap, `visible: ${visible} / ${visibleAgain}`).to.be.within(380, 600);
    for (const gap of hidden) expect(gap, `hidden: ${hidden}`).to.be.within(180, 330);
  });
});
