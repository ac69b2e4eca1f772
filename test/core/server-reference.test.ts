// Where a broker's MQTT 5 server reference may send a client (src/core/server-reference.ts): only
// to a node of the page's url list, by origin, whatever the broker writes to make another host
// look like one of them. Pure: no client, no broker.
import { expect } from '@open-wc/testing';
import { followReference, originKey, type ServerReference } from '../../src/core/server-reference.js';
import { referenceTools } from '../../src/core/lazy-references.js';

const A = 'wss://a.example/mqtt';
const B = 'wss://b.example:8084/ws?tenant=1';

function follow(reference: unknown, over: Partial<ServerReference> = {}) {
  return followReference({ reference, current: A, urls: [A, B], via: 'DISCONNECT 0x9C', ...over }, referenceTools);
}

/** The URL of the list the reference leads to; fails the test with the refusal otherwise. */
function followed(reference: unknown, over: Partial<ServerReference> = {}): string {
  const outcome = follow(reference, over);
  expect(outcome.error?.message, `followed: ${JSON.stringify(reference)}`).to.equal(undefined);
  return outcome.url!;
}

/** The refusal's code; fails the test when the reference was followed. */
function refused(reference: unknown, over: Partial<ServerReference> = {}): string {
  const outcome = follow(reference, over);
  expect(outcome.url, `refused: ${JSON.stringify(reference)}`).to.equal(undefined);
  return outcome.error!.code;
}

