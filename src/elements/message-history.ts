import type { MqttMessage } from '../core/message.js';

/**
 * The last `keep` messages of a `<mqtt-subscribe>`, with what the list shows for each: a text
 * made when first shown, not per message (a burst of 1,000 messages renders only the last few).
 */
export class MessageHistory {
  /** The kept messages, oldest first. */
  messages: readonly MqttMessage[] = [];
  /** Their texts for the list, made on first use. */
  displays: ReadonlyArray<() => string> = [];
  /** Every message so far: the list appends only those it has not shown. */
  received = 0;

  /** The latest message. */
  get latest(): MqttMessage | undefined {
    return this.messages[this.messages.length - 1];
  }

  /** Adds a message and its text, keeping the last `keep`. */
  add(message: MqttMessage, display: () => string, keep: number): void {
    this.received++;
    // keep === 1 is the common case: no copies of the history.
    this.messages = keep === 1 ? [message] : [...this.messages, message].slice(-keep);
    this.displays = keep === 1 ? [display] : [...this.displays, display].slice(-keep);
  }
}

/** How many messages an element keeps for a `history` setting: at least 1. */
export function keepOf(history: unknown): number {
  return Math.max(1, Math.floor(Number(history)) || 1);
}
