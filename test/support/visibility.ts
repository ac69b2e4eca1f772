// A tab switch, faked: the page reports itself hidden or visible (both `document.hidden` and
// `document.visibilityState`, which the code under test reads) and `visibilitychange` is fired.

/** Makes the page report itself hidden (or visible again) and tells listeners, as a tab switch does. */
export function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The page's own visibility again (after {@link setHidden}). */
export function restoreVisibility(): void {
  delete (document as { hidden?: boolean }).hidden;
  delete (document as { visibilityState?: string }).visibilityState;
}
