// Helpers for element tests that need no broker: mount a template with its events recorded from
// the first update on, and wait for element states. Unit tests (a fake connection) and broker
// tests use them alike; test/support/elements.ts adds what asks the brokers.
import { ContextProvider } from '@lit/context';
import { fixture, html } from '@open-wc/testing';
import { render, type TemplateResult } from 'lit';
import type {
  MqttConnectionElement,
  MqttErrorEvent,
  MqttMessageEvent,
  MqttPublishedEvent,
  MqttSubscribeElement,
} from '../../src/index.js';
import { mqttContext } from '../../src/context.js';
import type { MqttConnection } from '../../src/core/connection.js';
import { waitFor } from './wait.js';

export interface Mounted {
  /** The fixture's container; the template is rendered into it. */
  root: HTMLElement;
  /** Every `mqtt-error` that reached the container (they bubble), in order. */
  errors: MqttErrorEvent[];
  /** Every `mqtt-message` that reached the container, in order. */
  messages: MqttMessageEvent[];
  /** Every `mqtt-published` that reached the container, in order. */
  published: MqttPublishedEvent[];
  /** Uncaught errors and unhandled rejections while the test ran (must stay empty). */
  uncaught: unknown[];
  /** `root.querySelector` that fails the test when nothing matches. */
  $<E extends Element = HTMLElement>(selector: string): E;
}

/**
 * Renders `template` into a fresh fixture container whose listeners are in place before the
 * elements first update, so errors reported during the first update are recorded too. With
 * `provide`, the container hands that connection to the elements inside through mqttContext, as
 * an `<mqtt-connection>` would (a fake one in unit tests).
 */
export async function mount(template: TemplateResult, { provide }: { provide?: MqttConnection } = {}): Promise<Mounted> {
  const root = await fixture<HTMLDivElement>(html`<div></div>`);
  if (provide) new ContextProvider(root, { context: mqttContext, initialValue: provide });
  const errors: MqttErrorEvent[] = [];
  const messages: MqttMessageEvent[] = [];
  const published: MqttPublishedEvent[] = [];
  const uncaught: unknown[] = [];
  root.addEventListener('mqtt-error', (e) => errors.push(e));
  root.addEventListener('mqtt-message', (e) => messages.push(e));
  root.addEventListener('mqtt-published', (e) => published.push(e));
  const onError = (e: ErrorEvent) => uncaught.push(e.error ?? e.message);
  const onRejection = (e: PromiseRejectionEvent) => uncaught.push(e.reason);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  stopWatching.push(() => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  });
  render(template, root);
  const $ = <E extends Element = HTMLElement>(selector: string): E => {
    const found = root.querySelector<E>(selector);
    if (!found) throw new Error(`mount: nothing matches ${selector}`);
    return found;
  };
  return { root, errors, messages, published, uncaught, $ };
}

const stopWatching: Array<() => void> = [];
afterEach(() => {
  for (const stop of stopWatching.splice(0)) stop();
});

/** Waits until every element reports `status="subscribed"` (SUBACK received). */
export async function subscribed(...elements: MqttSubscribeElement[]): Promise<void> {
  await waitFor(() => elements.every((el) => el.status === 'subscribed'), {
    message: `subscribed: ${elements.map((el) => `${el.topic}=${el.status}`).join(', ')}`,
  });
  await Promise.all(elements.map((el) => el.updateComplete));
}

/** Waits until the connection is connected. */
export async function connected(connection: MqttConnectionElement): Promise<void> {
  await waitFor(() => connection.status === 'connected', { message: `connected: status ${connection.status}` });
}

/** The codes of the recorded errors that `element` dispatched. */
export function codesFrom(errors: MqttErrorEvent[], element: Element): string[] {
  return errors.filter((e) => e.target === element).map((e) => e.detail.error.code ?? '?');
}

/** Makes `count` messages wait for: resolves with the first `count` mqtt-message events of `el`. */
export function nextMessages(el: HTMLElement, count = 1): Promise<MqttMessageEvent[]> {
  return new Promise((resolve) => {
    const got: MqttMessageEvent[] = [];
    const listener = (e: MqttMessageEvent) => {
      got.push(e);
      if (got.length < count) return;
      el.removeEventListener('mqtt-message', listener);
      resolve(got);
    };
    el.addEventListener('mqtt-message', listener);
  });
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
