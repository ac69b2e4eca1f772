/**
 * How `<mqtt-subscribe>` writes what it received into the page: its own text, a history list,
 * or a `target` element's property or attribute. Text only: payloads are untrusted and never
 * reach an HTML parser: every write goes through write-value.ts.
 */
import type { MqttElementsError } from '../../errors.js';
import type { MessageHistory } from './message-history.js';
import { writeText, writeValue, type BindingSink } from './write-value.js';

export type { BindingSink } from './write-value.js';

/**
 * The element's own content: the latest value as text, or the last messages as a list. The list
 * costs O(1) DOM work per message: new items are appended, the oldest removed, nothing rebuilt.
 */
export class SubscribeView {
  readonly #host: HTMLElement;
  #list?: HTMLUListElement;
  /** How many messages (counted since the element was made) the list already shows. */
  #listed = 0;

  constructor(host: HTMLElement) {
    this.#host = host;
  }

  /** Content the page author put inside is theirs: then the element writes nothing of its own. */
  get hasAuthorContent(): boolean {
    for (let child = this.#host.firstElementChild; child; child = child.nextElementSibling) {
      if (child !== this.#list) return true;
    }
    return false;
  }

  /**
   * Shows what arrived as the element's own content: the latest value as text, or with `keep` > 1
   * the kept messages as a list; nothing when nothing arrived yet or the author put elements inside.
   */
  show(history: MessageHistory, keep: number, value: unknown, text: (value: unknown) => string): void {
    if (history.received === 0 || this.hasAuthorContent) return;
    if (keep > 1) this.showList(history.displays, history.received, keep);
    else this.showText(text(value));
  }

  /**
   * Shows `text` as the element's only content. Replaced, not rewritten in place through `data`,
   * which is slower on large pages (BENCHMARKS.md, "Why the code is the way it is").
   */
  showText(text: string): void {
    this.#list = undefined;
    // The host is an <mqtt-subscribe>, never a <script>: the write cannot be refused.
    writeText(this.#host, text);
  }

  /**
   * Shows the last messages as a list. `displays` are their texts, oldest first, at most `keep`;
   * `received` counts every message so far, so the list knows how many of them are new.
   */
  showList(displays: ReadonlyArray<() => string>, received: number, keep: number): void {
    const host = this.#host;
    let list = this.#list;
    const fresh = received - this.#listed;
    if (!list || list.parentNode !== host || fresh >= displays.length) {
      list = this.#list = document.createElement('ul');
      list.append(...displays.map(item));
    } else {
      for (const display of displays.slice(displays.length - fresh)) list.append(item(display));
    }
    while (list.childElementCount > keep) list.firstElementChild!.remove();
    this.#listed = received;
    if (host.firstChild !== list || host.childNodes.length > 1) host.replaceChildren(list);
  }
}

function item(display: () => string): HTMLLIElement {
  const li = document.createElement('li');
  writeText(li, display());
  return li;
}

/**
 * Writes `value` into the element `selector` finds in `root`. Returns false when there is no
 * such element yet (try again with the next value), true when it was written, or the error
 * that refused it (`unsafe-binding`: a `javascript:` URL into `href`, say; `binding-failed`: the
 * target threw).
 */
export function bindValue(
  root: Document | ShadowRoot,
  selector: string,
  sink: BindingSink,
  value: unknown,
  text?: (value: unknown) => string,
): boolean | MqttElementsError {
  let target: Element | null;
  try {
    target = root.querySelector(selector);
  } catch {
    return false;
  }
  if (!target) return false;
  return writeValue(target, sink, value, text);
}
