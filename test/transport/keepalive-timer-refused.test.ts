// The keepalive timer (src/transport/keepalive-timer.ts) in a page that refuses its worker, as a
// CSP without blob: workers does: native timers stay, and an interval started while the page is
// hidden runs shorter, so that Chromium's whole-second wake-ups of hidden tabs land it on time
// (measured against a broker in test/e2e/background.test.js). Its own file: the worker is tried
// once per page, and the other file's page accepts it.
import { expect } from '@open-wc/testing';
import { keepaliveTimer, keepaliveTimerKind } from '../../src/transport/keepalive-timer.js';
import { restoreVisibility, setHidden } from '../support/visibility.js';
import { waitFor } from '../support/wait.js';

/**
 * The period the timer asks the page's `setInterval` for when MQTT.js sets an interval of `ms`,
 * and proof that it runs (its first tick). The period is read from the call rather than timed:
 * a loaded machine fires intervals early or late by tens of ms.
 */
async function periodFor(ms: number): Promise<number> {
  const asked: number[] = [];
  const realSetInterval = globalThis.setInterval;
  globalThis.setInterval = ((callback: () => void, period: number) => {
    asked.push(period);
    return realSetInterval(callback, period);
  }) as typeof setInterval;
  let ticks = 0;
  let id: number;
  try {
    id = keepaliveTimer.set(() => ticks++, ms);
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  await waitFor(() => ticks > 0, { message: 'a first tick', timeout: ms * 10 });
  keepaliveTimer.clear(id);
  expect(asked, 'one native interval').to.have.length(1);
  return asked[0]!;
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
    restoreVisibility();
  });

  // MQTT.js asks for half its keepalive and pings on the second tick. The period run is the one
  // that pings early for a proxy (keepalive-timer.test.ts), then, while hidden, half as long or a
  // second shorter for the whole-second wake-ups.
  it('keeps native timers, early for a proxy while visible and half as long (up to a second shorter) while hidden', async () => {
    expect(await periodFor(400), 'visible, keepalive 0.8 s: ping at 0.4 s').to.equal(200);
    setHidden(true);
    await waitFor(() => keepaliveTimerKind() === 'native', { message: 'the refused worker is given up' });
    expect(await periodFor(400), 'hidden: half').to.equal(100);
    expect(await periodFor(3000), 'hidden, keepalive 6 s: ping at 4.5 s, a second shorter').to.equal(1250);
    setHidden(false);
    expect(await periodFor(400), 'visible again').to.equal(200);
  });
});
