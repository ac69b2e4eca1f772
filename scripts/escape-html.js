// Values from a query string filled into test and benchmark pages: escaped, so a page is the
// static HTML a user would write with that value in it.

/** `s` safe inside HTML text and attribute values. */
export const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
