/**
 * Topic names and filters, as MQTT 3.1.1 §4.7 and MQTT 5 §4.7 define them. Pure functions, no DOM.
 * The validators return a reason (for a person) or undefined, so callers can wrap the reason in
 * whichever error they report, without exceptions on the hot path; the `assert…` forms throw the
 * coded `invalid-topic` error that every caller reports.
 */
import { MqttElementsError } from '../errors.js';

const MAX_TOPIC_BYTES = 65535;
const encoder = /* @__PURE__ */ new TextEncoder();

function commonError(topic: unknown): string | undefined {
  if (typeof topic !== 'string') return 'a topic must be a string';
  if (topic.length === 0) return 'a topic must not be empty';
  if (topic.includes('\u0000')) return 'a topic must not contain U+0000';
  // Cheap length check first: UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (topic.length * 3 > MAX_TOPIC_BYTES && encoder.encode(topic).length > MAX_TOPIC_BYTES) {
    return 'a topic must not be longer than 65535 bytes in UTF-8';
  }
  return undefined;
}

/** Why `topic` is not a valid topic name to publish to, or undefined when it is valid. */
export function topicNameError(topic: unknown): string | undefined {
  const error = commonError(topic);
  if (error) return error;
  if (/[+#]/.test(topic as string)) return `"${topic as string}" is a topic name: wildcards (+, #) are not allowed`;
  return undefined;
}

/** Why `filter` is not a valid topic filter to subscribe to, or undefined when it is valid. */
export function topicFilterError(filter: unknown): string | undefined {
  const error = commonError(filter);
  if (error) return error;
  const levels = (filter as string).split('/');
  if (levels[0] === '$share') {
    // MQTT 5 §4.8.2: $share/{ShareName}/{filter}, a share name without wildcards.
    if (levels.length < 3 || levels[1] === '' || /[+#]/.test(levels[1]!)) {
      return `"${filter as string}": a shared subscription is $share/<group name>/<filter>, the group name without + or #`;
    }
    return topicFilterError(levels.slice(2).join('/'));
  }
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level === '#') {
      if (i !== levels.length - 1) return `"${filter as string}": "#" must be the last level of a filter`;
    } else if (level === '+') {
      continue;
    } else if (level.includes('#') || level.includes('+')) {
      return `"${filter as string}": a wildcard (+, #) must fill a whole level`;
    }
  }
  return undefined;
}

/**
 * The filter messages of a subscription are matched against: a shared subscription's
 * (`$share/group/home/+`) is the part after its group (`home/+`), as the broker strips the prefix.
 */
export function matchedFilter(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const end = filter.indexOf('/', 7);
  return end < 0 ? filter : filter.slice(end + 1);
}

/**
 * Whether `topic` matches `filter`. Wildcards at the first level do not match topics that start
 * with `$` (MQTT §4.7.2), so `#` does not see `$SYS/...`.
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Throws `invalid-topic` unless `topic` is a valid topic name (what a PUBLISH may carry). */
export function assertTopicName(topic: unknown, what = 'topic'): asserts topic is string {
  const reason = topicNameError(topic);
  if (reason) throw new MqttElementsError('invalid-topic', what === 'topic' ? reason : `${what}: ${reason}`);
}

/** Throws `invalid-topic` unless `filter` is a valid topic filter (what a SUBSCRIBE may carry). */
export function assertTopicFilter(filter: unknown): asserts filter is string {
  const reason = topicFilterError(filter);
  if (reason) throw new MqttElementsError('invalid-topic', reason);
}
