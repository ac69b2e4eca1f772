/** Topic routing for the subscriptions of a connection: a trie of MQTT topic filters. No DOM. */

interface TrieNode<T> {
  /** Made on the first child: most nodes are leaves (one per distinct topic on a busy page). */
  children?: Map<string, TrieNode<T>>;
  /** Values of the filter that ends at this node. */
  values: Set<T>;
}

function node<T>(): TrieNode<T> {
  return { values: new Set() };
}

/**
 * A trie of topic filters. Looking a topic up costs in proportion to its depth and to the number
 * of filters it matches, not to how many filters are registered, so 10,000 elements on distinct
 * topics cost a message no more than 10 do. Follows MQTT's rule that a wildcard in the first
 * level does not match a topic starting with `$`.
 */
export class TopicRouter<T> {
  #root: TrieNode<T> = node();
  #size = 0;

  /** Number of (filter, value) pairs held. */
  get size(): number {
    return this.#size;
  }

  /** Routes topics matching `filter` to `value`. The filter must already be valid. */
  add(filter: string, value: T): void {
    let n = this.#root;
    for (const level of filter.split('/')) {
      let next = n.children?.get(level);
      if (!next) (n.children ??= new Map()).set(level, (next = node()));
      n = next;
    }
    if (!n.values.has(value)) {
      n.values.add(value);
      this.#size++;
    }
  }

  /** Removes one (filter, value) pair, pruning branches left empty. */
  delete(filter: string, value: T): boolean {
    const path: Array<[TrieNode<T>, string]> = [];
    let n: TrieNode<T> | undefined = this.#root;
    for (const level of filter.split('/')) {
      path.push([n, level]);
      n = n.children?.get(level);
      if (!n) return false;
    }
    if (!n.values.delete(value)) return false;
    this.#size--;
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, level] = path[i];
      const child = parent.children!.get(level)!;
      if (child.values.size > 0 || (child.children?.size ?? 0) > 0) break;
      parent.children!.delete(level);
    }
    return true;
  }

  /** Calls `visit` once for each value whose filter matches `topic`. */
  match(topic: string, visit: (value: T) => void): void {
    const levels = topic.split('/');
    // MQTT §4.7.2: first-level wildcards do not match topics starting with '$'.
    this.#walk(this.#root, levels, 0, visit, topic.startsWith('$'));
  }

  #walk(n: TrieNode<T>, levels: string[], i: number, visit: (value: T) => void, dollar: boolean): void {
    const children = n.children;
    if (children && !(dollar && i === 0)) {
      // '#' also matches the parent level itself ("a/#" matches "a").
      const hash = children.get('#');
      if (hash) hash.values.forEach(visit);
    }
    if (i === levels.length) {
      n.values.forEach(visit);
      return;
    }
    if (!children) return;
    const exact = children.get(levels[i]);
    if (exact) this.#walk(exact, levels, i + 1, visit, dollar);
    if (!(dollar && i === 0)) {
      const plus = children.get('+');
      if (plus) this.#walk(plus, levels, i + 1, visit, dollar);
    }
  }
}
