/**
 * `<mqtt-chart>`'s stylesheet: uPlot's own (src/chart/uplot-css.ts) and the element's, in one
 * constructable stylesheet shared by every instance and adopted into each shadow root. Users load
 * no CSS file. The element's size is the page's to set; these are only defaults.
 */
import { UPLOT_CSS } from './uplot-css.js';

// Written compact: nothing minifies CSS inside a string. A sparkline is a word-sized line that
// sits in a line of text without making it taller; the summary is visually hidden.
const OWN_CSS =
  ':host{display:block;position:relative;height:12em}:host([hidden]){display:none}' +
  ':host([sparkline]){display:inline-block;width:5em;height:1em;vertical-align:text-bottom}' +
  '.chart{position:absolute;inset:0;overflow:hidden}.uplot{width:auto;font-family:inherit}.u-legend{font-size:.8125em}' +
  '.summary{position:absolute;width:1px;height:1px;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}';

/** The stylesheet as `static styles` takes it; none without a DOM (SSR). */
export function chartStyles(): CSSStyleSheet[] {
  if (typeof CSSStyleSheet === 'undefined') return [];
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(UPLOT_CSS + OWN_CSS);
  return [sheet];
}
