// What both P7 dashboard pages share: the topics they show, and the measuring (long frames,
// frames drawn, what the page shows at the end). A classic script after common.js, identical on
// both pages, so it costs the same on each and none of it runs per message.
(() => {
  const { prefix } = bench.params;
  // Topic layout (bench/run.js publishes the same): 100 single values, 10 groups of 20 devices
  // shown as rows, 4 groups of 5 series charted. `level` is the topic level naming a device.
  const VALUES = 100;
  const GROUPS = 10;
  const DEVICES = 20;
  const CHARTS = 4;
  const SERIES = 5;
  const level = prefix.split('/').length + 2;
  const layout = {
    values: Array.from({ length: VALUES }, (_, i) => `${prefix}/v/${i}`),
    rowFilters: Array.from({ length: GROUPS }, (_, g) => `${prefix}/r/${g}/+`),
    chartFilters: Array.from({ length: CHARTS }, (_, c) => `${prefix}/c/${c}/+`),
    devices: DEVICES,
    series: SERIES,
    level,
    decimals: 1,
    thresholds: '30 70',
  };

  // Long animation frames (Chromium's LoAF): every frame over 50 ms, whatever delayed it.
  let frames = [];
  let measuring = false;
  try {
    new PerformanceObserver((list) => {
      if (measuring) frames.push(...list.getEntries().map((e) => ({ duration: e.duration, blocking: e.blockingDuration ?? 0 })));
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {
    // No LoAF (not Chromium): the rAF gaps below still count long frames.
  }
  let drawn = 0;
  let gaps = 0;
  let last = 0;
  const tick = (now) => {
    if (!measuring) return;
    drawn++;
    if (last && now - last > 50) gaps++;
    last = now;
    requestAnimationFrame(tick);
  };

  /**
   * What the page shows: each single value's text and level, each row's topic, text and level,
   * each chart's summary lines, and how many points the charts hold. Each page says how to read
   * its DOM (`shown`); the comparison with what was published is done in Node.
   */
  const dash = {
    layout,
    start() {
      frames = [];
      drawn = 0;
      gaps = 0;
      last = 0;
      measuring = true;
      requestAnimationFrame(tick);
    },
    stop() {
      measuring = false;
      const long = frames.filter((f) => f.duration > 50);
      return {
        longFrames: long.length,
        longestFrame: Math.max(0, ...long.map((f) => f.duration)),
        blockingMs: long.reduce((sum, f) => sum + f.blocking, 0),
        framesDrawn: drawn,
        rafGaps: gaps,
      };
    },
    /** Resolves once every single value and row shows its text in `expected` (`{topic: text}`). */
    settled(expected, timeoutMs = 30000) {
      const topics = Object.keys(expected);
      return bench.waitFor(
        () => {
          const { values, rows } = dash.shown();
          const now = new Map([...values, ...rows].map(([topic, text]) => [topic, text]));
          return topics.every((t) => now.get(t) === expected[t]);
        },
        timeoutMs,
        20,
      );
    },
  };
  bench.dash = dash;
})();
