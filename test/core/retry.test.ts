// When and where a client tries again (src/core/retry.ts): backoff with full jitter, round robin
// over several URLs, redirects, an attempt at once on request, credentials before every attempt.
// Pure: a fake target stands for the client. No broker.
import { expect } from '@open-wc/testing';
import { resolveBrokerUrl } from '../../src/core/options.js';
import { backoffDelay, RetrySchedule, WAKE_MS, type RetryPlan, type RetryTarget } from '../../src/core/retry.js';
import { MqttElementsError } from '../../src/errors.js';
import { waitFor } from '../support/wait.js';
import { loadReferences } from '../../src/core/lazy-references.js';

const A = 'ws://a.test/mqtt';
const B = 'ws://b.test/mqtt';
const C = 'ws://c.test/mqtt';

/** A target that records every attempt: the URL it was pointed at and the credentials set. */
function target(): RetryTarget & { attempts: string[]; credentials: unknown[]; failures: MqttElementsError[]; alive: boolean } {
  let url = '';
  const t = {
    attempts: [] as string[],
    credentials: [] as unknown[],
    failures: [] as MqttElementsError[],
    alive: true,
    live: () => t.alive,
    setCredentials: (c: unknown) => t.credentials.push(c),
    retarget: (u: string) => {
      url = u;
    },
    reconnect: () => t.attempts.push(url),
    failed: (e: MqttElementsError) => t.failures.push(e),
  };
  return t;
}

function plan(overrides: Partial<RetryPlan> = {}): RetryPlan {
  return { urls: [A], period: 1, max: 1, resolveUrl: (u) => u, ...overrides };
}

