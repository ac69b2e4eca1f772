/**
 * Keeps uPlot loadable where the browser's language is no locale `Intl` accepts. uPlot makes its
 * number formatter when its module is evaluated, from `navigator.language`; WebKitGTK under
 * `LANG=C.UTF-8` reports `"C"`, `Intl` throws `RangeError: invalid language tag`, and the whole
 * chart module fails to load, so `<mqtt-chart>` is never defined. uPlot stays unmodified: this
 * module, imported just before it, shadows `navigator.language` with the engine's default locale
 * for as long as uPlot's module body runs, and only when `Intl` refuses the real one.
 * `releaseLanguage()`, called right after uPlot's import, removes the shadow again, so that the
 * page sees its real `navigator.language`.
 */

/** Whether `Intl` accepts `tag` as a locale. */
export function isAcceptedLocale(tag: string | undefined): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

let shadowed = false;
// What the page itself may have defined on the navigator object (its own shadow), given back.
let pageOwn: PropertyDescriptor | undefined;
const nav = typeof navigator === 'undefined' ? undefined : navigator;
if (nav && !isAcceptedLocale(nav.language)) {
  // An own property on the navigator object hides Navigator.prototype's getter until removed.
  pageOwn = Object.getOwnPropertyDescriptor(nav, 'language');
  const fallback = new Intl.NumberFormat().resolvedOptions().locale;
  Object.defineProperty(nav, 'language', { configurable: true, get: () => fallback });
  shadowed = true;
}

/** Gives the page back its real `navigator.language` once uPlot has made its formatter. */
export function releaseLanguage(): void {
  if (!shadowed || !nav) return;
  if (pageOwn) Object.defineProperty(nav, 'language', pageOwn);
  else delete (nav as { language?: string }).language;
  shadowed = false;
}
