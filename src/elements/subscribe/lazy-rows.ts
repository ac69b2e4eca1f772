/**
 * `LazyRows`: `<mqtt-subscribe>`'s rows per topic (rows-view.ts), whose code loads when an element
 * first renders with a `<template>` child: a page without one never downloads it. Messages keep
 * coming while it loads; they are kept as `RowsView.queue` keeps them (with no row on the page yet:
 * the latest value per topic, in order of last update, at most `limit` topics, a zero-length
 * payload forgetting its topic), handed to the view in that order once it is there, and rendered
 * by the update the arrival asks for. So the rows are the same as if the code had been there.
 */
import type { MqttElementsError } from '../../errors.js';
import { loadPart } from '../../core/load-part.js';
import type { RowFormat } from '../internal/display-controller.js';
import type { RowsView, RowUpdate } from './rows-view.js';

export class LazyRows {
  readonly #host: HTMLElement & { requestUpdate(): void };
  #view?: RowsView;
  #loading = false;
  /** Why the code did not load, shown as the element's `rows` problem. */
  #failed?: MqttElementsError;
  /** Queued before the code arrived: the latest value per topic, oldest update first. */
  readonly #early = new Map<string, unknown>();

  constructor(host: HTMLElement & { requestUpdate(): void }) {
    this.#host = host;
  }

  /** The element's `<template>` child, if it has one (then it shows rows). */
  get template(): HTMLTemplateElement | undefined {
    for (let child = this.#host.firstElementChild; child; child = child.nextElementSibling) {
      if (child instanceof HTMLTemplateElement) return child;
    }
    return undefined;
  }

  /** A message for `topic`, kept until the next render (RowsView.queue's rule, O(1)). */
  queue(topic: string, update: RowUpdate, limit: number): void {
    if (this.#view) return this.#view.queue(topic, update, limit);
    this.#early.delete(topic);
    if (update.clear) return;
    this.#early.set(topic, update.value);
    if (this.#early.size > Math.max(0, limit)) this.#early.delete(this.#early.keys().next().value!);
  }

  /** Renders the queued messages into rows; the first call loads the code (the rows follow in the next update). */
  render(template: HTMLTemplateElement, format: RowFormat, limit: number): MqttElementsError | undefined {
    if (this.#view) return this.#view.render(template, format, limit);
    if (!this.#loading) this.#load();
    return this.#failed;
  }

  #load(): void {
    this.#loading = true;
    loadPart(() => import('./rows-view.js'), 'rows from a <template>', 'binding-failed').then(
      ({ RowsView }) => {
        const view = new RowsView(this.#host);
        // Already kept to `limit` as they came; the render applies the limit of its time.
        for (const [topic, value] of this.#early) view.queue(topic, { value, clear: false }, Infinity);
        this.#early.clear();
        this.#view = view;
        this.#host.requestUpdate();
      },
      (e: MqttElementsError) => {
        this.#failed = e;
        this.#host.requestUpdate();
      },
    );
  }
}