describe('core/retry', () => {
  // The references' code loads before an MQTT 5 connection's first attempt (core/lazy-references.ts).
  before(() => loadReferences());

  describe('backoff', () => {
    it('waits reconnect-period first, then a random share of a bound that doubles up to reconnect-max', () => {
      const half = () => 0.5;
      const delays = [0, 1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, 1000, 6000, half));
      // Bounds: 2000, 4000, 8000 → 6000 (capped), and so on, however many retries.
      expect(delays).to.deep.equal([1000, 1000, 2000, 3000, 3000, 3000, 3000]);
      expect(backoffDelay(3, 1000, 6000, () => 0)).to.equal(0);
      expect(backoffDelay(3, 1000, 6000, () => 0.9999)).to.equal(5999);
    });

    it('with the defaults, a dead URL gets a handful of attempts in its first minute, not sixty', () => {
      // Expected attempts in 60 s: period 1000, max 30000, uniform jitter (the mean of each delay).
      let elapsed = 0;
      let attempts = 0;
      for (let n = 0; elapsed < 60000; n++) {
        elapsed += backoffDelay(n, 1000, 30000, () => 0.5);
        if (elapsed < 60000) attempts++;
      }
      expect(attempts).to.be.within(5, 10);
    });

    it('attempts fewer times than a fixed period would, and starts again from the period after a CONNACK', async () => {
      const t = target();
      // A short period and a long max, so that the contrast survives a loaded machine's timer lag.
      const schedule = new RetrySchedule(plan({ period: 5, max: 640, random: () => 1 - Number.EPSILON }), t);
      const started = performance.now();
      const times: number[] = [];
      const reconnect = t.reconnect;
      t.reconnect = () => {
        reconnect();
        times.push(performance.now() - started);
        if (times.length < 6) schedule.down(); // each attempt fails
      };
      schedule.down();
      await waitFor(() => times.length === 6, { timeout: 5000, message: '6 attempts' });
      const gaps = times.map((t0, i) => t0 - (i ? times[i - 1]! : 0));
      // 5, then just under 10, 20, 40, 80, 160 (the bound doubles). Lower bounds only: a timer
      // may fire late, never early.
      expect(gaps[4], `gaps ${gaps.map(Math.round).join(', ')}`).to.be.at.least(75);
      expect(gaps[5]).to.be.at.least(155);
      schedule.connected();
      const before = performance.now();
      t.reconnect = () => {
        reconnect();
        times.push(performance.now() - before);
      };
      schedule.down();
      await waitFor(() => times.length === 7);
      // Back to the 5 ms period, far below the 320 ms bound the next retry would have had.
      expect(times[6], 'back to the period after a CONNACK').to.be.below(250);
    });

    it('never retries with reconnect-period 0', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ period: 0 }), t);
      schedule.down();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(t.attempts).to.deep.equal([]);
    });
  });

  describe('failover', () => {
    it('moves to the next URL after each failure or loss, round robin', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ urls: [A, B, C] }), t);
      expect(schedule.url).to.equal(A);
      for (let i = 0; i < 4; i++) {
        schedule.down();
        await waitFor(() => t.attempts.length === i + 1);
      }
      expect(t.attempts).to.deep.equal([B, C, A, B]);
      expect(schedule.url).to.equal(B);
    });

    it('goes to the node of the list the broker redirected to, at once, then on round robin from there', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ urls: [A, B, C], period: 10000, max: 10000 }), t);
      expect(schedule.redirect('c.test', 'DISCONNECT 0x9C'), 'a bare host of the list').to.equal(undefined);
      schedule.down();
      await waitFor(() => t.attempts.length === 1, { timeout: 500, message: 'an attempt without the 10 s period' });
      expect(t.attempts, 'C, not B, which round robin would take').to.deep.equal([C]);
      schedule.down();
      schedule.now(); // not waiting the 10 s out
      expect(t.attempts, 'after C comes A').to.deep.equal([C, A]);
      schedule.stop();
    });

    it('a redirect off the list is refused: no attempt there, and the list goes on after the usual delay', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ urls: [A, B], period: 30, max: 30 }), t);
      const started = performance.now();
      for (const reference of ['ws://evil.test/mqtt', 'ws://a.test@evil.test/mqtt', '%%%', 'evil.test:80']) {
        expect(schedule.redirect(reference, 'DISCONNECT 0x9C')?.code, reference).to.equal('redirect-refused');
      }
      schedule.down();
      await waitFor(() => t.attempts.length === 1, { timeout: 1000 });
      expect(t.attempts, 'the next node of the list').to.deep.equal([B]);
      expect(performance.now() - started, 'after reconnect-period, as after any loss').to.be.at.least(25);
    });

    it('a ws:// redirect from an https page is insecure-url and not followed, even to a listed host', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ urls: ['wss://a.test/mqtt'], pageUrl: 'https://page.test/' }), t, 'wss://a.test/mqtt');
      expect(schedule.redirect('ws://a.test/mqtt', 'CONNACK 0x9D')?.code).to.equal('insecure-url');
      schedule.down();
      await waitFor(() => t.attempts.length === 1);
      expect(t.attempts).to.deep.equal(['wss://a.test/mqtt']);
    });

    it('uses the URL a credentials function answers for that attempt', async () => {
      const t = target();
      let n = 0;
      const schedule = new RetrySchedule(
        plan({ credentials: () => ({ username: 'u', password: `p${++n}`, url: `ws://signed.test/mqtt?sig=${n}` }) }),
        t,
      );
      schedule.down();
      await waitFor(() => t.attempts.length === 1);
      expect(t.attempts).to.deep.equal(['ws://signed.test/mqtt?sig=1']);
      expect(t.credentials).to.deep.equal([{ username: 'u', password: 'p1' }]);
    });
  });

  describe('now()', () => {
    it('tries at once while waiting (online again, page visible), and does nothing otherwise', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ period: 60000 }), t);
      schedule.now();
      expect(t.attempts, 'not waiting: nothing to do').to.deep.equal([]);
      schedule.down();
      schedule.now();
      await waitFor(() => t.attempts.length === 1, { timeout: 500 });
      expect(t.attempts).to.deep.equal([A]);
    });

    it('with nothing waiting, the first loss soon after is retried at once, and only the first', async () => {
      // A page resumed from a freeze hears `resume` first and its socket's close after.
      const t = target();
      // The retry after a failed one waits a random share of 60 s: not one that rounds to nothing
      // (Math.random gave under 100 ms once in a CI run, about 1 in 600).
      const schedule = new RetrySchedule(plan({ period: 60000, max: 60000, random: () => 0.5 }), t);
      schedule.now();
      schedule.down();
      await waitFor(() => t.attempts.length === 1, { timeout: 500, message: 'the loss after the wake retried at once' });
      schedule.down(); // that attempt failed: back to the schedule, 60 s
      await new Promise((r) => setTimeout(r, 100)); // a retry at once would have come by now
      expect(t.attempts, 'the wake is used up').to.have.length(1);
      schedule.stop();
    });

    it('a wake long before the loss changes nothing', async () => {
      const t = target();
      const schedule = new RetrySchedule(plan({ period: 60000, max: 60000 }), t);
      const realNow = Date.now;
      try {
        schedule.now();
        Date.now = () => realNow() + WAKE_MS + 1;
        schedule.down();
      } finally {
        Date.now = realNow;
      }
      await new Promise((r) => setTimeout(r, 100)); // a retry at once would have come by now
      expect(t.attempts).to.deep.equal([]);
      schedule.stop();
    });
  });

  it('stops: no attempt after stop(), none for a target that is no longer live', async () => {
    const t = target();
    const schedule = new RetrySchedule(plan(), t);
    schedule.down();
    schedule.stop();
    const t2 = target();
    t2.alive = false;
    new RetrySchedule(plan(), t2).down();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.attempts).to.deep.equal([]);
    expect(t2.attempts).to.deep.equal([]);
  });

  it("a credentials function's ws:// URL from an https page is insecure-url: not used, and the schedule goes on", async () => {
    const t = target();
    let n = 0;
    const pageUrl = 'https://page.test/';
    const schedule = new RetrySchedule(
      plan({
        credentials: () => ({ password: `p${++n}`, url: n === 1 ? 'ws://signed.test/mqtt' : 'wss://signed.test/mqtt' }),
        resolveUrl: (url) => resolveBrokerUrl(url, pageUrl),
        pageUrl,
      }),
      t,
    );
    schedule.down();
    await waitFor(() => t.attempts.length === 1);
    expect(t.failures.map((e) => e.code)).to.deep.equal(['insecure-url']);
    expect(t.attempts).to.deep.equal(['wss://signed.test/mqtt']);
    expect(t.credentials, 'no credentials set for the refused URL').to.deep.equal([{ password: 'p2' }]);
  });

  it('a failing credentials function is reported and the schedule goes on', async () => {
    const t = target();
    let n = 0;
    const schedule = new RetrySchedule(
      plan({
        credentials: () => {
          if (++n < 3) throw new Error(`token service down (${n})`);
          return { password: 'ok' };
        },
      }),
      t,
    );
    schedule.down();
    await waitFor(() => t.attempts.length === 1);
    expect(t.failures.map((e) => [e.code, e.message])).to.deep.equal([
      ['connection-failed', 'the credentials function failed: token service down (1)'],
      ['connection-failed', 'the credentials function failed: token service down (2)'],
    ]);
    expect(t.credentials).to.deep.equal([{ password: 'ok' }]);
  });
});
