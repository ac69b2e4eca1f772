/**
 * The small worker keepalive-timer.ts moves MQTT.js's keepalive intervals into while the page is
 * hidden, where background throttling does not reach: loaded the first time the page is hidden
 * (a page that is never hidden never downloads it). It is tried once per page: if the page allows
 * it (the worker answers), keepalive-timer.ts runs intervals in it; if the page refuses it (an
 * exception, an `error`, or no answer within a second), native timers stay, and nothing fails.
 * Imports nothing of the package. No DOM but `Worker`, `Blob` and `URL`.
 */

/**
 * The worker: `[1, id, ms, first]` starts an interval of `ms` whose first tick comes after `first`
 * and posts `id` at each, `[0, id]` stops it, `[2]` is answered with 0.
 */
const WORKER_SOURCE =
  'const t=new Map;onmessage=({data:[o,i,m,f]})=>{if(o===1)t.set(i,setTimeout(()=>{t.set(i,setInterval(()=>postMessage(i),m));' +
  'postMessage(i)},f));else if(o===0){clearInterval(t.get(i));t.delete(i)}else postMessage(0)}';

/** How long the worker may take to answer before native timers are kept for good. */
const PROBE_MS = 1000;

/** What keepalive-timer.ts hears of its worker. */
export interface WorkerHost {
  /** The worker answered: intervals may run in it (`[1, id, ms, first]`, `[0, id]`). */
  ready(worker: Worker): void;
  /** The page refused it, or it failed later: native timers for good (its intervals move back). */
  refused(): void;
  /** The interval `id` ticked in the worker. */
  tick(id: number): void;
}

/** Starts the worker and tells `host` whether the page allows it. */
export function startWorker(host: WorkerHost): void {
  let url: string | undefined;
  let worker: Worker | undefined;
  const refuse = () => {
    worker?.terminate();
    worker = undefined;
    if (url) URL.revokeObjectURL(url);
    host.refused();
  };
  try {
    url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    // Under Trusted Types this throws (a string URL for a Worker); under a CSP without blob:
    // workers it fails with an `error` event, or not at all and just never answers.
    worker = new Worker(url);
  } catch {
    return refuse();
  }
  const timeout = setTimeout(refuse, PROBE_MS);
  worker.onerror = () => {
    clearTimeout(timeout);
    refuse();
  };
  worker.onmessage = ({ data }: MessageEvent<number>) => {
    if (data !== 0) return host.tick(data);
    clearTimeout(timeout);
    host.ready(worker!);
  };
  worker.postMessage([2]);
}
