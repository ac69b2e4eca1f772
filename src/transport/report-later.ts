/**
 * Rethrows `error` from a task of its own, where the page's error handlers and the console see
 * it: one failing callback (an element's, a listener's) must not stop the others, nor be lost.
 */
export function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
