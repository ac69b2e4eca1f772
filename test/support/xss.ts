// Payloads and topic levels that would run script or make elements if any code parsed them as
// HTML. Tests push them through every way a value reaches the page and check nothing happened.

/** Strings a page must only ever show as text. */
export const XSS_CORPUS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload="window.__xss=3">',
  "javascript:window.__xss=4",
  '<iframe srcdoc="<script>parent.__xss=5</script>">',
  '&lt;b&gt;entities stay text&lt;/b&gt;',
] as const;

/** Elements the corpus would create if it were parsed. */
export const XSS_ELEMENTS = 'img, script, svg, iframe, b';

/** Whether any of the corpus ran. */
export function xssRan(): boolean {
  return (window as { __xss?: unknown }).__xss !== undefined;
}
