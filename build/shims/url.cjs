// Stands in for the `url` npm polyfill (with its qs, punycode and path, ~17 KB gzip) where MQTT.js's
// `connect()` is bundled and called: the `mqttjs-transport` benchmark ablation (vite.config.ts,
// `mqttjsConnect`). MQTT.js needs one function of it, `url.parse(brokerUrl, true)`, to read a
// broker URL into options. (The CDN bundle never calls `connect()`: there `url` is
// mqtt-connect-only.cjs.) This is that function over the browser's WHATWG `URL`, giving the
// fields `connect()` reads (protocol, auth, hostname, port, path, query) as Node's legacy
// `url.parse` gives them: default ports kept, IPv6 hosts without brackets, auth decoded, a URL
// without a scheme (`/mqtt`) relative, repeated query keys as arrays.
'use strict';

const SCHEME = /^[a-z][a-z\d+.-]*:/i;
// The port as written: WHATWG `URL` drops a scheme's default one (ws://host:80 → '').
const WRITTEN_PORT = /^[a-z][a-z\d+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i;

function parse(input, parseQueryString) {
  const absolute = SCHEME.test(input);
  const url = new URL(input, absolute ? undefined : 'relative:///');
  const decode = decodeURIComponent;
  const hostname = absolute ? url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase() : null;
  const port = absolute ? url.port || WRITTEN_PORT.exec(input)?.[1] || null : null;
  const special = /^(https?|wss?|ftp|file):$/.test(url.protocol);
  const pathname = url.pathname || (special ? '/' : null);
  const search = url.search || null;
  let query = search ? search.slice(1) : null;
  if (parseQueryString) {
    query = Object.create(null);
    for (const [key, value] of url.searchParams) {
      const had = query[key];
      query[key] = had === undefined ? value : [].concat(had, value);
    }
  }
  const auth = url.username || url.password ? decode(url.username) + (url.password ? `:${decode(url.password)}` : '') : null;
  return {
    protocol: absolute ? url.protocol : null,
    slashes: /^[a-z][a-z\d+.-]*:\/\//i.test(input) || null,
    auth: absolute ? auth : null,
    host: hostname === null ? null : (hostname.includes(':') ? `[${hostname}]` : hostname) + (port ? `:${port}` : ''),
    port,
    hostname,
    hash: url.hash || null,
    search,
    query,
    pathname,
    path: pathname === null && search === null ? null : (pathname ?? '') + (search ?? ''),
    href: absolute ? url.href : input,
  };
}

module.exports = { parse };
