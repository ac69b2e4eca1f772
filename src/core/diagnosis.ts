/**
 * What went wrong, in words a page author can act on. A page cannot read why a WebSocket failed
 * (the browser reports close code 1006 for almost everything and writes the reason only to the
 * console), so these rules use what it can observe: the URL's shape and port, the page's
 * scheme, whether the socket opened, and whether a CONNACK came. Pure, no DOM. A URL in a
 * message is shown through `redactUrl`: no userinfo, no query string (README: Errors).
 */
import { redactUrl } from './redact-url.js';

/** Where the reason the browser itself gives is, added to every diagnosis. */
const CONSOLE = "The browser console shows the browser's own reason.";

/** Schemes of MQTT over TCP or TLS, which a browser cannot open. */
const TCP_SCHEMES = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:']);

/** MQTT's TCP ports (IANA 1883, 8883): a WebSocket listener is elsewhere (8083, 8084, 8080, 9001, 15675…). */
const TCP_PORTS = new Set(['1883', '8883']);

/** Loopback hosts, which browsers let an https page reach over plain `ws://`. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `host:port` or `host:port/path` with no scheme (`localhost:8083/mqtt`, `127.0.0.1:8083`). */
export function lacksScheme(raw: string): boolean {
  return /^([\w.-]+|\[[\d:a-f]+\]):\d+(\/.*)?$/i.test(raw);
}

/**
 * Why a `url` that does not resolve to a `ws:`/`wss:` URL is wrong, and how to write it; the
 * message of its `invalid-url` error.
 */
export function urlMistake(raw: string): string {
  const shown = redactUrl(raw);
  if (lacksScheme(raw)) {
    return `url "${shown}" has no scheme: write ws://${shown} (or wss://${shown} for TLS), or a path starting with /.`;
  }
  let scheme = '';
  try {
    scheme = new URL(raw).protocol;
  } catch {
    return `url "${shown}" is not a URL: write ws://host:port/path (e.g. ws://localhost:8083/mqtt), wss:// for TLS, or a path starting with /.`;
  }
  if (TCP_SCHEMES.has(scheme)) {
    return (
      `url "${shown}" uses ${scheme}//, MQTT over TCP, which browsers cannot open: use the broker's WebSocket ` +
      'listener instead, e.g. ws://host:8083/mqtt (EMQX; mosquitto: `listener 8083` with `protocol websockets`), wss:// for TLS.'
    );
  }
  if (scheme === 'http:' || scheme === 'https:') {
    return `url "${shown}" uses ${scheme}//: write ${scheme === 'https:' ? 'wss' : 'ws'}://${redactUrl(raw.slice(scheme.length + 2))} for the broker's WebSocket listener.`;
  }
  return `url "${shown}" must use ws:// or wss:// (or be a path starting with /), not ${scheme}//.`;
}

/**
 * Why a broker URL cannot be used from this page, or undefined: a `ws://` URL from a page served
 * over https is blocked by the browser as mixed content (loopback hosts excepted, which browsers
 * allow); the message of an `insecure-url` error.
 */
export function insecureUrlReason(url: URL, pageUrl: string | undefined): string | undefined {
  if (url.protocol !== 'ws:' || !pageUrl || !pageUrl.startsWith('https:') || LOOPBACK.has(url.hostname)) return undefined;
  return (
    `url "${redactUrl(url.href)}" is ws:// on a page served over https: the browser refuses it as mixed content. ` +
    `Use wss://${url.host}${url.pathname} (the broker's TLS WebSocket listener), or a path starting with / ` +
    "served by the page's own host."
  );
}

/** What a failed attempt looked like from the page. */
export interface FailedAttempt {
  /** The WebSocket URL that was tried. */
  url: string;
  /** Whether the WebSocket opened (the upgrade succeeded) before it closed. */
  opened: boolean;
  /** The MQTT protocol version asked for (4 or 5). */
  protocolVersion: number;
}

/** The message of a `connection-failed` error for an attempt that closed before any CONNACK. */
export function failedAttemptMessage(attempt: FailedAttempt): string {
  let url: URL | undefined;
  try {
    url = new URL(attempt.url);
  } catch {
    // Only resolved URLs reach a socket; keep the generic text for anything else.
  }
  const head = `could not connect to ${redactUrl(attempt.url)}`;
  if (attempt.opened) {
    const other = attempt.protocolVersion === 5 ? 'protocol-version="4" (MQTT 3.1.1)' : 'protocol-version="5"';
    return (
      `${head}: the WebSocket opened but the broker closed it without answering CONNECT. It may not speak ` +
      `MQTT ${attempt.protocolVersion === 5 ? '5' : '3.1.1'} (try ${other}), or the path leads to something ` +
      `that is not an MQTT broker. ${CONSOLE}`
    );
  }
  if (url && TCP_PORTS.has(url.port)) {
    return (
      `${head}: port ${url.port} is MQTT's TCP port, which a browser cannot use. Point url at the broker's ` +
      `WebSocket listener (often 8083 with the path /mqtt, 8084 for wss://, 8080 or 9001). ${CONSOLE}`
    );
  }
  const tls = url?.protocol === 'wss:'
    ? "the certificate is not one the browser trusts (self-signed, or for another host name: open https://" +
      `${url.host}/ in a tab to see), or the port serves plain ws:// and not TLS`
    : 'the port serves TLS (use wss://)';
  return (
    `${head}: the WebSocket did not open. Check that a broker listens for WebSocket at that host and port, ` +
    `that the path is the one it serves (e.g. /mqtt; a wrong path is refused), and whether ${tls}. ${CONSOLE}`
  );
}
