import { expect } from '@open-wc/testing';
import { matchedFilter, topicFilterError, topicMatches, topicNameError } from '../../src/core/topic.js';
import { SubscriptionRegistry } from '../../src/core/subscriptions.js';

const MAX_BYTES = 65535;

describe('core/topic', () => {
  describe('topicNameError (§4.7, names to publish to)', () => {
    for (const name of ['a', 'a/b/c', '/', '/a', 'a/', 'a//b', '$SYS/broker', 'sport/tennis player1', 'ü/€/𝄞', ' ']) {
      it(`accepts ${JSON.stringify(name)}`, () => {
        expect(topicNameError(name)).to.equal(undefined);
      });
    }

    it('refuses the empty string', () => {
      expect(topicNameError('')).to.be.a('string').and.match(/empty/);
    });

    it('refuses U+0000 anywhere', () => {
      expect(topicNameError('a\u0000b')).to.be.a('string').and.match(/U\+0000/);
      expect(topicNameError('\u0000')).to.equal('a topic must not contain U+0000');
    });

    for (const name of ['+', '#', 'a/+', 'a/#', 'a/+/b', 'a+', '+a', 'a#', 'sport/tennis#', 'a/b+c']) {
      it(`refuses the wildcard in ${JSON.stringify(name)}`, () => {
        expect(topicNameError(name)).to.be.a('string').and.match(/wildcard/);
      });
    }

    it('refuses anything that is not a string', () => {
      for (const value of [undefined, null, 42, {}, ['a'], true]) {
        expect(topicNameError(value), String(value)).to.be.a('string').and.match(/string/);
      }
    });

    it('accepts exactly 65535 UTF-8 bytes of ASCII', () => {
      expect(topicNameError('a'.repeat(MAX_BYTES))).to.equal(undefined);
    });

    it('refuses 65536 UTF-8 bytes of ASCII', () => {
      expect(topicNameError('a'.repeat(MAX_BYTES + 1))).to.be.a('string').and.match(/65535/);
    });

    it('counts UTF-8 bytes, not UTF-16 code units: 3-byte characters', () => {
      // '€' is 1 UTF-16 unit, 3 UTF-8 bytes: 21845 of them are 65535 bytes, 21846 are 65538.
      expect('€'.length).to.equal(1);
      expect(topicNameError('€'.repeat(21845))).to.equal(undefined);
      expect(topicNameError('€'.repeat(21846))).to.be.a('string').and.match(/65535/);
    });

    it('counts UTF-8 bytes, not UTF-16 code units: 2-byte characters', () => {
      // 'é' is 2 bytes: 32767 of them plus one ASCII byte are 65535 bytes.
      expect(topicNameError('é'.repeat(32767) + 'a')).to.equal(undefined);
      expect(topicNameError('é'.repeat(32768))).to.be.a('string').and.match(/65535/);
    });

    it('counts UTF-8 bytes, not UTF-16 code units: astral characters', () => {
      // '𝄞' is 2 UTF-16 units and 4 UTF-8 bytes: 16383 are 65532 bytes (+3 ASCII = 65535).
      expect('𝄞'.length).to.equal(2);
      expect(topicNameError('𝄞'.repeat(16383) + 'abc')).to.equal(undefined);
      expect(topicNameError('𝄞'.repeat(16384))).to.be.a('string').and.match(/65535/);
    });
  });

  describe('topicFilterError (§4.7, filters to subscribe to)', () => {
    const valid = [
      'a',
      'a/b/c',
      '#',
      '+',
      '+/+',
      '/+',
      '+/',
      'a/#',
      'a/+/c',
      '+/b/#',
      '/',
      '/a',
      'a/',
      'a//b',
      '//',
      '$SYS/#',
      '$SYS/+/x',
      'sport/tennis/+',
      '/#',
    ];
    for (const filter of valid) {
      it(`accepts ${JSON.stringify(filter)}`, () => {
        expect(topicFilterError(filter)).to.equal(undefined);
      });
    }

    it('refuses the empty string', () => {
      expect(topicFilterError('')).to.be.a('string').and.match(/empty/);
    });

    it('refuses U+0000', () => {
      expect(topicFilterError('a/\u0000/b')).to.be.a('string').and.match(/U\+0000/);
    });

    for (const filter of ['#/a', 'a/#/b', '#/#', '#/', '#/+']) {
      it(`refuses ${JSON.stringify(filter)}: "#" not last`, () => {
        expect(topicFilterError(filter)).to.be.a('string').and.match(/last/);
      });
    }

    for (const filter of ['a+', '+a', 'a#', '#a', 'a/b+', 'a/+b/c', 'sport/tennis#', '++', '+#', 'a/b#/c']) {
      it(`refuses ${JSON.stringify(filter)}: wildcard not filling a level`, () => {
        expect(topicFilterError(filter)).to.be.a('string').and.match(/whole level/);
      });
    }

    it('refuses anything that is not a string', () => {
      for (const value of [undefined, null, 0, {}, ['#']]) {
        expect(topicFilterError(value), String(value)).to.equal('a topic must be a string');
      }
    });

    it('applies the 65535-byte limit in UTF-8', () => {
      expect(topicFilterError('€'.repeat(21845))).to.equal(undefined);
      expect(topicFilterError('€'.repeat(21846))).to.be.a('string').and.match(/65535/);
      expect(topicFilterError('a'.repeat(MAX_BYTES - 2) + '/#')).to.equal(undefined);
      expect(topicFilterError('a'.repeat(MAX_BYTES - 1) + '/#')).to.equal('a topic must not be longer than 65535 bytes in UTF-8');
    });

    it('accepts every valid topic name as a filter', () => {
      for (const name of ['a', 'a/b', '/', 'a//b', '$SYS/x']) {
        expect(topicNameError(name)).to.equal(undefined);
        expect(topicFilterError(name)).to.equal(undefined);
      }
    });
  });

  describe('topicMatches', () => {
    const cases: Array<[filter: string, topic: string, matches: boolean]> = [
      // exact
      ['a/b', 'a/b', true],
      ['a/b', 'a/c', false],
      ['a/b', 'a/b/c', false],
      ['a/b/c', 'a/b', false],
      ['a', 'A', false],
      ['/a', 'a', false],
      ['a/', 'a', false],
      ['a/', 'a/', true],
      // '+'
      ['+', 'a', true],
      ['+', 'a/b', false],
      ['+', '/a', false],
      ['a/+', 'a/b', true],
      ['a/+', 'a', false],
      ['a/+', 'a/b/c', false],
      ['a/+/c', 'a/b/c', true],
      ['a/+/c', 'a/b/d', false],
      ['+/+', 'a/b', true],
      ['+/+', '/b', true],
      ['+/+', 'a/', true],
      ['+/+', '/', true],
      ['+/b', '/b', true], // '+' matches an empty level
      ['a/+/b', 'a//b', true],
      ['a/+', 'a/', true],
      ['+', '', true],
      // '#'
      ['#', 'a', true],
      ['#', 'a/b/c', true],
      ['#', '/', true],
      ['a/#', 'a', true], // '#' also matches the parent level
      ['a/#', 'a/b', true],
      ['a/#', 'a/b/c', true],
      ['a/#', 'a/', true],
      ['a/#', 'b', false],
      ['a/#', 'ab', false],
      ['a/b/#', 'a', false],
      ['+/#', 'a', true],
      ['+/#', 'a/b/c', true],
      ['/#', '/a', true],
      ['/#', 'a', false],
      // '$' topics (§4.7.2)
      ['#', '$SYS', false],
      ['#', '$SYS/broker/uptime', false],
      ['+', '$SYS', false],
      ['+/broker/uptime', '$SYS/broker/uptime', false],
      ['+/#', '$SYS/broker', false],
      ['$SYS/#', '$SYS/broker/uptime', true],
      ['$SYS/#', '$SYS', true],
      ['$SYS/+/uptime', '$SYS/broker/uptime', true],
      ['$SYS/broker/uptime', '$SYS/broker/uptime', true],
      ['a/#', 'a/$b', true], // only the first level is special
      ['a/+', 'a/$b', true],
      ['+/x', 'a$/x', true], // '$' must be the first character
    ];
    for (const [filter, topic, matches] of cases) {
      it(`${JSON.stringify(filter)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(topic)}`, () => {
        expect(topicMatches(filter, topic)).to.equal(matches);
      });
    }
  });

  describe('shared subscriptions ($share/group/filter, MQTT 5 §4.8.2)', () => {
    it('accepts a group name and a valid filter after it', () => {
      for (const f of ['$share/g/a/+', '$share/dash-1/home/#', '$share/g/#']) expect(topicFilterError(f), f).to.equal(undefined);
    });

    it('refuses a missing or wildcard group name, or no filter, naming the form to use', () => {
      for (const f of ['$share//a', '$share/g', '$share/g+/a', '$share/#/a']) {
        expect(topicFilterError(f), f).to.equal(`"${f}": a shared subscription is $share/<group name>/<filter>, the group name without + or #`);
      }
      expect(topicFilterError('$share/g/a/#/b')).to.equal('"a/#/b": "#" must be the last level of a filter');
    });

    it('matches messages on the real topic: the broker strips the prefix', () => {
      expect(matchedFilter('$share/g/home/+/t')).to.equal('home/+/t');
      expect(matchedFilter('home/+/t')).to.equal('home/+/t');
      const registry = new SubscriptionRegistry();
      const got: string[] = [];
      registry.acquire('$share/g/home/+/t', {}, (m) => got.push(m.topic));
      const payload = new Uint8Array([49]);
      registry.dispatch('home/kitchen/t', payload, { cmd: 'publish', topic: 'home/kitchen/t', payload: payload as never, qos: 0, retain: false, dup: false });
      expect(got).to.deep.equal(['home/kitchen/t']);
    });
  });
});
