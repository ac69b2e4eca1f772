/**
 * The interval timer MQTT.js's keepalive runs on (its `timerVariant` option takes `{set, clear}`).
 *
 * MQTT.js's default (`'auto'`) starts a `blob:` Worker through worker-timers at the first CONNACK.
 * A page whose CSP enforces Trusted Types then throws inside the handshake and never connects;
 * one that forbids `blob:` workers connects but never sends PINGREQ and is dropped every
 * 1.5 × keepalive. Native timers work under any CSP but are throttled in background tabs (to
 * once a minute in Chromium after a while), which can miss a keepalive.
 *
 * So: native timers while the page is visible, where they are exact. The first time the page is
 * hidden, a small worker of our own is tried, once per page (keepalive-worker.ts, whose code
 * loads then): if the page allows it (the worker
 * answers), the running intervals move into it, and so do later ones, where background throttling
 * does not reach; if the page refuses it (an exception, an `error`, or no answer within a
 * second), native timers stay, and nothing fails. A page whose CSP refuses it logs that one
 * refusal when it is first hidden, and visible pages under any CSP never see one.
 *
 * Native timers in a hidden tab: Chromium runs them only on whole-second wake-ups, so an interval
 * started just after one fires a whole second late, every time; MQTT.js pings on its second tick,
 * so a 2 s keepalive pinged every 4 s there and the broker dropped it (its limit is 1.5 ×
 * keepalive; measured in test/e2e/background.test.js). An interval started while the page is
 * hidden therefore runs up to a second (at most half) shorter, so that the rounding up lands it
 * on time, and one running when the page is hidden is asked again for its next tick. They stay
 * two ticks per ping: MQTT.js starts a fresh interval at each PINGRESP, from a socket task, so the
 * chain never gets long enough for Chromium's once-a-minute intensive throttling.
 *
 * Pings early enough for a proxy (README: Behind a reverse proxy). MQTT.js asks for an interval
 * of half the keepalive, pings on its second tick and gives up on its third, and starts a fresh
 * interval at the CONNACK, each PINGRESP and each acknowledgement: its ping goes out a keepalive
 * after the broker was last heard from (or sooner: a message from the broker does not restart it).
 * A proxy that closes a connection after `keepalive` seconds without traffic from the broker
 * (nginx's default 60 s against the default keepalive of 60 s) closes it just before the PINGRESP
 * would pass. So the first tick of every interval here comes early, and the ticks after it keep
 * the period asked: the PINGREQ goes out a quarter of the keepalive early (at least 1 s, at most
 * half; {@link pingAfter}), which is the time its PINGRESP has to pass the proxy, and the PINGRESP
 * still has the half keepalive MQTT.js gives it. (A shorter period would have taken that from it:
 * a 1 s keepalive on a loaded machine then timed out its own PINGRESPs.) An interval moved into or
 * out of the worker keeps the time its next tick is due. In a hidden tab on native timers each
 * tick is asked for up to a second sooner for the whole-second wake-ups, which fire it less than
 * a second late: the ping still leaves by `pingAfter` (keepalive 4 s and more; at 2 s, every 2 s).
 */

type Tick = () => void;

/** MQTT.js's timer shape for `timerVariant`. */
export interface IntervalTimer {
  set(callback: Tick, ms: number): number;
  clear(id: number): void;
}

let worker: Worker | undefined;
/** `trying` while the worker has not answered yet; `ready` once it has; `refused` for good. */
let state: 'untried' | 'trying' | 'ready' | 'refused' = 'untried';
let nextId = 1;
/** One of MQTT.js's intervals: its period, and when its next tick is due (`performance.now()`). */
interface Interval {
  readonly callback: Tick;
  readonly ms: number;
  due: number;
  /** The page's timer while it runs on native timers: the first tick's timeout, then the interval. */
  handle?: ReturnType<typeof setTimeout>;
}
/** Intervals running in the worker, by id. */
const inWorker = new Map<number, Interval>();
/** Intervals running on the page's own timers, by id. */
const native = new Map<number, Interval>();
let watching = false;

/**
 * Follows the page's visibility: the running native intervals are asked again for the time their
 * next tick is due (sooner while hidden, exact while visible), and the worker is tried the first
 * time the page is hidden (now, if it already is).
 */
