// Helpers every benchmark page shares. A classic script, loaded before anything else on the
// page, so that it costs the same on every variant and is never part of what is measured.
window.bench = {
  params: Object.fromEntries(new URLSearchParams(location.search)),

  /** The payload of message `seq`, as scripts/mqtt-wire.js's payloadOf makes it. */
  payloadOf(seq, size = 100) {
    return String(seq).padEnd(size, '.');
  },

  /**
   * Resolves with performance.now() at the first check that passes. Polled every `everyMs` ms:
   * an observer on the measured DOM would add work to every message it watches.
   */
  waitFor(check, timeoutMs = 60000, everyMs = 10) {
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      const tick = () => {
        let ok = false;
        try {
          ok = check();
        } catch {
          ok = false;
        }
        if (ok) return resolve(performance.now());
        if (performance.now() > deadline) return reject(new Error('bench.waitFor: timed out'));
        setTimeout(tick, everyMs);
      };
      tick();
    });
  },

  /**
   * P1: arms the clock for `total` messages going round-robin to `views.length` topics (the
   * runner publishes only once this returned). `bench.done` then resolves with the ms from now
   * until every view shows the last message of its topic.
   */
  go(total) {
    const views = this.views;
    const n = views.length;
    const expected = views.map((_, i) => this.payloadOf(total - n + i));
    const t0 = performance.now();
    this.done = this.waitFor(() => views.every((v, i) => v.textContent === expected[i])).then((t) => t - t0);
  },

  /**
   * P2 over the wire: arms the clock for messages to the view at `index`, the last one `lastSeq`;
   * `bench.done` resolves with the ms until that view shows it.
   */
  goOne(lastSeq, index) {
    const view = this.views[index];
    const last = this.payloadOf(lastSeq);
    const t0 = performance.now();
    this.done = this.waitFor(() => view.textContent === last).then((t) => t - t0);
  },
};
