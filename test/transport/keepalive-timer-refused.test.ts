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
 * What the timer asks the page's timers for when MQTT.js sets an interval of `ms`: the delay of
 * the first tick (a `setTimeout`), then the period of the rest (a `setInterval`), and proof that it
 * runs (the first tick). Read from the calls rather than timed: a loaded machine fires timers
 * early or late by tens of ms.
 */
async function scheduleFor(ms: number): Promise<{ first: number; period: number }> {
  const asked = { first: NaN, period: NaN };
  const [realSetTimeout, realSetInterval] = [globalThis.setTimeout, globalThis.setInterval];
  // The first tick's timeout is asked for in set(); the interval in that timeout's callback.
  globalThis.setTimeout = ((callback: () => void, delay: number) => {
    asked.first = Math.round(delay); // (now + first) - now: floating-point noise at most
    return realSetTimeout(() => {
      globalThis.setInterval = ((tick: () => void, period: number) => {
        asked.period = period;
        return realSetInterval(tick, period);
      }) as typeof setInterval;
      try {
        callback();
      } finally {
        globalThis.setInterval = realSetInterval;
      }
    }, delay);
  }) as typeof setTimeout;
  let ticks = 0;
  let id: number;
  try {
    id = keepaliveTimer.set(() => ticks++, ms);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  await waitFor(() => ticks > 0, { message: 'a first tick', timeout: ms * 10 });
  keepaliveTimer.clear(id);
  return asked;
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

  // MQTT.js asks for half its keepalive and pings on the second tick. The first tick comes early
  // so that the ping leaves a quarter of the keepalive early (keepalive-timer.test.ts); while
  // hidden, both are asked for half a period or a second sooner, for the whole-second wake-ups.
  it('keeps native timers: the first tick early, the period exact while visible, both sooner while hidden', async () => {
    expect(await scheduleFor(3000), 'visible, keepalive 6 s: ticks at 1.5 s, 4.5 s (the ping), 7.5 s').to.deep.equal({ first: 1500, period: 3000 });
    expect(await scheduleFor(400), 'visible, keepalive 0.8 s: ping after half of it').to.deep.equal({ first: 0, period: 400 });
    setHidden(true);
    await waitFor(() => keepaliveTimerKind() === 'native', { message: 'the refused worker is given up' });
    expect(await scheduleFor(400), 'hidden: half').to.deep.equal({ first: 0, period: 200 });
    expect(await scheduleFor(3000), 'hidden, keepalive 6 s: a second sooner').to.deep.equal({ first: 500, period: 2000 });
    setHidden(false);
    expect(await scheduleFor(400), 'visible again').to.deep.equal({ first: 0, period: 400 });
  });

  // Started while visible, an interval would otherwise keep its exact times once hidden, each
  // tick then up to a second late, and ping late behind a proxy until MQTT.js's next reschedule.
  it('asks a running interval again for its next tick, a second sooner, when the page is hidden', () => {
    const id = keepaliveTimer.set(() => {}, 3000); // keepalive 6 s: its first tick due in 1.5 s
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((callback: () => void, delay: number) => {
      delays.push(delay);
      return realSetTimeout(callback, delay);
    }) as typeof setTimeout;
    try {
      setHidden(true);
    } finally {
      globalThis.setTimeout = realSetTimeout;
      keepaliveTimer.clear(id);
      setHidden(false);
    }
    expect(delays, 'one timer asked again').to.have.length(1);
    expect(delays[0]).to.be.within(400, 500);
  });
});
