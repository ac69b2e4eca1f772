// What a page author is told when a URL or an attempt is wrong (src/core/diagnosis.ts, and the
// URL rules of src/core/options.ts that use it). Pure: no broker, no socket.
import { expect } from '@open-wc/testing';
import { failedAttemptMessage, insecureUrlReason, urlMistake } from '../../src/core/diagnosis.js';
import { resolveBrokerUrl } from '../../src/core/options.js';
import { thrown } from '../support/thrown.js';


const CONSOLE = "The browser console shows the browser's own reason.";

describe('core/diagnosis', () => {
  describe('invalid-url: the mistakes of the first hour', () => {
    for (const raw of ['localhost:8083/mqtt', '127.0.0.1:8083/mqtt', 'broker.example:8083']) {
      it(`"${raw}": no scheme, and what to write`, () => {
        const e = thrown(() => resolveBrokerUrl(raw, 'http://page.test/'));
        expect(e.code).to.equal('invalid-url');
        expect(e.message).to.equal(
          `url "${raw}" has no scheme: write ws://${raw} (or wss://${raw} for TLS), or a path starting with /.`,
        );
      });
    }

    for (const raw of ['mqtt://host:1883', 'tcp://host:1883', 'mqtts://host:8883', 'ssl://host:8883']) {
      it(`"${raw}": a TCP scheme browsers cannot open, and the WebSocket listener to use`, () => {
        const e = thrown(() => resolveBrokerUrl(raw, 'http://page.test/'));
        expect(e.code).to.equal('invalid-url');
        expect(e.message).to.contain(`url "${raw}" uses ${raw.split('//')[0]}//, MQTT over TCP, which browsers cannot open`);
        expect(e.message).to.contain('ws://host:8083/mqtt');
      });
    }

    it('"http://" and "https://" name the ws:// and wss:// URL to write instead', () => {
      expect(urlMistake('http://host:8083/mqtt')).to.equal('url "http://host:8083/mqtt" uses http://: write ws://host:8083/mqtt for the broker\'s WebSocket listener.');
      expect(urlMistake('https://host/mqtt')).to.contain('write wss://host/mqtt');
    });

    it('something that is no URL at all gets an example of one', () => {
      const e = thrown(() => resolveBrokerUrl('ws//oops', 'http://page.test/'));
      expect(e.code).to.equal('invalid-url');
      expect(e.message).to.contain('write ws://host:port/path (e.g. ws://localhost:8083/mqtt)');
    });
  });

  describe('insecure-url: ws:// from an https page', () => {
    it('is refused before any socket, naming wss:// and a /path as the fixes', () => {
      const e = thrown(() => resolveBrokerUrl('ws://broker.test:8083/mqtt', 'https://page.test/dash'));
      expect(e.code).to.equal('insecure-url');
      expect(e.message).to.contain('ws:// on a page served over https');
      expect(e.message).to.contain('wss://broker.test:8083/mqtt');
      expect(e.message).to.contain('a path starting with /');
    });

    it('allows loopback hosts, which browsers let through, and any wss:// or http page', () => {
      for (const host of ['localhost', '127.0.0.1', '[::1]']) {
        expect(insecureUrlReason(new URL(`ws://${host}:8083/mqtt`), 'https://page.test/'), host).to.equal(undefined);
      }
      expect(insecureUrlReason(new URL('wss://broker.test/mqtt'), 'https://page.test/')).to.equal(undefined);
      expect(insecureUrlReason(new URL('ws://broker.test/mqtt'), 'http://page.test/')).to.equal(undefined);
      expect(resolveBrokerUrl('/mqtt', 'https://page.test/')).to.equal('wss://page.test/mqtt');
    });
  });

  describe('connection-failed: what the failed attempt looked like', () => {
    it('a socket that never opened: host, port, path, TLS and the console', () => {
      const m = failedAttemptMessage({ url: 'ws://localhost:8083/', opened: false, protocolVersion: 4 });
      expect(m).to.match(/^could not connect to ws:\/\/localhost:8083\/: the WebSocket did not open\./);
      expect(m).to.contain('the path is the one it serves (e.g. /mqtt');
      expect(m).to.contain('the port serves TLS (use wss://)');
      expect(m).to.contain(CONSOLE);
    });

    it('wss:// that never opened: the certificate, or a plain port', () => {
      const m = failedAttemptMessage({ url: 'wss://localhost:8084/mqtt', opened: false, protocolVersion: 4 });
      expect(m).to.contain('the certificate is not one the browser trusts');
      expect(m).to.contain('open https://localhost:8084/ in a tab');
      expect(m).to.contain('the port serves plain ws://');
    });

    for (const port of ['1883', '8883']) {
      it(`port ${port}: MQTT's TCP port, and where WebSocket listeners usually are`, () => {
        const m = failedAttemptMessage({ url: `ws://host:${port}/mqtt`, opened: false, protocolVersion: 4 });
        expect(m).to.contain(`port ${port} is MQTT's TCP port, which a browser cannot use`);
        expect(m).to.contain('8083 with the path /mqtt');
      });
    }

    it('a socket that opened and closed without a CONNACK: the protocol version to try', () => {
      const v5 = failedAttemptMessage({ url: 'ws://host:15675/ws', opened: true, protocolVersion: 5 });
      expect(v5).to.contain('the broker closed it without answering CONNECT');
      expect(v5).to.contain('may not speak MQTT 5 (try protocol-version="4" (MQTT 3.1.1))');
      expect(v5).to.contain(CONSOLE);
      const v4 = failedAttemptMessage({ url: 'ws://host:15675/ws', opened: true, protocolVersion: 4 });
      expect(v4).to.contain('may not speak MQTT 3.1.1 (try protocol-version="5")');
    });
  });

  describe('no secret of a URL in any message (README: Errors)', () => {
    const SECRETS = ['pw-1', 'tok-2', 'frag-3'];
    const noSecret = (message: string) => expect(SECRETS.filter((x) => message.includes(x)), message).to.deep.equal([]);

    it('every rule names the URL without its userinfo, query or fragment', () => {
      for (const raw of ['mqtt://u:pw-1@h:1883/?t=tok-2', 'https://u:pw-1@h/mqtt?t=tok-2#frag-3', 'u:pw-1@h:8083/mqtt?t=tok-2', 'ftp://u:pw-1@h/?t=tok-2', 'ws://u:pw-1@[bad/?t=tok-2']) {
        const message = urlMistake(raw);
        noSecret(message);
        const e = thrown(() => resolveBrokerUrl(raw));
        noSecret(e.message);
      }
      noSecret(insecureUrlReason(new URL('ws://u:pw-1@broker.test/mqtt?t=tok-2#frag-3'), 'https://page.test/')!);
      for (const opened of [true, false]) {
        for (const url of ['ws://u:pw-1@h:1883/?t=tok-2', 'wss://u:pw-1@h:8084/mqtt?t=tok-2#frag-3']) {
          const m = failedAttemptMessage({ url, opened, protocolVersion: 4 });
          noSecret(m);
          expect(m).to.contain(`could not connect to ${url.replace('u:pw-1@', '').replace(/\?.*$/, '?…')}:`);
        }
      }
    });
  });
});
