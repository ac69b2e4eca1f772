import { expect } from '@open-wc/testing';
import { TopicRouter } from '../../src/core/topic-router.js';
import { topicMatches } from '../../src/core/topic.js';

/** Every value `router` visits for `topic`, in visiting order (duplicates kept, to catch them). */
function matchAll<T>(router: TopicRouter<T>, topic: string): T[] {
  const seen: T[] = [];
  router.match(topic, (v) => seen.push(v));
  return seen;
}

function sorted<T>(values: T[]): T[] {
  return [...values].sort();
}

/** mulberry32: a small deterministic PRNG, so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('core/topic-router', () => {
  describe('add / match', () => {
    it('matches nothing when empty', () => {
      const router = new TopicRouter<string>();
      expect(matchAll(router, 'a/b')).to.deep.equal([]);
      expect(router.size).to.equal(0);
    });

    it('routes an exact filter to its value only for that topic', () => {
      const router = new TopicRouter<string>();
      router.add('a/b', 'x');
      expect(matchAll(router, 'a/b')).to.deep.equal(['x']);
      expect(matchAll(router, 'a')).to.deep.equal([]);
      expect(matchAll(router, 'a/b/c')).to.deep.equal([]);
      expect(matchAll(router, 'a/c')).to.deep.equal([]);
    });

    it('routes "+" to exactly one level, including an empty one', () => {
      const router = new TopicRouter<string>();
      router.add('+/b', 'x');
      expect(matchAll(router, 'a/b')).to.deep.equal(['x']);
      expect(matchAll(router, '/b')).to.deep.equal(['x']);
      expect(matchAll(router, 'b')).to.deep.equal([]);
      expect(matchAll(router, 'a/c/b')).to.deep.equal([]);
    });

    it('routes "#" to the level itself and everything below it', () => {
      const router = new TopicRouter<string>();
      router.add('a/#', 'x');
      expect(matchAll(router, 'a')).to.deep.equal(['x']);
      expect(matchAll(router, 'a/b')).to.deep.equal(['x']);
      expect(matchAll(router, 'a/b/c/d')).to.deep.equal(['x']);
      expect(matchAll(router, 'b')).to.deep.equal([]);
      expect(matchAll(router, 'ab')).to.deep.equal([]);
    });

    it('routes "#" alone to every non-$ topic', () => {
      const router = new TopicRouter<string>();
      router.add('#', 'all');
      for (const topic of ['a', 'a/b', '/', '/a', 'a/']) {
        expect(matchAll(router, topic), topic).to.deep.equal(['all']);
      }
    });

    it('visits every matching filter once', () => {
      const router = new TopicRouter<string>();
      for (const filter of ['a/b/c', 'a/+/c', '+/b/c', '+/+/+', 'a/#', 'a/b/#', '#', 'a/b', 'a/+', 'x/#']) {
        router.add(filter, filter);
      }
      expect(sorted(matchAll(router, 'a/b/c'))).to.deep.equal(
        sorted(['a/b/c', 'a/+/c', '+/b/c', '+/+/+', 'a/#', 'a/b/#', '#']),
      );
      expect(sorted(matchAll(router, 'a/b'))).to.deep.equal(sorted(['a/b', 'a/+', 'a/#', 'a/b/#', '#']));
    });

    it('keeps several values on one filter', () => {
      const router = new TopicRouter<string>();
      router.add('a/+', 'one');
      router.add('a/+', 'two');
      router.add('a/+', 'three');
      expect(sorted(matchAll(router, 'a/b'))).to.deep.equal(['one', 'three', 'two']);
      expect(router.size).to.equal(3);
    });

    it('adds a (filter, value) pair only once', () => {
      const router = new TopicRouter<string>();
      router.add('a/b', 'x');
      router.add('a/b', 'x');
      expect(router.size).to.equal(1);
      expect(matchAll(router, 'a/b')).to.deep.equal(['x']);
    });

    it('keys values by identity', () => {
      const router = new TopicRouter<{ id: number }>();
      const one = { id: 1 };
      const other = { id: 1 };
      router.add('t', one);
      router.add('t', other);
      expect(router.size).to.equal(2);
      const seen = matchAll(router, 't');
      expect(seen).to.have.length(2);
      expect(seen).to.include(one).and.include(other);
    });

    it('tells apart an empty level from no level', () => {
      const router = new TopicRouter<string>();
      router.add('a/', 'slash');
      router.add('a', 'bare');
      router.add('/a', 'leading');
      expect(matchAll(router, 'a/')).to.deep.equal(['slash']);
      expect(matchAll(router, 'a')).to.deep.equal(['bare']);
      expect(matchAll(router, '/a')).to.deep.equal(['leading']);
    });
  });

  describe('the $ rule (§4.7.2)', () => {
    it('does not route $-topics to "#" or "+" at the first level', () => {
      const router = new TopicRouter<string>();
      router.add('#', 'hash');
      router.add('+', 'plus');
      router.add('+/broker/uptime', 'plus-path');
      router.add('+/#', 'plus-hash');
      expect(matchAll(router, '$SYS')).to.deep.equal([]);
      expect(matchAll(router, '$SYS/broker/uptime')).to.deep.equal([]);
      // The same filters do see an ordinary topic.
      expect(sorted(matchAll(router, 'x/broker/uptime'))).to.deep.equal(['hash', 'plus-hash', 'plus-path']);
    });

    it('routes $-topics to filters that name the first level', () => {
      const router = new TopicRouter<string>();
      router.add('$SYS/#', 'sys-all');
      router.add('$SYS/+/uptime', 'sys-plus');
      router.add('$SYS/broker/uptime', 'sys-exact');
      expect(sorted(matchAll(router, '$SYS/broker/uptime'))).to.deep.equal(['sys-all', 'sys-exact', 'sys-plus']);
      expect(matchAll(router, '$SYS')).to.deep.equal(['sys-all']);
    });

    it('applies wildcards normally below the first level of a $-topic', () => {
      const router = new TopicRouter<string>();
      router.add('$share/#', 'deep');
      router.add('a/#', 'a-hash');
      router.add('a/+', 'a-plus');
      expect(matchAll(router, '$share/g/t')).to.deep.equal(['deep']);
      expect(sorted(matchAll(router, 'a/$x'))).to.deep.equal(['a-hash', 'a-plus']);
    });
  });

  describe('delete', () => {
    it('removes one pair and reports it', () => {
      const router = new TopicRouter<string>();
      router.add('a/+', 'one');
      router.add('a/+', 'two');
      expect(router.delete('a/+', 'one')).to.equal(true);
      expect(matchAll(router, 'a/b')).to.deep.equal(['two']);
      expect(router.size).to.equal(1);
    });

    it('returns false for a pair that is not held, leaving size alone', () => {
      const router = new TopicRouter<string>();
      router.add('a/b', 'x');
      expect(router.delete('a/b', 'y')).to.equal(false);
      expect(router.delete('a/c', 'x')).to.equal(false);
      expect(router.delete('a', 'x')).to.equal(false); // a prefix node without values
      expect(router.delete('a/b/c', 'x')).to.equal(false);
      expect(router.size).to.equal(1);
      expect(matchAll(router, 'a/b')).to.deep.equal(['x']);
    });

    it('returns false the second time', () => {
      const router = new TopicRouter<string>();
      router.add('a', 'x');
      expect(router.delete('a', 'x')).to.equal(true);
      expect(router.delete('a', 'x')).to.equal(false);
      expect(router.size).to.equal(0);
    });

    it('prunes a leaf but keeps a parent filter that still has values', () => {
      const router = new TopicRouter<string>();
      router.add('a/b', 'parent');
      router.add('a/b/c', 'leaf');
      expect(router.delete('a/b/c', 'leaf')).to.equal(true);
      expect(matchAll(router, 'a/b')).to.deep.equal(['parent']);
      expect(matchAll(router, 'a/b/c')).to.deep.equal([]);
    });

    it('keeps the children of a filter whose own values are gone', () => {
      const router = new TopicRouter<string>();
      router.add('a/b', 'parent');
      router.add('a/b/c', 'leaf');
      router.add('a/b/#', 'hash');
      expect(router.delete('a/b', 'parent')).to.equal(true);
      expect(matchAll(router, 'a/b')).to.deep.equal(['hash']);
      expect(sorted(matchAll(router, 'a/b/c'))).to.deep.equal(['hash', 'leaf']);
    });

    it('keeps sibling branches when pruning', () => {
      const router = new TopicRouter<string>();
      router.add('a/b/c', 'abc');
      router.add('a/x', 'ax');
      router.add('a/+/c', 'a+c');
      expect(router.delete('a/b/c', 'abc')).to.equal(true);
      expect(matchAll(router, 'a/x')).to.deep.equal(['ax']);
      expect(matchAll(router, 'a/b/c')).to.deep.equal(['a+c']);
    });

    it('leaves a router that works as new after everything is deleted and re-added', () => {
      const router = new TopicRouter<string>();
      const filters = ['a/b/c', 'a/#', '+/b', '#', '$SYS/#', 'a/'];
      for (const f of filters) router.add(f, f);
      for (const f of filters) expect(router.delete(f, f), f).to.equal(true);
      expect(router.size).to.equal(0);
      for (const topic of ['a/b/c', 'a', 'x/b', '$SYS/x', 'a/']) expect(matchAll(router, topic)).to.deep.equal([]);
      router.add('a/b/c', 'again');
      expect(matchAll(router, 'a/b/c')).to.deep.equal(['again']);
      expect(router.size).to.equal(1);
    });

    it('does not prune "#" when deleting its parent filter', () => {
      const router = new TopicRouter<string>();
      router.add('a', 'bare');
      router.add('a/#', 'hash');
      expect(router.delete('a', 'bare')).to.equal(true);
      expect(matchAll(router, 'a')).to.deep.equal(['hash']);
    });
  });

  describe('size', () => {
    it('counts (filter, value) pairs', () => {
      const router = new TopicRouter<number>();
      router.add('a', 1);
      router.add('a', 2);
      router.add('b', 1);
      router.add('b', 1);
      expect(router.size).to.equal(3);
      router.delete('a', 1);
      expect(router.size).to.equal(2);
      router.delete('a', 1);
      expect(router.size).to.equal(2);
    });
  });

  describe('agrees with topicMatches on generated filters and topics', () => {
    const random = prng(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const words = ['a', 'b', 'c', '', '$SYS', '$x', 'home', 'x'] as const;

    function topic(): string {
      const depth = 1 + Math.floor(random() * 4);
      return Array.from({ length: depth }, () => pick(words)).join('/');
    }
    function filter(): string {
      const depth = 1 + Math.floor(random() * 4);
      const levels: string[] = Array.from({ length: depth }, () => (random() < 0.3 ? '+' : pick(words)));
      if (random() < 0.3) levels[levels.length - 1] = '#';
      return levels.join('/');
    }

    const filters = Array.from({ length: 200 }, filter);
    const topics = Array.from({ length: 200 }, topic);
    // Make sure the tricky shapes are in, whatever the generator produced.
    filters.push('#', '+', '+/#', '$SYS/#', 'a/#', '/#', '+/+');
    topics.push('$SYS', 'a', '/', '', 'a/');

    it('visits exactly the matching filters, each once', () => {
      const router = new TopicRouter<number>();
      filters.forEach((f, i) => router.add(f, i));
      expect(router.size).to.equal(filters.length);
      let matchesSeen = 0;
      for (const t of topics) {
        const expected = filters.flatMap((f, i) => (topicMatches(f, t) ? [i] : []));
        const actual = matchAll(router, t).sort((x, y) => x - y);
        expect(actual, `topic ${JSON.stringify(t)}`).to.deep.equal(expected);
        matchesSeen += expected.length;
      }
      // The generated set must exercise both outcomes, or the comparison proves little.
      expect(matchesSeen).to.be.greaterThan(500);
      expect(matchesSeen).to.be.lessThan(filters.length * topics.length);
    });

    it('still agrees after deleting every other filter', () => {
      const router = new TopicRouter<number>();
      filters.forEach((f, i) => router.add(f, i));
      filters.forEach((f, i) => {
        if (i % 2 === 0) expect(router.delete(f, i)).to.equal(true);
      });
      expect(router.size).to.equal(Math.floor(filters.length / 2));
      for (const t of topics) {
        const expected = filters.flatMap((f, i) => (i % 2 === 1 && topicMatches(f, t) ? [i] : []));
        expect(matchAll(router, t).sort((x, y) => x - y), `topic ${JSON.stringify(t)}`).to.deep.equal(expected);
      }
    });
  });
});