describe('core/server-reference', () => {
  describe('followed to the listed URL of the same origin', () => {
    it('a bare host:port (MQTT 5 form) takes the current scheme, and leads to the listed URL with its own path and query', () => {
      expect(followed('b.example:8084')).to.equal(B);
    });

    it('a bare host without a port takes the current port', () => {
      expect(followed('a.example')).to.equal(A);
      expect(refused('b.example'), 'b.example:443 is not b.example:8084').to.equal('redirect-refused');
    });

    it('a URL: case, default ports, a trailing dot, surrounding whitespace and its path do not matter', () => {
      for (const reference of ['wss://B.EXAMPLE:8084/other', 'wss://a.example:443', 'WSS://A.Example./', '  \tb.example:8084\n ', 'A.EXAMPLE.']) {
        expect([A, B], reference).to.include(followed(reference));
      }
    });

    it('of several listed URLs on one node, the one with the reference path, else the first', () => {
      const urls = ['wss://n.example/one', 'wss://n.example/two'];
      expect(followed('wss://n.example/two', { urls, current: urls[0] })).to.equal(urls[1]);
      expect(followed('n.example', { urls, current: urls[0] })).to.equal(urls[0]);
    });

    it('a list of references (MQTT 5: space-separated): the first that is listed', () => {
      expect(followed('evil.example:8084 wss://other.example b.example:8084 a.example')).to.equal(B);
    });

    it('IPv6 and IPv4 literals in any form the URL standard reads as the same address', () => {
      const urls = ['ws://[::1]:8083/mqtt', 'ws://127.0.0.1:8083/mqtt'];
      const current = urls[0]!;
      expect(followed('[0:0:0:0:0:0:0:1]:8083', { urls, current })).to.equal(urls[0]);
      expect(followed('ws://[::1]:8083/x', { urls, current })).to.equal(urls[0]);
      expect(followed('2130706433:8083', { urls, current }), '127.0.0.1 as one number').to.equal(urls[1]);
      expect(refused('[::2]:8083', { urls, current })).to.equal('redirect-refused');
      expect(refused('::1:8083', { urls, current }), 'IPv6 without brackets is ambiguous').to.equal('redirect-refused');
    });
  });

  describe('refused: redirect-refused, whatever the disguise', () => {
    it('another host, port or scheme', () => {
      for (const reference of [
        'evil.example',
        'evil.example:8084',
        'wss://a.example:8443/mqtt',
        'ws://a.example/mqtt',
        'mqtts://a.example:443',
        'https://a.example/mqtt',
        'a.example.evil.example',
        'wss://a.example.evil.example/mqtt',
        'wss://xn--example-9uf.example/', // a homograph, as the URL parser writes it
        'wss://а.example/mqtt', // Cyrillic а: punycode, another host
      ]) {
        expect(refused(reference), reference).to.equal('redirect-refused');
      }
    });

    it('userinfo that looks like a listed host: the host is what follows the @', () => {
      const outcome = follow('wss://a.example@evil.example:443/');
      expect(outcome.error?.code).to.equal('redirect-refused');
      expect(outcome.error?.message).to.contain('wss://evil.example ');
      expect(outcome.error?.message).not.to.contain('a.example@');
      expect(refused('wss://a.example:443@evil.example/')).to.equal('redirect-refused');
      expect(refused('a.example:443@evil.example'), 'no userinfo in the bare form').to.equal('redirect-refused');
    });

    it('backslashes, control characters and other URL parts in the bare form', () => {
      for (const reference of [
        'evil.example\\a.example',
        'wss://evil.example\\@a.example/',
        'a.exa\u0000mple',
        'a.example\u007f',
        'evil.example/a.example',
        'evil.example?a.example',
        'evil.example#a.example',
        'a.example:99999',
        'javascript:alert(1)',
      ]) {
        expect(refused(reference), JSON.stringify(reference)).to.equal('redirect-refused');
      }
    });

    it('nothing to follow: empty, blank, not a string', () => {
      for (const reference of ['', '   ', undefined, 42, { host: 'a.example' }]) {
        expect(refused(reference), JSON.stringify(reference)).to.equal('redirect-refused');
      }
    });

    it('a listed node after more entries than a broker list holds is not read', () => {
      expect(refused(`${Array.from({ length: 20 }, (_, i) => `n${i}.example`).join(' ')} a.example`)).to.equal('redirect-refused');
    });

    it('the message names the refused origin without userinfo, path or query, says why and what to do', () => {
      const { error } = follow('wss://user:secret@evil.example:8443/mqtt?token=abc', {
        via: 'CONNACK 0x9D',
        init: { reasonCode: 0x9d, reasonString: 'moved' },
      });
      expect(error?.message).to.equal(
        "the broker sent this client to wss://evil.example:8443 (CONNACK 0x9D), which is not in this page's url list: " +
          'not followed, and nothing was sent there. If that node is yours, add its WebSocket URL to url (several URLs ' +
          'are separated by spaces). The client keeps retrying the url list.',
      );
      expect([error?.reasonCode, error?.reasonString]).to.deep.equal([0x9d, 'moved']);
    });

    it('a malformed reference is not repeated in the message', () => {
      const { error } = follow('wss://user:secret@ bad');
      expect(error?.code).to.equal('redirect-refused');
      expect(error?.message).not.to.contain('secret');
    });
  });

  describe('insecure-url: a ws:// reference from an https page', () => {
    it('is refused with insecure-url even when its host is listed, loopback excepted', () => {
      const pageUrl = 'https://page.example/';
      const outcome = follow('ws://a.example/mqtt', { pageUrl });
      expect(outcome.error?.code).to.equal('insecure-url');
      expect(outcome.error?.message).to.contain('ws://a.example');
      expect(outcome.error?.message).to.contain('mixed content');
      const local = ['ws://127.0.0.1:8083/mqtt'];
      expect(followed('ws://127.0.0.1:8083', { pageUrl, urls: local, current: local[0]! })).to.equal(local[0]);
    });

    it('a secure entry after it is still followed', () => {
      expect(followed('ws://a.example/mqtt wss://a.example/mqtt', { pageUrl: 'https://page.example/' })).to.equal(A);
    });
  });

  it('originKey: scheme, host without its trailing dot, port always written', () => {
    expect(originKey(new URL('wss://H.Example.:443/p?q'))).to.equal('wss://h.example:443');
    expect(originKey(new URL('ws://u:p@h.example/'))).to.equal('ws://h.example:80');
    expect(originKey(new URL('ws://[::1]:8083/'))).to.equal('ws://[::1]:8083');
  });
});
