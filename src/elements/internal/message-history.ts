import type { MqttMessage } from '../../core/message.js';

/**
 * The last `keep` messages of a `<mqtt-subscribe>`, with what the list shows for each: a text
 * made when first shown, not per message (a burst of 1,000 messages renders only the last few).
 *
 * `add` is O(1) on average whatever `keep` is: messages are appended and the dropped ones skipped
 * (moved down now and then), and the `messages` and `displays` arrays are made when read, once
 * per change, not per message.
 */
export class MessageHistory {
  #messages: MqttMessage[] = [];
  #displays: Array<() => string> = [];
  /** Index of the first kept message. */
  #head = 0;
  #messageList?: readonly MqttMessage[] | undefined;
  #displayList?: ReadonlyArray<() => string> | undefined;
  /** Every message so far: the list appends only those it has not shown. */
  received = 0;

  /** The kept messages, oldest first. */
  get messages(): readonly MqttMessage[] {
    return (this.#messageList ??= this.#messages.slice(this.#head));
  }

  /** Their texts for the list, made on first use. */
  get displays(): ReadonlyArray<() => string> {
    return (this.#displayList ??= this.#displays.slice(this.#head));
  }

  /** The latest message. */
  get latest(): MqttMessage | undefined {
    return this.#head < this.#messages.length ? this.#messages[this.#messages.length - 1] : undefined;
  }

  /** Adds a message and its text, keeping the last `keep`. */
  add(message: MqttMessage, display: () => string, keep: number): void {
    this.received++;
    this.#messages.push(message);
    this.#displays.push(display);
    this.#head = Math.max(this.#head, this.#messages.length - Math.max(1, keep));
    if (this.#head > 64 && this.#head * 2 > this.#messages.length) {
      this.#messages = this.#messages.slice(this.#head);
      this.#displays = this.#displays.slice(this.#head);
      this.#head = 0;
    }
    this.#messageList = undefined;
    this.#displayList = undefined;
  }
}
