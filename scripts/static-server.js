// The one static file server of the whole-page tests (test/e2e/support.js), the benchmarks
// (bench/lib/harness.js, bench/tabs.js, bench/shared-worker.js): files read-only on 127.0.0.1,
// pages with values filled in, per-path headers (cache, CSP), optionally over https. One place,
// so that a fix (a path escaping the root, a missing content type) reaches every user.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';

/** Content types by extension; anything else is sent as application/octet-stream. */
export const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** The file under `dir` that `rest` (a URL path) names, or undefined if it would leave `dir`. */
function inside(dir, rest) {
  const top = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const path = normalize(join(top, rest));
  return path.startsWith(top) ? path : undefined;
}

/**
 * Serves `root` read-only on 127.0.0.1 and resolves with `{ server, base }` once it listens.
 *
 * - `mounts`: `{ '/cdn/': folder }`, URL prefixes served from other folders (the benchmark's own
 *   builds of cdn/).
 * - `render(pathname, url)`: may answer a request itself by returning HTML (a page with the
 *   broker's URL filled in); `undefined` falls through to the files.
 * - `headers(pathname)`: extra response headers for that path, file or rendered (cache-control,
 *   a Content-Security-Policy).
 * - `tls`: `{ key, cert }` serves https instead of http.
 *
 * A path ending in `/` serves its `index.html`; a path that is no file (or leaves its folder) is 404.
 */
export function startStaticServer({ root, mounts = {}, render = () => undefined, headers = () => ({}), tls } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const handle = (req, res) => {
    const url = new URL(req.url, 'http://x');
    const extra = headers(url.pathname) ?? {};
    const html = render(url.pathname, url);
    if (html !== undefined) return res.writeHead(200, { 'content-type': 'text/html', ...extra }).end(html);
    const pathname = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const path = prefix ? inside(mounts[prefix], pathname.slice(prefix.length)) : inside(root, pathname);
    if (!path || !existsSync(path) || !statSync(path).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...extra });
    res.end(readFileSync(path));
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handle) : createHttpServer(handle);
  const scheme = tls ? 'https' : 'http';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `${scheme}://127.0.0.1:${server.address().port}` }));
  });
}