function watchVisibility(): void {
  watching = true;
  const doc = globalThis.document;
  if (!doc) return;
  const tryOnce = () => {
    if (doc.hidden && state === 'untried' && typeof Worker === 'function' && typeof Blob === 'function') tryWorker();
  };
  doc.addEventListener('visibilitychange', () => {
    for (const [id, interval] of native) {
      clearInterval(interval.handle);
      runNative(id, interval);
    }
    tryOnce();
  });
  tryOnce();
}

/**
 * When MQTT.js's PINGREQ goes out, in ms after the broker was last heard from, for a keepalive of
 * `keepaliveMs`: a quarter early, at least 1 s and at most half (60 s: 45 s; 4 s: 3 s; 2 s: 1 s).
 */
export function pingAfter(keepaliveMs: number): number {
  return keepaliveMs - Math.min(keepaliveMs / 2, Math.max(1000, keepaliveMs / 4));
}

/** When the first tick of MQTT.js's interval of `ms` (half its keepalive) comes: the second, the ping, then comes at {@link pingAfter}. */
export function firstTick(ms: number): number {
  return pingAfter(2 * ms) - ms;
}

/** Ticks now; the next tick is due a period later. */
function tick(interval: Interval): void {
  interval.due = performance.now() + interval.ms;
  interval.callback();
}

/** How much sooner a native timer is asked for: none while visible, enough for whole-second wake-ups while hidden. */
function nativeAdvance(ms: number, hidden = globalThis.document?.hidden === true): number {
  return hidden ? Math.min(1000, ms / 2) : 0;
}

function runNative(id: number, interval: Interval, now = performance.now()): void {
  native.set(id, interval);
  const advance = nativeAdvance(interval.ms);
  interval.handle = setTimeout(
    () => {
      // The interval first: a tick may clear it (MQTT.js giving up), which must find this handle.
      interval.handle = setInterval(() => tick(interval), interval.ms - advance);
      tick(interval);
    },
    Math.max(0, interval.due - now - advance),
  );
}

function runInWorker(id: number, interval: Interval, now = performance.now()): void {
  inWorker.set(id, interval);
  worker!.postMessage([1, id, interval.ms, Math.max(0, interval.due - now)]);
}

/** Tries the worker (keepalive-worker.ts, loaded now: a page never hidden never downloads it). */
function tryWorker(): void {
  state = 'trying';
  const refused = () => {
    state = 'refused';
    worker = undefined;
    // A worker that fails after it was in use: its intervals go on, on the page's own timers.
    for (const [id, interval] of inWorker) runNative(id, interval);
    inWorker.clear();
  };
  // Not core/load-part.ts's loadPart (transport/ is below core/): a failure here is no error of anything.
  import('./keepalive-worker.js').then(
    ({ startWorker }) =>
      startWorker({
        ready(answered) {
          worker = answered;
          state = 'ready';
          // The intervals already running move into the worker.
          for (const [id, interval] of native) {
            clearInterval(interval.handle);
            runInWorker(id, interval);
          }
          native.clear();
        },
        refused,
        tick(id) {
          const interval = inWorker.get(id);
          if (interval) tick(interval);
        },
      }),
    // Its code did not arrive (offline while hidden): native timers, as when the page refuses it.
    refused,
  );
}

/** The keepalive timer every connection of this page shares; an interval's first tick comes at {@link firstTick}. */
export const keepaliveTimer: IntervalTimer = {
  set(callback, ms) {
    const id = nextId++;
    const now = performance.now();
    const interval: Interval = { callback, ms, due: now + firstTick(ms) };
    if (!watching) watchVisibility();
    if (state === 'ready' && worker) runInWorker(id, interval, now);
    else runNative(id, interval, now);
    return id;
  },
  clear(id) {
    const running = native.get(id);
    if (running) {
      // The first tick's timeout or the interval: one list of timers in HTML, cleared by either call.
      clearInterval(running.handle);
      native.delete(id);
    } else if (inWorker.delete(id)) {
      worker?.postMessage([0, id]);
    }
  },
};

/** Which timers new intervals use now (for tests and diagnostics). */
export function keepaliveTimerKind(): 'worker' | 'native' | 'deciding' {
  return state === 'ready' ? 'worker' : state === 'trying' ? 'deciding' : 'native';
}
