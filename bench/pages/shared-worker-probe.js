// What bench/shared-worker.js reads from both kinds of tab it compares (the elected tab of
// shared-tab-elected.html and the SharedWorker's tab of shared-worker-tab.html): when each text
// first appeared in #value, on the clock Node reads too (performance.timeOrigin + now), and the
// tab's state. A classic script before anything else, so it watches from the first render.
window.probe = {
  /** text -> epoch ms (sub-millisecond) at which #value first showed it */
  seen: {},
  /** when the page's own script had run: the bundle evaluated, or the worker's tab script started */
  readyAt: undefined,
  /** the directives of any CSP violation the page reported */
  violations: [],
  state() {
    const connection = document.querySelector('mqtt-connection');
    return {
      status: connection ? connection.status : document.getElementById('status')?.textContent,
      value: document.getElementById('value')?.textContent ?? '',
      publish: document.querySelector('mqtt-publish')?.status ?? document.body?.dataset.publish,
    };
  },
};
new MutationObserver(() => {
  const text = document.getElementById('value')?.textContent;
  if (text && !(text in window.probe.seen)) window.probe.seen[text] = performance.timeOrigin + performance.now();
}).observe(document, { subtree: true, childList: true, characterData: true });
document.addEventListener('securitypolicyviolation', (e) => window.probe.violations.push(e.effectiveDirective));
// The elected tab's script has run once the bundle defined its elements (a microtask after).
customElements.whenDefined('mqtt-connection').then(() => {
  window.probe.readyAt = performance.timeOrigin + performance.now();
});
