import { MqttElementsError } from '../errors.js';
import type { IClientOptions } from 'mqtt';
import { resolveBrokerUrl, type ClientPlan } from './options.js';
import { redactUrl, redactUrlsIn } from './redact-url.js';
import { loadPart } from './load-part.js';
import type { ConnectionConfig, CredentialsProvider } from './settings.js';

/** What a credentials function may answer; `url` replaces the broker URL for that attempt (signed URLs). */
export interface Credentials {
  username?: string;
  password?: string;
  url?: string;
}

/**
 * Calls the `credentials` function before a connect or reconnect and keeps only what it may set.
 * A function that throws or rejects becomes a `connection-failed` error that says so.
 */
export async function fetchCredentials(provider: CredentialsProvider | undefined): Promise<Credentials> {
  try {
    const answer = (await provider?.()) ?? {};
    const credentials: Credentials = {};
    if (answer.username !== undefined) credentials.username = answer.username;
    if (answer.password !== undefined) credentials.password = answer.password;
    if (answer.url !== undefined) credentials.url = answer.url;
    return credentials;
  } catch (e) {
    // Its message may name the signed URL it failed to make: shown without query or userinfo,
    // and then without the original error as `cause`, whose message still holds them.
    const message = String((e as Error)?.message ?? e);
    const shown = redactUrlsIn(message);
    throw new MqttElementsError('connection-failed', `the credentials function failed: ${shown}`, shown === message ? { cause: e } : {});
  }
}

/** A credentials function's answer for one attempt: the login, and the URL it signed, resolved. */
export interface FreshLogin {
  login: { username?: string; password?: string };
  /** The broker URL for this attempt, if the function answered one (signed URLs). */
  url?: string;
}

/**
 * The one credential resolver, asked before every attempt (the first: {@link preparedStart}; each
 * retry: retry.ts): awaits the function, keeps what it may set, and resolves its `url` with
 * `resolveUrl` (which throws `invalid-url`, `insecure-url`). Rejects with a coded error.
 */
export async function freshLogin(provider: CredentialsProvider, resolveUrl: (url: string) => string): Promise<FreshLogin> {
  const { url, ...login } = await fetchCredentials(provider);
  return url === undefined ? { login } : { login, url: resolveUrl(url) };
}

/** The user name in a URL's userinfo, which the transport logs in with when nothing else sets one. */
function userinfoName(url: string): string | undefined {
  const name = URL.canParse(url) ? new URL(url).username : '';
  return name ? decodeURIComponent(name) : undefined;
}

/**
 * The first attempt of a client whose connection needs to wait for something first: with a
 * credentials function, its answer's user name and password over the plan's options and its `url`
 * (resolved) instead of the first one; with `store="indexeddb"`, the stores an earlier page left.
 */
export async function preparedStart(
  config: Pick<ConnectionConfig, 'credentials' | 'store' | 'clientId'>,
  plan: ClientPlan,
  pageUrl: string | undefined,
): Promise<{ url: string; options: IClientOptions }> {
  let url = plan.url;
  let options = plan.options;
  if (config.credentials) {
    const fresh = await freshLogin(config.credentials, (signed) => resolveBrokerUrl(signed, pageUrl));
    url = fresh.url ?? url;
    options = { ...options, ...fresh.login };
  }
  if (config.store === 'indexeddb') {
    if (!config.clientId) {
      throw new MqttElementsError('connection-failed', 'store="indexeddb" needs a fixed client-id: the stored messages belong to it');
    }
    // Per broker, client id and login (README: Messages that survive a reload). The URLs without userinfo or query: a signed URL's
    // token changes with every login, and the outbox must outlive it.
    const username = options.username ?? userinfoName(url);
    // Loaded on first use: a page without store="indexeddb" never downloads the store.
    const { openIdbStores } = await loadPart(() => import('../transport/idb-store.js'), 'store="indexeddb"', 'connection-failed');
    options = { ...options, ...(await openIdbStores(plan.urls.map(redactUrl).join(' '), config.clientId, username)) };
  }
  return { url, options };
}
