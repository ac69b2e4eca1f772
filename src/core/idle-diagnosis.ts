/**
 * The diagnosis of a proxy's idle timeout (idle-close.ts says what it tells from what), loaded on
 * the first loss of an established connection: a page whose connection is never lost never
 * downloads it. Imports nothing of the package at runtime (a lazy chunk that did would make the
 * bundler split errors.ts out of the entry). Pure, no DOM.
 *
 * The rule: the last {@link STEADY_LOSSES} losses of an established connection each came after
 * a silence within {@link STEADY_TOLERANCE} of their median, of at least {@link MIN_IDLE_MS}.
 * Three, not two: two losses always define an interval, and a message that sends someone to
 * a proxy that is not there costs more than a diagnosis one loss later. ±15 %: a proxy's timer is
 * exact, but the close reaches a busy page late (tens of ms, a second in a throttled tab at most).
 * The silence, not the time connected: a dashboard that gets messages for a while and then none
 * is cut the same time after its last message, however long it was connected.
 */

/** How many losses in a row must agree. */
export const STEADY_LOSSES = 3;
/** How far each silence may be from their median, as a share of it. */
export const STEADY_TOLERANCE = 0.15;
/** Proxies' idle timeouts are whole seconds; shorter silences are something else (a broker refusing at once). */
export const MIN_IDLE_MS = 1000;

/**
 * The silence (ms) after which the last {@link STEADY_LOSSES} losses came, if they agree (the
 * median), else `undefined`. `silences`: for each loss, oldest first, how long the broker had been
 * silent when it happened.
 */
export function steadySilence(silences: readonly number[]): number | undefined {
  if (silences.length < STEADY_LOSSES) return undefined;
  const last = silences.slice(-STEADY_LOSSES);
  const median = [...last].sort((a, b) => a - b)[Math.floor(STEADY_LOSSES / 2)]!;
  if (median < MIN_IDLE_MS) return undefined;
  return last.every((s) => Math.abs(s - median) <= STEADY_TOLERANCE * median) ? median : undefined;
}

/**
 * What the page author reads: the interval, the likely cause, and both fixes. The pings leave a
 * quarter of the keepalive early (transport/keepalive-timer.ts), so a keepalive of the measured
 * interval keeps such a proxy from closing; one that is already there does not, and then only
 * the proxy's timeout can change.
 */
export function idleCloseMessage(silenceMs: number, keepalive: number | undefined): string {
  const seconds = Math.round(silenceMs / 1000);
  const what =
    `the connection was closed every ${seconds} s without traffic from the broker (${STEADY_LOSSES} times in a row): ` +
    'likely an idle timeout in a proxy in front of the broker (nginx: proxy_read_timeout).';
  const proxy = `raise the proxy's idle timeout above ${keepalive ?? 'keepalive'} s`;
  return keepalive && keepalive <= seconds
    ? `${what} keepalive (${keepalive}) is already below it, so its pings do not pass: ${proxy}`
    : `${what} Set keepalive${keepalive ? ` (now ${keepalive})` : ''} to ${seconds} or less, or ${proxy}`;
}

/**
 * The message for the losses so far (`silences`, oldest first, trimmed here to the last
 * {@link STEADY_LOSSES}), or undefined while they do not agree.
 */
export function diagnose(silences: number[], keepalive: number | undefined): string | undefined {
  silences.splice(0, silences.length - STEADY_LOSSES);
  const silence = steadySilence(silences);
  return silence === undefined ? undefined : idleCloseMessage(silence, keepalive);
}
