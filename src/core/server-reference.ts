/**
 * Where an MQTT 5 server reference (DISCONNECT or CONNACK 0x9C "use another server", 0x9D
 * "server moved") may send a client: only to a node of the page's own `url` list, compared by
 * origin (scheme, host, port). The reference comes from a broker, so it is untrusted input: a
 * client that followed it anywhere would carry the page's user name and password to a host the
 * page never named. The client then goes to the LISTED URL (its path and query), never to the
 * reference's own, so nothing in the reference but its origin ever matters. Pure, no DOM.
 */
import type { MqttElementsError, MqttErrorInit } from '../errors.js';

/**
 * What the main entry lends this module, which loads on first use (lazy-references.ts): a runtime
 * import of errors.ts or diagnosis.ts from here makes a bundler split those out of the entry into
 * a chunk of their own, which a page loads at once all the same (about 300 B gzip more, measured
 * with `npm run size`).
 */
export interface ReferenceTools {
  /** A coded error (MqttElementsError). */
  error(code: 'insecure-url' | 'redirect-refused', message: string, init: MqttErrorInit): MqttElementsError;
  /** diagnosis.ts's: why `url` cannot be opened from `pageUrl` (ws:// from https), if it cannot. */
  insecureUrlReason(url: URL, pageUrl: string | undefined): string | undefined;
}

/** What a broker's server reference leads to: a URL of the `url` list to go to, or the refusal. */
export type ReferenceOutcome = { url: string; error?: undefined } | { url?: undefined; error: MqttElementsError };

/** The reference and what it is checked against. */
export interface ServerReference {
  /** The server reference property as the broker sent it (MQTT 5 allows several, space-separated). */
  reference: unknown;
  /** The URL of the attempt the broker answered: a bare host takes its scheme and port. */
  current: string;
  /** The page's broker URLs, resolved: the only places a reference may lead to. */
  urls: readonly string[];
  /** The page's URL: a `ws://` reference from an https page is `insecure-url`. */
  pageUrl?: string | undefined;
  /** Which packet said it, for the message: `DISCONNECT 0x9C`, `CONNACK 0x9D`. */
  via: string;
  /** The broker's reason code, reason string and user properties, for the error. */
  init?: MqttErrorInit;
}

/** A broker's list of servers is short; a longer one is read no further than this. */
const MAX_CANDIDATES = 8;

/**
 * MQTT 5's own form of a reference (§3.14.2.2.7, §4.11): `host`, `host:port`, `[v6]`,
 * `[v6]:port`; nothing else (no `@`, `/`, `\`, `?`, `#`), so a URL parser cannot read a
 * different host out of it than the one written.
 */
const BARE = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;

/** A reference written as a URL: scheme and `//`. */
const WITH_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function defaultPort(protocol: string): string {
  return protocol === 'wss:' || protocol === 'https:' ? '443' : '80';
}

/**
 * `scheme//host:port`, the port always written and one trailing dot of the host dropped
 * (`h.example.` is the same DNS name as `h.example`): two URLs reach the same node exactly when
 * their keys are equal. The URL parser has already lower-cased the host, made IDN punycode,
 * written IPv4 in dotted decimal and IPv6 in its short form, and left userinfo out of `hostname`.
 */
export function originKey(url: URL): string {
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  return `${url.protocol}//${host}:${url.port || defaultPort(url.protocol)}`;
}

/** A reference entry as a URL, or undefined when it is neither a bare host nor a URL. */
function candidateUrl(entry: string, current: URL): URL | undefined {
  // Control characters: the URL parser drops tabs and newlines inside a URL, which would join
  // two halves into a host the broker never wrote out whole.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(entry)) return undefined;
  if (WITH_SCHEME.test(entry)) return URL.canParse(entry) ? new URL(entry) : undefined;
  const bare = BARE.exec(entry);
  if (!bare) return undefined;
  // A bare host keeps the current attempt's scheme and, when it names none, its port: the nodes
  // of one cluster serve the same listener.
  const port = bare[2] ?? (current.port || defaultPort(current.protocol));
  const written = `${current.protocol}//${bare[1]}:${port}/`;
  return URL.canParse(written) ? new URL(written) : undefined;
}

/** Where a URL leads, for a message: scheme, host and port only (no userinfo, path or query). */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Decides where a broker's server reference may send the client: the first entry whose origin
 * is one of `urls`' gives that URL of the list. Otherwise the refusal of the first entry:
 * `insecure-url` for a `ws://` one from an https page, `redirect-refused` for the rest (another
 * origin, another scheme, nothing parsable). Never throws.
 */
export function followReference(ref: ServerReference, { error, insecureUrlReason }: ReferenceTools): ReferenceOutcome {
  const { via, init = {} } = ref;
  const keep = ' The client keeps retrying the url list.';
  const entries = typeof ref.reference === 'string' ? ref.reference.trim().split(/\s+/).filter(Boolean) : [];
  const current = URL.canParse(ref.current) ? new URL(ref.current) : new URL('ws://invalid./');
  const listed = ref.urls.filter((u) => URL.canParse(u)).map((u) => ({ href: u, url: new URL(u) }));
  let refusal: MqttElementsError | undefined;
  for (const entry of entries.slice(0, MAX_CANDIDATES)) {
    const url = candidateUrl(entry, current);
    if (url && (url.protocol === 'ws:' || url.protocol === 'wss:') && insecureUrlReason(new URL(shown(url)), ref.pageUrl)) {
      refusal ??= error(
        'insecure-url',
        `the broker sent this client to ${shown(url)} (${via}), a ws:// URL on a page served over https, which the ` +
          'browser refuses as mixed content: not followed, and nothing was sent there. Point the broker at its ' +
          `wss:// listener.${keep}`,
        init,
      );
      continue;
    }
    const key = url && originKey(url);
    const same = listed.filter((l) => originKey(l.url) === key);
    // Of several listed URLs on that node, the one with the reference's path, else the first.
    const chosen = same.find((l) => WITH_SCHEME.test(entry) && l.url.pathname === url?.pathname) ?? same[0];
    if (chosen) return { url: chosen.href };
    refusal ??= url
      ? error(
          'redirect-refused',
          `the broker sent this client to ${shown(url)} (${via}), which is not in this page's url list: not followed, ` +
            'and nothing was sent there. If that node is yours, add its WebSocket URL to url (several URLs are ' +
            `separated by spaces).${keep}`,
          init,
        )
      : error(
          'redirect-refused',
          `the broker sent this client a server reference (${via}) that is neither host[:port] nor a ws:// or ` +
            `wss:// URL: not followed.${keep}`,
          init,
        );
  }
  return {
    error:
      refusal ??
      error('redirect-refused', `the broker sent this client an empty server reference (${via}): not followed.${keep}`, init),
  };
}
