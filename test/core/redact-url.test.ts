// redactUrl and redactUrlsIn (src/core/redact-url.ts): a URL as messages may show it, without
// userinfo, query string or fragment, whatever the input. Pure: no DOM, no socket.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { redactUrl, redactUrlsIn } from '../../src/core/redact-url.js';

/** What a URL parser finds in `shown` once the query mark is taken out: none of the secrets. */
function parsedParts(shown: string) {
  const url = new URL(shown.replace('?…', ''));
  return { username: url.username, password: url.password, search: url.search, hash: url.hash, host: url.host };
}

describe('core/redact-url', () => {
  it('drops userinfo, replaces the query with ?… and drops the fragment', () => {
    expect(redactUrl('wss://user:secret@127.0.0.1:1/mqtt?token=abc')).to.equal('wss://127.0.0.1:1/mqtt?…');
    expect(redactUrl('wss://broker.test/mqtt?X-Amz-Signature=abc&X-Amz-Credential=def#frag')).to.equal('wss://broker.test/mqtt?…');
    expect(redactUrl('ws://broker.test/mqtt#token=abc')).to.equal('ws://broker.test/mqtt');
    expect(redactUrl('ws://user@broker.test/')).to.equal('ws://broker.test/');
  });

  it('leaves a URL without secrets as it is, character for character', () => {
    for (const url of ['ws://localhost:8083/mqtt', 'wss://[::1]:8084/', 'WS://Host.Test:80/a/b', '/mqtt', 'localhost:8083/mqtt', 'ws://host/path@not-userinfo', '']) {
      expect(redactUrl(url), url).to.equal(url);
    }
  });

  it('odd input: no scheme, one slash, backslashes, two @, tabs and newlines, scheme-relative, spaces first', () => {
    const odd: Array<[string, string]> = [
      ['user:secret@localhost:8083/mqtt?token=abc', 'localhost:8083/mqtt?…'],
      ['mqtt:user:secret@host:1883', 'host:1883'],
      ['ws:/user:secret@host/mqtt', 'ws:/host/mqtt'],
      ['ws:\\\\user:secret@host\\mqtt', 'ws:\\\\host\\mqtt'],
      ['ws://a@b:secret@host/', 'ws://host/'],
      ['ws://us\ter:sec\nret@host/', 'ws://host/'],
      ['//user:secret@host/mqtt?token=abc', '//host/mqtt?…'],
      ['  ws://user:secret@host/', '  ws://host/'],
      ['?token=abc', '?…'],
      ['#secret', ''],
      ['no URL at all, just secret@', ''],
    ];
    for (const [input, shown] of odd) expect(redactUrl(input), JSON.stringify(input)).to.equal(shown);
  });

  it('property: whatever web URL with userinfo, query and fragment, a parser finds none of them in what is shown', () => {
    const urls = fc.webUrl({ validSchemes: ['ws', 'wss', 'http', 'https'], authoritySettings: { withUserInfo: true, withPort: true }, withQueryParameters: true, withFragments: true });
    fc.assert(
      fc.property(urls, (url) => {
        const shown = parsedParts(redactUrl(url));
        expect(shown).to.deep.include({ username: '', password: '', search: '', hash: '' });
        expect(shown.host).to.equal(new URL(url).host);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a password and a token put anywhere they may go never show', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
    fc.assert(
      fc.property(word, word, fc.constantFrom('ws://', 'wss://', 'mqtt://', '', '//', 'ws:/'), fc.boolean(), (user, pass, scheme, withQuery) => {
        const secret = `S3CR3T${pass}`;
        const url = `${scheme}${user}:${secret}@broker.test:8083/mqtt${withQuery ? `?token=${secret}` : ''}`;
        expect(redactUrl(url)).not.to.contain(secret);
        // In a text, a URL is found by its `scheme://`.
        if (/^[a-z]+:\/\//.test(scheme)) expect(redactUrlsIn(`failed: ${url}. Retry`)).not.to.contain(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('redactUrlsIn: every URL in a text, the sentence around it kept', () => {
    expect(redactUrlsIn("Failed to construct 'WebSocket': The URL 'ws://u:secret@h/m?t=1' is invalid.")).to.equal(
      "Failed to construct 'WebSocket': The URL 'ws://h/m?…' is invalid.",
    );
    expect(redactUrlsIn('tried wss://a/?s=1, then wss://b/?s=2: both refused')).to.equal('tried wss://a/?…, then wss://b/?…: both refused');
    expect(redactUrlsIn('no URL here')).to.equal('no URL here');
  });
});
