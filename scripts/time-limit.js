// Time limits for waits in the benchmark, the test infrastructure and the Node tests: every wait
// on a browser, a broker or a server is bounded, so that a hang ends a run with a message.

/** Settles as `promise` does, or rejects after `ms` with an error that names `what`. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Waits for `closing` (its failure counts as closed) for at most `ms`; on the timeout reports it
 * on stderr and calls `onTimeout` (to kill what would not close, or say why).
 */
export async function closeWithin(closing, ms, what, onTimeout) {
  try {
    await within(Promise.resolve(closing).catch(() => {}), ms, what);
  } catch {
    console.error(`${what} did not close within ${ms / 1000} s`);
    onTimeout();
  }
}
