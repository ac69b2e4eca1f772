/**
 * What the tabs of one shared connection say to each other (shared-link.ts), and how a tab checks
 * what it hears. Another tab is code this tab does not control (another release of this package,
 * or anything else posting on the channel), so every message is checked field by field before it
 * is used, and one that does not fit is ignored. A tab of another protocol version is told apart
 * from noise: it gets its own connection instead (`otherVersion`). No DOM.
 */
import { redactUrlsIn } from './redact-url.js';
import { MqttElementsError, type MqttErrorCode } from '../errors.js';
import type { PublishOptions } from './publish.js';
import type { ConnectionStatus } from './status.js';
import type { SubscribeOptions } from './subscriptions.js';

/** The version of the messages below; a tab that hears another one connects on its own. */
export const PROTOCOL_VERSION = 1;

/** An error as it crosses to another tab. */
export type ErrorShape = { code: MqttErrorCode; message: string; reasonCode?: number; reasonString?: string };

/** A message before the version is added. */
export type Body =
  | { t: 'hello'; from: string }
  | { t: 'status'; from: string; status: ConnectionStatus; error?: ErrorShape | undefined; clientId: string }
  | { t: 'sub'; from: string; filter: string; options: SubscribeOptions }
  | { t: 'unsub'; from: string; filter: string }
  | { t: 'suback'; to: string; filter: string; granted?: number; error?: ErrorShape }
  | { t: 'msg'; to: string; filter: string; topic: string; payload: Uint8Array; retain: boolean; qos: number; receivedAt: number; properties?: Record<string, unknown> }
  | { t: 'pub'; from: string; id: number; topic: string; payload: string | Uint8Array; options: PublishOptions }
  | { t: 'puback'; to: string; id: number; error?: ErrorShape }
  | { t: 'bye'; from: string };

/** One message between tabs, as posted: every one carries the protocol version. */
export type Message = Body & { v: typeof PROTOCOL_VERSION };

const STATUSES = new Set(['idle', 'connecting', 'connected', 'reconnecting', 'offline', 'closed', 'error']);
const isString = (x: unknown): x is string => typeof x === 'string';
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const optional = (x: unknown, check: (y: unknown) => boolean) => x === undefined || check(x);
const isQos = (x: unknown) => x === 0 || x === 1 || x === 2;
const isBool = (x: unknown) => typeof x === 'boolean';

function isError(x: unknown): x is ErrorShape {
  return (
    isObject(x) &&
    isString(x.code) &&
    isString(x.message) &&
    optional(x.reasonCode, isNumber) &&
    optional(x.reasonString, isString)
  );
}

function isSubscribeOptions(x: unknown): boolean {
  return isObject(x) && optional(x.qos, isQos) && optional(x.nl, isBool) && optional(x.rap, isBool) && optional(x.rh, isQos);
}

function isPublishOptions(x: unknown): boolean {
  return isObject(x) && optional(x.qos, isQos) && optional(x.retain, isBool) && optional(x.properties, isObject);
}

/** Each message type's fields, checked. */
const FIELDS: Record<Body['t'], (m: Record<string, unknown>) => boolean> = {
  hello: (m) => isString(m.from),
  status: (m) => isString(m.from) && STATUSES.has(m.status as string) && optional(m.error, isError) && isString(m.clientId),
  sub: (m) => isString(m.from) && isString(m.filter) && isSubscribeOptions(m.options),
  unsub: (m) => isString(m.from) && isString(m.filter),
  suback: (m) => isString(m.to) && isString(m.filter) && optional(m.granted, isQos) && optional(m.error, isError),
  msg: (m) =>
    isString(m.to) &&
    isString(m.filter) &&
    isString(m.topic) &&
    m.payload instanceof Uint8Array &&
    isBool(m.retain) &&
    isQos(m.qos) &&
    isNumber(m.receivedAt) &&
    optional(m.properties, isObject),
  pub: (m) =>
    isString(m.from) &&
    isNumber(m.id) &&
    isString(m.topic) &&
    (isString(m.payload) || m.payload instanceof Uint8Array) &&
    isPublishOptions(m.options),
  puback: (m) => isString(m.to) && isNumber(m.id) && optional(m.error, isError),
  bye: (m) => isString(m.from),
};

/**
 * What a tab heard: a message of this version with every field as it should be, `other` for a
 * message of this channel from a tab of another version (an object with a string `t` whose `v`
 * is not this one), or undefined for anything else (ignored).
 */
export function readMessage(data: unknown): Message | 'other' | undefined {
  if (!isObject(data) || !isString(data.t)) return undefined;
  if (data.v !== PROTOCOL_VERSION) return 'other';
  const check = FIELDS[data.t as Body['t']];
  return Object.hasOwn(FIELDS, data.t) && check(data) ? (data as Message) : undefined;
}

/**
 * A URL's user name, password, query and fragment taken out of a text, wherever a URL appears in
 * it: signed URLs carry tokens there, and what goes to other tabs must not (README: Across tabs;
 * SECURITY.md).
 */
export function withoutSecrets(text: string): string {
  // One rule for every message a page shows or sends: redact-url.ts's.
  return redactUrlsIn(text);
}

/** An error as it goes to another tab: code, message (without URL secrets), broker reason. */
export function shapeError(e: MqttElementsError): ErrorShape {
  return {
    code: e.code,
    message: withoutSecrets(e.message),
    ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
    ...(e.reasonString !== undefined ? { reasonString: e.reasonString } : {}),
  };
}

/** The error another tab sent, as this tab's own. */
export function reviveError(e: ErrorShape): MqttElementsError {
  return new MqttElementsError(e.code, e.message, {
    ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
    ...(e.reasonString !== undefined ? { reasonString: e.reasonString } : {}),
  });
}

/**
 * A name for the lock and the channel of one shared connection: a hash of what the tabs must
 * agree on (URLs, client id, user name). Lock and channel names are visible to every script of
 * the origin (`navigator.locks.query()`), and URLs may carry tokens. Synchronous (the link starts
 * in `connect()`, and `crypto.subtle` is missing outside secure contexts): two 53-bit hashes.
 */
export function sharedName(key: string): string {
  const hash = (seed: number) => {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  };
  return `mqtt-elements/shared/${hash(1)}${hash(2)}`;
}
