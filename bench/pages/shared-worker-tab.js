// A tab's half of the SharedWorker variant (shared-worker-tab.html): asks the worker for one
// filter, shows what it relays with textContent (never markup), publishes on a click.
window.probe.readyAt = performance.timeOrigin + performance.now();
const params = new URLSearchParams(location.search);
const url = params.get('url');
const clientId = params.get('clientId');
const topic = params.get('topic');
const tab = params.get('tab');

// Under `require-trusted-types-for 'script'` the SharedWorker constructor takes only a
// TrustedScriptURL: a policy that lets exactly this worker's URL through.
const workerUrl = new URL('./shared-worker.js', import.meta.url).href;
const policy = globalThis.trustedTypes?.createPolicy('shared-worker', {
  createScriptURL: (u) => {
    if (u !== workerUrl) throw new TypeError(`not the shared worker: ${u}`);
    return u;
  },
});
const worker = new SharedWorker(policy ? policy.createScriptURL(workerUrl) : workerUrl, {
  type: 'module',
  // One worker per broker and client id, as `shared` keys its tabs.
  name: JSON.stringify({ url, clientId }),
});

const statusView = document.getElementById('status');
const valueView = document.getElementById('value');
const pending = new Map();
let nextId = 1;

worker.port.onmessage = ({ data }) => {
  if (data.t === 'status') statusView.textContent = data.status;
  else if (data.t === 'msg') valueView.textContent = data.payload;
  else if (data.t === 'puback') {
    pending.get(data.id)?.(data.error);
    pending.delete(data.id);
  }
};
worker.onerror = () => {
  statusView.textContent = 'error';
};
worker.port.postMessage({ t: 'sub', filter: topic });

document.getElementById('send').addEventListener('click', () => {
  const id = nextId++;
  document.body.dataset.publish = 'pending';
  pending.set(id, (error) => {
    document.body.dataset.publish = error ? 'error' : 'sent';
  });
  worker.port.postMessage({ t: 'pub', id, topic: `${topic}/set`, payload: `from ${tab}`, qos: 1 });
});

// The worker cannot tell when a port's tab is gone: release this tab's subscription.
addEventListener('pagehide', () => worker.port.postMessage({ t: 'bye' }));
