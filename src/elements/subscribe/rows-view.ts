/**
 * Rows per topic (README, `<mqtt-subscribe>`): with a `<template>` child, `<mqtt-subscribe>` shows one copy of it per
 * distinct topic matching its filter, in the order topics first arrive, each updated in place.
 * In a copy, `[data-value]` gets the formatted value as text, `[data-topic]` the topic and
 * `[data-topic-level="N"]` the topic's level N; its top-level elements carry `data-topic` and
 * reflect `level` and `stale` for their own topic. A zero-length payload removes its topic's copy;
 * beyond `limit` copies the one updated longest ago goes. Text only, never HTML: every write goes
 * through write-value.ts, which refuses a `<script>` marked `data-value` in the template.
 *
 * Work per message is O(1) whatever the burst: a message only queues, the queue keeps at most
 * `limit` topics (older ones could not keep a row anyway), and a render makes room before it makes
 * rows, so a burst of 5,000 topics with `limit` 100 makes 100 rows, not 5,000 to remove 4,900.
 */
import type { MqttElementsError } from '../../errors.js';
import { writeText } from '../internal/write-value.js';
import type { RowFormat } from '../internal/display-controller.js';

/** One topic's copy of the template. */
interface Row {
  /** The copy's top-level elements (they carry `data-topic`, `level`, `stale`). */
  readonly tops: Element[];
  /** The copy's nodes, to remove them all. */
  readonly nodes: ChildNode[];
  readonly values: Element[];
  staleTimer?: ReturnType<typeof setTimeout>;
  /** The rows before and after it on the page (order of first arrival): a new row goes after the last in O(1). */
  prev?: Row | undefined;
  next?: Row | undefined;
}

/** What a row shows for its topic's latest message. */
export interface RowUpdate {
  /** The decoded value (the last good one when a payload did not decode). */
  value: unknown;
  /** A zero-length payload: the topic's copy goes. */
  clear: boolean;
}


/** The rows of one element; messages are queued as they come and applied in its next render. */
export class RowsView {
  readonly #host: HTMLElement;
  /** In order of first arrival (the order on the page). */
  readonly #rows = new Map<string, Row>();
  /** The row last on the page: the next new one goes after it. */
  #last?: Row | undefined;
  /** Topics by last update, oldest first: who goes beyond `limit`. */
  readonly #recent = new Set<string>();
  /** The latest value per topic since the last render, oldest update first; at most `limit` of them. */
  readonly #updates = new Map<string, unknown>();
  /** Topics whose row a zero-length payload removes at the next render. */
  readonly #clears = new Set<string>();
  /** Why the last render left a value or topic unwritten (a `<script data-value>`), if it did. */
  #refused?: MqttElementsError | undefined;

  constructor(host: HTMLElement) {
    this.#host = host;
  }

  /** The element's `<template>` child, if it has one (then it shows rows). */
  get template(): HTMLTemplateElement | undefined {
    for (let child = this.#host.firstElementChild; child; child = child.nextElementSibling) {
      if (child instanceof HTMLTemplateElement) return child;
    }
    return undefined;
  }

  /**
   * A message for `topic`: kept until the next render, where only the latest per topic counts.
   * O(1): beyond `limit` topics queued, the one queued longest ago is forgotten, since `limit`
   * topics updated after it leave it no row (its row, if it has one, goes at the render).
   */
  queue(topic: string, update: RowUpdate, limit: number): void {
    this.#updates.delete(topic);
    if (update.clear) {
      if (this.#rows.has(topic)) this.#clears.add(topic);
      return;
    }
    this.#clears.delete(topic);
    this.#updates.set(topic, update.value);
    if (this.#updates.size > Math.max(0, limit)) this.#updates.delete(this.#updates.keys().next().value!);
  }

  /**
   * Applies the queued messages: one DOM update per topic that changed, whatever came in between.
   * Room is made first (the rows updated longest ago go), then rows are updated and made: never
   * more than `limit` rows at any time, and O(limit) work however many messages came. Returns the
   * error of a write the guard refused during this render, if any.
   */
  render(template: HTMLTemplateElement, format: RowFormat, limit: number): MqttElementsError | undefined {
    this.#refused = undefined;
    const max = Math.max(0, Math.floor(limit));
    for (const topic of this.#clears) this.#remove(topic);
    this.#clears.clear();
    let fresh = 0;
    for (const topic of this.#updates.keys()) if (!this.#rows.has(topic)) fresh++;
    for (const topic of this.#recent) {
      if (this.#rows.size + fresh <= max) break;
      if (!this.#updates.has(topic)) this.#remove(topic);
    }
    // More queued than `limit` allows now (it was lowered since): the oldest of them get no row.
    let skip = this.#updates.size - max;
    for (const [topic, value] of this.#updates) {
      if (skip-- > 0) this.#remove(topic);
      else this.#update(template, topic, value, format);
    }
    this.#updates.clear();
    return this.#refused;
  }

  /** Removes every row (the element leaves rows mode, or is removed). */
  clear(): void {
    for (const topic of [...this.#rows.keys()]) this.#remove(topic);
  }

  #update(template: HTMLTemplateElement, topic: string, value: unknown, format: RowFormat): void {
    let row = this.#rows.get(topic);
    if (!row) {
      row = this.#create(template, topic);
      this.#rows.set(topic, row);
      row.prev = this.#last;
      if (this.#last) this.#last.next = row;
      this.#last = row;
    }
    this.#recent.delete(topic);
    this.#recent.add(topic);
    const text = format.text(value);
    for (const element of row.values) this.#write(element, text);
    const level = format.level(value);
    for (const top of row.tops) {
      if (level === undefined) top.removeAttribute('level');
      else top.setAttribute('level', String(level));
      top.removeAttribute('stale');
    }
    clearTimeout(row.staleTimer);
    if (format.staleAfterMs > 0) {
      const stale = row;
      row.staleTimer = setTimeout(() => {
        for (const top of stale.tops) top.setAttribute('stale', '');
      }, format.staleAfterMs);
    }
  }

  #create(template: HTMLTemplateElement, topic: string): Row {
    const fragment = template.content.cloneNode(true) as DocumentFragment;
    const levels = topic.split('/');
    for (const element of fragment.querySelectorAll('[data-topic]')) this.#write(element, topic);
    for (const element of fragment.querySelectorAll('[data-topic-level]')) {
      this.#write(element, levels[Number(element.getAttribute('data-topic-level'))] ?? '');
    }
    const values = [...fragment.querySelectorAll('[data-value]')];
    const tops = [...fragment.children];
    for (const top of tops) top.setAttribute('data-topic', topic);
    const nodes = [...fragment.childNodes];
    // After the last row, or after the template: rows stay in order of first arrival.
    const after = this.#last?.nodes.at(-1) ?? this.template;
    if (after) after.after(fragment);
    else this.#host.append(fragment);
    return { tops, nodes, values };
  }

  #write(element: Element, text: string): void {
    const written = writeText(element, text);
    if (written !== true) this.#refused ??= written;
  }

  #remove(topic: string): void {
    const row = this.#rows.get(topic);
    if (!row) return;
    clearTimeout(row.staleTimer);
    for (const node of row.nodes) node.remove();
    this.#rows.delete(topic);
    this.#recent.delete(topic);
    if (row.prev) row.prev.next = row.next;
    if (row.next) row.next.prev = row.prev;
    if (this.#last === row) this.#last = row.prev;
  }
}
