/**
 * A broker URL as it may be shown: without its userinfo (`user:password@`), query string or
 * fragment. Signed URLs carry their tokens there (`?token=…`, `?X-Amz-Signature=…`), and error
 * messages and event details reach logs, error trackers and screenshots (README: Errors). Text
 * work first: the input is often the very string that did not parse, and a parser that reads
 * `user:pass@host:1883` as the scheme `user:` would keep the password in the path. Then a
 * parser's check, for input odd enough to be read two ways.
 */

/** What stands for a query string that was left out: the reader sees there was one. */
const QUERY_MARK = '?…';

/**
 * `url` without userinfo, query string or fragment: `wss://user:secret@host/mqtt?token=abc` →
 * `wss://host/mqtt?…`. A URL that has none of them comes back unchanged, character for
 * character. Works on anything, URL or not.
 */
export function redactUrl(url: string): string {
  // URL parsers drop tabs and newlines anywhere, so `us\ter:pw@` is userinfo to them too.
  const text = String(url).replace(/[\t\n\r]/g, '');
  // The query starts at the first `?`, the fragment at the first `#`; whichever comes first ends
  // what may be shown. A `?` after a `#` belongs to the fragment.
  const end = text.search(/[?#]/);
  const head = end === -1 ? text : text.slice(0, end);
  const mark = end !== -1 && text[end] === '?' ? QUERY_MARK : '';
  // The authority runs from after `scheme://` (`ws:/` and `//` too, as parsers read them; or from
  // the start, for `user:pass@host:port`) to the first `/` or `\` (which parsers read as `/`);
  // its last `@` ends the userinfo.
  const scheme = /^\s*(?:[a-z][a-z\d+.-]*:)?[\\/]+/i.exec(head)?.[0] ?? '';
  const rest = head.slice(scheme.length);
  const slash = rest.search(/[\\/]/);
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const shown = (at === -1 ? head : scheme + rest.slice(at + 1)) + mark;
  // Where a parser still finds userinfo (input odd enough to be read two ways), show only what
  // it calls scheme, host and path.
  if (!URL.canParse(shown)) return shown;
  const parsed = new URL(shown);
  return parsed.username || parsed.password ? `${parsed.protocol}//${parsed.host}${parsed.pathname}${mark}` : shown;
}

/**
 * Every URL (`scheme://…` up to a space or quote, less a closing `.`, `,`, `:` or `)` of the
 * sentence around it) in a text, redacted: for messages that come from elsewhere.
 */
export function redactUrlsIn(text: string): string {
  return String(text).replace(/[a-z][a-z\d+.-]*:[\\/]{2}[^\s"'`<>]*[^\s"'`<>.,;:!?)]/gi, (url) => redactUrl(url));
}
