// What the background-tab test reads from a page (test/e2e/background.test.js): when it was
// hidden, frozen and resumed, how late its own chained 1 s interval fired (the proof that the
// browser throttles it), and every status change of the connection on it.
window.probe = {
  /** `hidden@12345`, `freeze@…`, `resume@…`, in page milliseconds. */
  lifecycle: [],
  /** `connected@…`, `offline@…`: `mqtt-status` events, or MQTT.js's own events on the hand-written page. */
  status: [],
  ticks: 0,
  maxGap: 0,
  lastTick: performance.now(),
  /** The longest wait between two ticks so far, counting the one still running. */
  longestGap() {
    return Math.round(Math.max(this.maxGap, performance.now() - this.lastTick));
  },
  note(list, what) {
    list.push(`${what}@${Math.round(performance.now())}`);
  },
};
setInterval(() => {
  const now = performance.now();
  window.probe.maxGap = Math.max(window.probe.maxGap, now - window.probe.lastTick);
  window.probe.lastTick = now;
  window.probe.ticks++;
}, 1000);
document.addEventListener('visibilitychange', () => window.probe.note(window.probe.lifecycle, document.visibilityState));
for (const type of ['freeze', 'resume']) document.addEventListener(type, () => window.probe.note(window.probe.lifecycle, type));
document.addEventListener('mqtt-status', (event) => window.probe.note(window.probe.status, event.detail.status));
