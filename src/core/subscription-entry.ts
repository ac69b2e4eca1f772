/**
 * One filter of a `SubscriptionRegistry`: who holds it, where its broker subscription stands,
 * and the latest message per topic for holders that join late. No DOM.
 */
import type { MqttElementsError } from '../errors.js';
import type { ReceivedMessage } from './message.js';
import type { QoS } from './options.js';
import { reportLater } from '../transport/report-later.js';

/** Where one element's subscription stands. */
export type SubscriptionStatus = 'idle' | 'pending' | 'subscribed' | 'error';

/** What an element asks for; `nl`, `rap` and `rh` are the MQTT 5 subscription options. */
export interface SubscribeOptions {
  /** 0, 1 or 2; default 0. Checked at run time too (`invalid-qos`): attributes arrive as strings. */
  qos?: QoS;
  nl?: boolean;
  rap?: boolean;
  rh?: 0 | 1 | 2;
  /**
   * Whether a filter already held is to show this holder the latest message per topic (default
   * true). An element that only changes its QoS has those messages already.
   */
  replay?: boolean;
  /** Told of every status change of this subscription, with the error when it is `error`. */
  onStatus?: (status: SubscriptionStatus, error?: MqttElementsError) => void;
}

/** The MQTT 5 subscription options: no local, retain as published, retain handling. */
export type Mqtt5SubscribeOptions = Pick<SubscribeOptions, 'nl' | 'rap' | 'rh'>;

/**
 * The one builder of MQTT 5 subscription options: `nl`, `rap` and `rh` of `from` that are set
 * (`rh` only as 0, 1 or 2), and nothing else, for a SUBSCRIBE (subscriptions.ts), a follower tab's
 * request to its leader (shared-link.ts) and an element's attributes (subscription-controller.ts).
 */
export function mqtt5SubscribeOptions(from: { nl?: boolean | undefined; rap?: boolean | undefined; rh?: unknown }): Mqtt5SubscribeOptions {
  const out: Mqtt5SubscribeOptions = {};
  if (from.nl !== undefined) out.nl = from.nl;
  if (from.rap !== undefined) out.rap = from.rap;
  const { rh } = from;
  if (rh === 0 || rh === 1 || rh === 2) out.rh = rh;
  return out;
}

/** One holder of a filter: what it asked for, and where its messages go. */
export interface Holder {
  options: SubscribeOptions;
  qos: QoS;
  onMessage: (message: ReceivedMessage) => void;
}

/** How many topics' latest messages a filter remembers for elements that join it late. */
const LAST_MESSAGES_PER_FILTER = 1000;

/** A filter held by one or more holders. */
export class Entry {
  readonly holders = new Set<Holder>();
  status: SubscriptionStatus = 'idle';
  error?: MqttElementsError;
  /** QoS of the SUBSCRIBE sent on the current client session, -1 when none was sent. */
  sentQos = -1;
  /** Latest message per topic: a late-joining element shows what the others already show. */
  readonly last = new Map<string, ReceivedMessage>();
  /**
   * What the holders were shown before the broker was asked for this filter again (a higher QoS,
   * another tab taking the connection over): the retained copy it sends back is no news to them.
   */
  seen?: Map<string, ReceivedMessage>;

  constructor(readonly filter: string) {}

  get wantedQos(): QoS {
    let qos: QoS = 0;
    for (const h of this.holders) if (h.qos > qos) qos = h.qos;
    return qos;
  }

  setStatus(status: SubscriptionStatus, error?: MqttElementsError): void {
    this.status = status;
    this.error = error;
    for (const h of this.holders) notify(h, status, error);
  }
}

/** Tells a holder its subscription's status; a throwing callback is reported later. */
export function notify(h: Holder, status: SubscriptionStatus, error?: MqttElementsError): void {
  try {
    h.options.onStatus?.(status, error);
  } catch (e) {
    reportLater(e);
  }
}

/** Remembers `message` as its topic's latest for late holders, and gives it to every holder. */
export function deliverToEntry(entry: Entry, message: ReceivedMessage): void {
  const seen = entry.seen?.get(message.topic);
  if (seen) {
    entry.seen!.delete(message.topic);
    // A broker sends a retained message with the retain flag only for a new SUBSCRIBE: the same
    // bytes again are the copy the holders have, shown already (receivedAt and all).
    if (message.retained && sameBytes(seen.payload, message.payload)) message = seen;
    if (message === seen) {
      entry.last.set(message.topic, seen);
      return;
    }
  }
  if (entry.last.size >= LAST_MESSAGES_PER_FILTER && !entry.last.has(message.topic)) {
    entry.last.delete(entry.last.keys().next().value as string);
  }
  entry.last.delete(message.topic);
  entry.last.set(message.topic, message);
  for (const holder of entry.holders) deliver(holder, message);
}

/** Gives a holder a message; a throwing callback is reported later. */
export function deliver(holder: Holder, message: ReceivedMessage): void {
  try {
    holder.onMessage(message);
  } catch (e) {
    reportLater(e);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
