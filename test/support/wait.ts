// Waiting helpers that need no broker: unit and integration tests both use them.

/**
 * Polls `predicate` until it returns a truthy value and resolves with that value. Use it to wait
 * for a state that has no event (the broker's view, a log line) instead of a fixed sleep.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeout = 5000, interval = 20, message }: { timeout?: number; interval?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err; // e.g. an assertion that does not hold yet
    }
    if (performance.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor: ${message ?? predicate.toString()} not true after ${timeout} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Resolves with the arguments of the first `event` from an emitter (MQTT.js client, ...). */
export function once<A extends unknown[] = unknown[]>(
  emitter: { once(event: string, listener: (...args: A) => void): unknown },
  event: string,
): Promise<A> {
  return new Promise((resolve) => emitter.once(event, (...args: A) => resolve(args)));
}

/** A unique suffix so that test files sharing the brokers do not see each other's topics or ids. */
export function uid(prefix = 't'): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
}

/** Resolves in a later task: after anything a removal from the DOM deferred with setTimeout. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve));
}
