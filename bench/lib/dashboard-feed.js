// The P7 dashboard's feed: the topics bench/pages/dashboard-common.js lays out, a numeric payload
// per message, the whole run pre-encoded (encoding while pacing would make Node, not the page,
// the limit), and what each page must show once it has everything.
import { publishPacket } from '../../scripts/mqtt-wire.js';

const VALUES = 100;
const GROUPS = 10;
const DEVICES = 20;
const CHARTS = 4;
const SERIES = 5;
const THRESHOLDS = [30, 70];
const numbers = new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Every topic the dashboard shows under `prefix`, in the order the feed goes round them. */
export function dashboardTopics(prefix) {
  const values = Array.from({ length: VALUES }, (_, i) => `${prefix}/v/${i}`);
  const rows = [];
  for (let g = 0; g < GROUPS; g++) for (let d = 0; d < DEVICES; d++) rows.push(`${prefix}/r/${g}/d${d}`);
  const charts = [];
  for (let c = 0; c < CHARTS; c++) for (let s = 0; s < SERIES; s++) charts.push(`${prefix}/c/${c}/s${s}`);
  return { values, rows, charts, all: [...values, ...rows, ...charts] };
}

/**
 * Message `seq`'s payload: 0.000 to 99.999, three digits where the pages show one (rounding is
 * exercised). A topic's consecutive values differ by 11.84, so a page still showing the
 * one-before-last value of a topic does not pass for one showing the last.
 */
export const dashboardPayload = (seq) => (((seq * 37) % 100000) / 1000).toFixed(3);

const levelOf = (n) => String(THRESHOLDS.filter((t) => n >= t).length);

/**
 * `total` messages round-robin over the dashboard's topics, encoded into one buffer, with
 * `offsets[i]` where message i starts (so the publisher can send any run of them in one write),
 * and what the page must show at the end.
 */
export function dashboardFeed(prefix, total) {
  const topics = dashboardTopics(prefix);
  const packets = [];
  for (let seq = 0; seq < total; seq++) packets.push(publishPacket(topics.all[seq % topics.all.length], dashboardPayload(seq)));
  const offsets = new Uint32Array(total + 1);
  for (let i = 0; i < total; i++) offsets[i + 1] = offsets[i] + packets[i].length;
  const bytes = new Uint8Array(offsets[total]);
  for (let i = 0; i < total; i++) bytes.set(packets[i], offsets[i]);

  /** The last value each topic got: text and level as shown. */
  const last = new Map();
  for (let seq = Math.max(0, total - topics.all.length); seq < total; seq++) {
    const n = Number(dashboardPayload(seq));
    last.set(topics.all[seq % topics.all.length], [numbers.format(n), levelOf(n)]);
  }
  const shown = (topic) => [topic, ...last.get(topic)];
  const chartMessages = Array.from({ length: total }, (_, seq) => seq % topics.all.length).filter((i) => i >= topics.values.length + topics.rows.length).length;
  const summaries = topics.charts.map((topic) => `${topic.split('/').at(-1)}: ${last.get(topic)[0]}`);
  return {
    bytes,
    offsets,
    /** `{topic: text}` of the single values and rows, for the page's settle check. */
    settled: Object.fromEntries([...topics.values, ...topics.rows].map((t) => [t, last.get(t)[0]])),
    expected: {
      values: topics.values.map(shown),
      rows: topics.rows.map(shown),
      summaries,
      points: chartMessages,
      received: total,
    },
  };
}
