/**
 * When and where one client tries again (README, `<mqtt-connection>`: Reconnects). MQTT.js would retry every
 * `reconnectPeriod`, forever, at one URL; this schedule takes its reconnects over
 * (transport/mqtt-internals.ts) and decides instead:
 * - when: the first retry after `period`, each further one after a random delay between 0 and
 *   double the last bound, up to `max` (full jitter); a CONNACK starts again from `period`;
 *   `now()` (the browser came back online, the page became visible) tries at once;
 * - where: the next URL of the list after each failed attempt or lost connection (round robin),
 *   or the URL a credentials function answers, or the node of the list a broker redirected to
 *   (server-reference.ts: never a node the page did not name);
 * - with what: fresh credentials from the `credentials` function before every attempt.
 * No DOM.
 */
import type { MqttElementsError, MqttErrorInit } from '../errors.js';
import { takeOverReconnects } from '../transport/mqtt-internals.js';
import type { Attempt } from './attempt.js';
import { freshLogin } from './credentials.js';
import { resolveBrokerUrl, type ClientPlan } from './options.js';
import { followLoaded } from './lazy-references.js';
import type { CredentialsProvider } from './settings.js';

/**
 * How long retry number `retries` (0 for the first since the last CONNACK) waits, ms: `period`
 * first, then a random share of a bound that doubles each time, up to `max` (full jitter).
 */
export function backoffDelay(retries: number, period: number, max: number, random: () => number = Math.random): number {
  if (retries === 0) return period;
  const bound = Math.min(max, period * 2 ** Math.min(retries, 30));
  return Math.floor(random() * bound);
}

/** ms after a wake (online, visible, resumed) in which a lost connection is retried at once. */
export const WAKE_MS = 3000;

/** How a client retries. */
export interface RetryPlan {
  /** The broker URLs, tried in turn; the first is the one connected to first. */
  urls: string[];
  /** ms before the first retry; 0: never retry. */
  period: number;
  /** ms, the longest delay between two attempts. */
  max: number;
  credentials?: CredentialsProvider | undefined;
  /** Resolves a URL a credentials function answered (throws `invalid-url`, `insecure-url`). */
  resolveUrl(url: string): string;
  /** The page's URL: a redirect to `ws://` from an https page is `insecure-url`. */
  pageUrl?: string | undefined;
  /** A number in [0, 1): Math.random unless a test fixes it. */
  random?: () => number;
}

/** What the schedule does to its client. */
export interface RetryTarget {
  /** False once the client is no longer the connection's: nothing more is done for it. */
  live(): boolean;
  /** Sets username/password in the client's options before its CONNECT. */
  setCredentials(credentials: { username?: string; password?: string }): void;
  /** Points the next attempt at `url`. */
  retarget(url: string): void;
  /** MQTT.js's reconnect: emits `reconnect` and connects. */
  reconnect(): void;
  /** A credentials function failed before an attempt (the schedule goes on). */
  failed(error: MqttElementsError): void;
}

/** One client's retries. */
export class RetrySchedule {
  readonly #plan: RetryPlan;
  readonly #target: RetryTarget;
  /** Index into `urls` of the URL in use. */
  #at = 0;
  /** The URL of the current (or last) attempt. */
  #url: string;
  /** Retries since the last CONNACK. */
  #retries = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #redirect?: string;
  #attempting = false;
  /** When {@link now} found nothing waiting (Date.now()). */
  #wokeAt = -Infinity;

  constructor(plan: RetryPlan, target: RetryTarget, firstUrl = plan.urls[0]!) {
    this.#plan = plan;
    this.#target = target;
    this.#url = firstUrl;
  }

  /** The URL of the current or last attempt. */
  get url(): string {
    return this.#url;
  }

  /** The client connected: the next outage starts again from `period`. */
  connected(): void {
    this.#retries = 0;
    this.#cancel();
  }

