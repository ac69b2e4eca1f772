/**
 * Rows per topic (SPEC): with a `<template>` child, `<mqtt-subscribe>` shows one copy of it per
 * distinct topic matching its filter, in the order topics first arrive, each updated in place.
 * In a copy, `[data-value]` gets the formatted value as text, `[data-topic]` the topic and
 * `[data-topic-level="N"]` the topic's level N; its top-level elements carry `data-topic` and
 * reflect `level` and `stale` for their own topic. A zero-length payload removes its topic's copy;
 * beyond `limit` copies the one updated longest ago goes. Text only, never HTML: every write goes
 * through write-value.ts, which refuses a `<script>` marked `data-value` in the template.
 */
import type { MqttElementsError } from '../errors.js';
import { writeText } from './write-value.js';

/** One topic's copy of the template. */
interface Row {
  /** The copy's top-level elements (they carry `data-topic`, `level`, `stale`). */
  readonly tops: Element[];
  /** The copy's nodes, to remove them all. */
  readonly nodes: ChildNode[];
  readonly values: Element[];
  staleTimer?: ReturnType<typeof setTimeout>;
}

/** What a row shows for its topic's latest message. */
export interface RowUpdate {
  /** The decoded value (the last good one when a payload did not decode). */
  value: unknown;
  /** A zero-length payload: the topic's copy goes. */
  clear: boolean;
}

/** What the rows need from the element: formatting, levels, and the stale period. */
export interface RowFormat {
  text(value: unknown): string;
  level(value: unknown): number | undefined;
  /** ms without a message after which a row is stale, or 0. */
  staleAfterMs: number;
}

/** The rows of one element; messages are queued as they come and applied in its next render. */
export class RowsView {
  readonly #host: HTMLElement;
  /** In order of first arrival (the order on the page). */
  readonly #rows = new Map<string, Row>();
  /** Topics by last update, oldest first: who goes beyond `limit`. */
  readonly #recent = new Set<string>();
  /** The latest message per topic since the last render. */
  readonly #pending = new Map<string, RowUpdate>();
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

  /** A message for `topic`: kept until the next render, where only the latest per topic counts. */
  queue(topic: string, update: RowUpdate): void {
    this.#pending.delete(topic);
    this.#pending.set(topic, update);
  }

  /**
   * Applies the queued messages: one DOM update per topic that changed, whatever came in between.
   * Returns the error of a write the guard refused during this render, if any.
   */
  render(template: HTMLTemplateElement, format: RowFormat, limit: number): MqttElementsError | undefined {
    this.#refused = undefined;
    for (const [topic, update] of this.#pending) {
      if (update.clear) this.#remove(topic);
      else this.#update(template, topic, update.value, format);
    }
    this.#pending.clear();
    const max = Math.max(0, Math.floor(limit));
    for (const topic of this.#recent) {
      if (this.#rows.size <= max) break;
      this.#remove(topic);
    }
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
    const after = [...this.#rows.values()].at(-1)?.nodes.at(-1) ?? this.template;
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
  }
}
