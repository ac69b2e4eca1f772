// The keepalive timer (src/transport/keepalive-timer.ts) in a real page: native timers while the
// page is visible, a worker of its own once the page is hidden, the running intervals moved
// into it. No broker. (Strict CSP pages, where the worker is refused: test/e2e/csp.test.js.)
import { expect } from '@open-wc/testing';
import { firstTick, keepaliveTimer, keepaliveTimerKind, pingAfter } from '../../src/transport/keepalive-timer.js';
import { restoreVisibility, setHidden } from '../support/visibility.js';
import { waitFor } from '../support/wait.js';

describe('transport/keepalive-timer', () => {
  after(() => {
    restoreVisibility();
  });

  // A proxy that closes after `keepalive` s without traffic from the broker must see the
  // PINGRESP first (README: Behind a reverse proxy): the ping leaves a quarter early.
  it('pings a quarter of the keepalive early: at least 1 s, at most half', () => {
    const seconds = (keepalive: number) => pingAfter(keepalive * 1000) / 1000;
    expect([60, 30, 10, 4, 3, 2, 1].map(seconds)).to.deep.equal([45, 22.5, 7.5, 3, 2, 1, 0.5]);
    // MQTT.js asks for half the keepalive and pings on its second tick: the first comes early, so
    // that the second lands there; the third (MQTT.js giving up) still half a keepalive after it.
    expect(firstTick(30000) + 30000, 'keepalive 60 s').to.equal(45000);
    expect(firstTick(2000) + 2000, 'keepalive 4 s').to.equal(3000);
    expect(firstTick(1000), 'keepalive 2 s: at once').to.equal(0);
  });

  it('runs on native timers while the page is visible, and makes no worker', async () => {
    const ticks: number[] = [];
    const id = keepaliveTimer.set(() => ticks.push(performance.now()), 20);
    await waitFor(() => ticks.length >= 3, { message: '3 ticks' });
    keepaliveTimer.clear(id);
    const seen = ticks.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ticks.length, 'no tick after clear').to.equal(seen);
    expect(keepaliveTimerKind()).to.equal('native');
  });

  it('moves a running interval into its worker once the page is hidden, and later ones start there', async () => {
    let early = 0;
    const running = keepaliveTimer.set(() => early++, 20);
    setHidden(true);
    expect(keepaliveTimerKind()).to.equal('deciding');
    await waitFor(() => keepaliveTimerKind() === 'worker', { message: 'the worker answered' });
    const before = early;
    await waitFor(() => early >= before + 3, { message: 'the moved interval ticks on, from the worker' });
    let late = 0;
    const started = keepaliveTimer.set(() => late++, 20);
    await waitFor(() => late >= 3, { message: 'a new interval ticks from the worker' });
    keepaliveTimer.clear(running);
    keepaliveTimer.clear(started);
    // Cleared in the worker: the counts stop (a message already posted may still arrive).
    await new Promise((resolve) => setTimeout(resolve, 60));
    const [a, b] = [early, late];
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([early, late]).to.deep.equal([a, b]);
    setHidden(false);
  });
});