  /** An attempt failed or the connection was lost: the next URL, after the next delay. */
  down(): void {
    if (this.#plan.period <= 0 || this.#timer !== undefined || this.#attempting) return;
    if (this.#redirect === undefined && this.#plan.urls.length > 1) this.#at = (this.#at + 1) % this.#plan.urls.length;
    const { period, max, random = Math.random } = this.#plan;
    // One loss right after a wake goes at once; the wake is used up, so a broker that keeps
    // refusing is not hammered.
    const woken = Date.now() - this.#wokeAt < WAKE_MS;
    this.#wokeAt = -Infinity;
    const delay = this.#redirect !== undefined || woken ? 0 : backoffDelay(this.#retries, period, max, random);
    this.#timer = setTimeout(() => this.#attempt(), delay);
  }

  /**
   * The broker sent this client elsewhere (an MQTT 5 server reference, as the broker wrote it):
   * if it names a node of the url list, the next attempt goes there, at once. Anything else is
   * not followed, and the refusal (`redirect-refused`, `insecure-url`) is returned for the
   * caller to report; the schedule goes on over the list as after any other loss.
   */
  redirect(reference: unknown, via: string, init?: MqttErrorInit): MqttElementsError | undefined {
    const { urls, pageUrl } = this.#plan;
    const outcome = followLoaded({ reference, current: this.#url, urls, pageUrl, via, ...(init ? { init } : {}) });
    if (outcome.error) return outcome.error;
    this.#redirect = outcome.url;
    // The next failure moves on from that node, round robin as usual.
    this.#at = Math.max(0, urls.indexOf(outcome.url));
    return undefined;
  }

  /**
   * The browser is online again, or the page visible or resumed: waiting for a retry, try at
   * once; otherwise the first loss within {@link WAKE_MS} is retried at once. A page resumed from
   * a freeze, or back on the network, often learns that its socket died only after the event.
   */
  now(): void {
    if (this.#timer === undefined) {
      this.#wokeAt = Date.now();
      return;
    }
    this.#cancel();
    this.#attempt();
  }

  /** No more attempts for this client. */
  stop(): void {
    this.#cancel();
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #attempt(): Promise<void> {
    this.#timer = undefined;
    const target = this.#target;
    if (!target.live()) return;
    this.#retries++;
    let url = this.#redirect ?? this.#plan.urls[this.#at]!;
    this.#redirect = undefined;
    if (this.#plan.credentials) {
      this.#attempting = true;
      try {
        const fresh = await freshLogin(this.#plan.credentials, this.#plan.resolveUrl);
        if (!target.live()) return;
        url = fresh.url ?? url;
        target.setCredentials(fresh.login);
      } catch (e) {
        if (!target.live()) return;
        target.failed(e as MqttElementsError);
        this.#attempting = false;
        return this.down();
      } finally {
        this.#attempting = false;
      }
    }
    this.#url = url;
    target.retarget(url);
    target.reconnect();
  }
}

/** What {@link retryFor} needs from the connection. */
export interface RetryHooks {
  credentials?: CredentialsProvider | undefined;
  /** The page a URL from the credentials function resolves against. */
  pageUrl?: string | undefined;
  /** A credentials function failed before a retry (reported once per outage by the attempt). */
  failed(error: MqttElementsError): void;
}

/**
 * The retries of an attempt's client: MQTT.js's own reconnect timer no longer reconnects it. The
 * schedule changes the client only through the attempt (`retarget`, `login`), which alone owns
 * its URL, and stops once the attempt is halted or over.
 */
export function retryFor(attempt: Attempt, plan: ClientPlan, hooks: RetryHooks): RetrySchedule | undefined {
  const { client } = attempt;
  if (!client) return undefined;
  const reconnect = takeOverReconnects(client);
  const retryPlan: RetryPlan = {
    urls: plan.urls,
    period: client.options.reconnectPeriod ?? 1000,
    max: plan.reconnectMax,
    credentials: hooks.credentials,
    resolveUrl: (url) => resolveBrokerUrl(url, hooks.pageUrl),
    pageUrl: hooks.pageUrl,
  };
  const target: RetryTarget = {
    // Nothing to do once the attempt is over or halted, or its client connected again meanwhile.
    live: () => !attempt.stopped && !client.connected && !client.disconnecting,
    setCredentials: (credentials) => attempt.login(credentials),
    retarget: (url) => attempt.retarget(url),
    reconnect,
    failed: hooks.failed,
  };
  const schedule = new RetrySchedule(retryPlan, target, attempt.url);
  attempt.schedule(schedule);
  return schedule;
}
