import { expect } from '@open-wc/testing';
import { MqttElementsError } from '../../src/errors.js';
import { credentialsError, parseQos, randomClientId, resolveBrokerUrl, toClientOptions } from '../../src/core/options.js';
import { thrown } from '../support/thrown.js';


const PAGE = 'http://example.com:8080/dash/index.html?view=1#top';
const SECURE_PAGE = 'https://example.com/dash/';

describe('core/options', () => {
  describe('parseQos', () => {
    it('parses the strings "0", "1" and "2"', () => {
      expect(parseQos('0')).to.equal(0);
      expect(parseQos('1')).to.equal(1);
      expect(parseQos('2')).to.equal(2);
    });

    it('tolerates whitespace around a string', () => {
      expect(parseQos(' 1 ')).to.equal(1);
    });

    it('takes the numbers 0, 1 and 2', () => {
      expect(parseQos(0)).to.equal(0);
      expect(parseQos(1)).to.equal(1);
      expect(parseQos(2)).to.equal(2);
    });

    for (const bad of ['3', '-1', '', '  ', 'one', '1.5', 'NaN', 3, -1, 1.5, NaN, Infinity, null, undefined, true, false, {}, [1]]) {
      it(`refuses ${typeof bad === 'string' ? JSON.stringify(bad) : String(bad)} with invalid-qos`, () => {
        const error = thrown(() => parseQos(bad));
        expect(error.code).to.equal('invalid-qos');
        expect(error.message).to.match(/^qos must be 0, 1 or 2/);
      });
    }

    it('names the setting in the message', () => {
      expect(thrown(() => parseQos('7', 'will-qos')).message).to.match(/^will-qos must be 0, 1 or 2, not "7"/);
    });
  });

  describe('resolveBrokerUrl', () => {
    it('takes ws:// and wss:// URLs as they are', () => {
      expect(resolveBrokerUrl('ws://localhost:8083/mqtt')).to.equal('ws://localhost:8083/mqtt');
      expect(resolveBrokerUrl('wss://broker.example.com/mqtt?token=abc')).to.equal(
        'wss://broker.example.com/mqtt?token=abc',
      );
      expect(resolveBrokerUrl('ws://10.0.0.1:9001/', PAGE)).to.equal('ws://10.0.0.1:9001/');
    });

    it('trims whitespace around the URL', () => {
      expect(resolveBrokerUrl('  ws://localhost:8083/mqtt\n')).to.equal('ws://localhost:8083/mqtt');
    });

    it('resolves a path against an http page to ws:, keeping the port', () => {
      expect(resolveBrokerUrl('/mqtt', PAGE)).to.equal('ws://example.com:8080/mqtt');
    });

    it('resolves a path against an https page to wss:', () => {
      expect(resolveBrokerUrl('/mqtt', SECURE_PAGE)).to.equal('wss://example.com/mqtt');
      expect(resolveBrokerUrl('/mqtt', 'https://example.com:8443/x')).to.equal('wss://example.com:8443/mqtt');
    });

    it('keeps the query of the path and drops the page\'s query and hash', () => {
      expect(resolveBrokerUrl('/mqtt?token=abc&x=1', PAGE)).to.equal('ws://example.com:8080/mqtt?token=abc&x=1');
    });

    it('resolves dot segments in the path', () => {
      expect(resolveBrokerUrl('/a/../mqtt', PAGE)).to.equal('ws://example.com:8080/mqtt');
    });

    it('resolves against the page it is given (the document\'s location in the browser)', () => {
      const expected = location.protocol === 'https:' ? 'wss:' : 'ws:';
      expect(resolveBrokerUrl('/mqtt', location.href)).to.equal(`${expected}//${location.host}/mqtt`);
    });

    const invalid: Array<[what: string, url: unknown, page?: string]> = [
      ['a protocol-relative URL', '//host/x', PAGE],
      ['an http: URL', 'http://example.com/mqtt', PAGE],
      ['an https: URL', 'https://example.com/mqtt', PAGE],
      ['an mqtt: URL', 'mqtt://example.com:1883', PAGE],
      ['a tcp: URL', 'tcp://example.com:1883', PAGE],
      ['garbage', 'not a url', PAGE],
      ['a relative path without a leading slash', 'mqtt', PAGE],
      ['ws: without a host', 'ws://', PAGE],
      ['the empty string', '', PAGE],
      ['whitespace', '   ', PAGE],
      ['undefined', undefined, PAGE],
      ['null', null, PAGE],
      ['a number', 8083, PAGE],
      ['a path with no page', '/mqtt', undefined],
      ['a path against a file: page', '/mqtt', 'file:///home/me/index.html'],
      ['a path against about:blank', '/mqtt', 'about:blank'],
      ['a path against a page that is not a URL', '/mqtt', 'not a url'],
    ];
    for (const [what, url, page] of invalid) {
      it(`refuses ${what} with invalid-url`, () => {
        expect(thrown(() => resolveBrokerUrl(url, page)).code).to.equal('invalid-url');
      });
    }

    it('answers a parse failure with what a broker URL looks like', () => {
      const error = thrown(() => resolveBrokerUrl('not a url', PAGE));
      expect(error.message).to.equal(
        'url "not a url" is not a URL: write ws://host:port/path (e.g. ws://localhost:8083/mqtt), wss:// for TLS, or a path starting with /.',
      );
    });

    // A path must stay on the page's host: '//host/x' is refused above, and the URL parser reads
    // '\' as '/' in http(s) URLs and drops tabs and newlines, so these are '//other.example/…' too.
    for (const sneaky of ['/\\other.example/mqtt', '/\t/other.example/mqtt', '/\n/other.example/mqtt']) {
      it(`does not let the path ${JSON.stringify(sneaky)} leave the page's host`, () => {
        let resolved: string | undefined;
        try {
          resolved = resolveBrokerUrl(sneaky, PAGE);
        } catch (e) {
          expect((e as MqttElementsError).code).to.equal('invalid-url');
          return;
        }
        expect(new URL(resolved).host).to.equal('example.com:8080');
      });
    }
  });

  describe('credentialsError', () => {
    it('refuses a password without a username in MQTT 3.1.1, with a reason', () => {
      expect(credentialsError({ password: 'p' })).to.equal('MQTT 3.1.1 needs a username with a password');
      expect(credentialsError({ protocolVersion: 4, password: 'p', username: '' })).to.equal('MQTT 3.1.1 needs a username with a password');
    });

    it('accepts a username with or without a password, no credentials, and MQTT 5 either way', () => {
      expect(credentialsError({ username: 'u', password: 'p' })).to.equal(undefined);
      expect(credentialsError({ username: 'u' })).to.equal(undefined);
      expect(credentialsError({})).to.equal(undefined);
      expect(credentialsError({ protocolVersion: 5, password: 'p' })).to.equal(undefined);
    });
  });

  describe('randomClientId', () => {
    it('is mqtt-elements_ and 8 hex digits', () => {
      for (let i = 0; i < 20; i++) expect(randomClientId()).to.match(/^mqtt-elements_[0-9a-f]{8}$/);
    });

    it('differs between calls', () => {
      const ids = new Set(Array.from({ length: 20 }, randomClientId));
      expect(ids.size).to.equal(20);
    });
  });

  describe('toClientOptions', () => {
    const URL_ = 'ws://localhost:8083/mqtt';

    it('returns the resolved URL', () => {
      expect(toClientOptions({ url: '/mqtt' }, PAGE).url).to.equal('ws://example.com:8080/mqtt');
      expect(toClientOptions({ url: URL_ }).url).to.equal(URL_);
    });

    it('uses the documented defaults', () => {
      const { options } = toClientOptions({ url: URL_ });
      expect(options.clean).to.equal(true);
      expect(options.protocolVersion).to.equal(4);
      expect(options.keepalive).to.equal(60);
      expect(options.reconnectPeriod).to.equal(1000);
      expect(options.connectTimeout).to.equal(30000);
      expect(options.resubscribe).to.equal(false);
      expect(options.clientId).to.match(/^mqtt-elements_[0-9a-f]{8}$/);
      expect(options).not.to.have.property('username');
      expect(options).not.to.have.property('password');
      expect(options).not.to.have.property('will');
      expect(options).not.to.have.property('properties');
    });

    it('lets MQTT.js reconnect after a refused CONNACK (the connection decides)', () => {
      expect(toClientOptions({ url: URL_ }).options.reconnectOnConnackError).to.equal(true);
    });

    it('takes the given settings', () => {
      const { options } = toClientOptions({
        url: URL_,
        clientId: 'dash-1',
        username: 'user',
        password: 'secret',
        keepalive: 15,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        protocolVersion: 5,
      });
      expect(options).to.include({
        clientId: 'dash-1',
        username: 'user',
        password: 'secret',
        keepalive: 15,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        protocolVersion: 5,
      });
    });

    it('keeps an empty username and password (they are not absent)', () => {
      const { options } = toClientOptions({ url: URL_, username: '', password: '' });
      expect(options.username).to.equal('');
      expect(options.password).to.equal('');
    });

    it('makes up a client id when it is empty', () => {
      expect(toClientOptions({ url: URL_, clientId: '' }).options.clientId).to.match(/^mqtt-elements_[0-9a-f]{8}$/);
    });

    it('maps persistent-session to clean: false', () => {
      expect(toClientOptions({ url: URL_, persistentSession: true }).options.clean).to.equal(false);
      expect(toClientOptions({ url: URL_, persistentSession: false }).options.clean).to.equal(true);
    });

    it('takes keepalive 0 (disabled) and falls back to the default for NaN', () => {
      expect(toClientOptions({ url: URL_, keepalive: 0 }).options.keepalive).to.equal(0);
      expect(toClientOptions({ url: URL_, keepalive: NaN }).options.keepalive).to.equal(60);
      expect(toClientOptions({ url: URL_, reconnectPeriod: NaN }).options.reconnectPeriod).to.equal(1000);
    });

    it('a number that does not parse (NaN) is a payload-format problem naming the setting and the default applied', () => {
      const plan = toClientOptions({ url: URL_, keepalive: NaN, connectTimeout: NaN, protocolVersion: 5, receiveMaximum: NaN });
      expect(plan.problems.map((e) => e.code)).to.deep.equal(['payload-format', 'payload-format', 'payload-format']);
      expect(plan.problems[0]!.message).to.equal('keepalive=NaN is not a whole number from 0 to 65535; the default 60 applies until it is set to one (or removed)');
      expect(plan.options.properties?.receiveMaximum).to.equal(65535);
      expect(toClientOptions({ url: URL_, keepalive: 30 }).problems).to.deep.equal([]);
    });

    /** The plan's problems as `[code, message]`, and the option the client gets instead. */
    const refused = (config: Partial<Parameters<typeof toClientOptions>[0]>) => {
      const plan = toClientOptions({ url: URL_, ...config });
      return { problems: plan.problems.map((e) => [e.code, e.message]), options: plan.options };
    };

    // One rule for every numeric attribute: out of its range is refused like one that does not
    // parse, with payload-format and the default (the client is still made, with the default).
    it('refuses negative or infinite numbers with payload-format, the default applied', () => {
      const a = refused({ keepalive: -1 });
      expect(a.problems).to.deep.equal([['payload-format', 'keepalive=-1 is not a whole number from 0 to 65535; the default 60 applies until it is set to one (or removed)']]);
      expect(a.options.keepalive).to.equal(60);
      expect(refused({ reconnectPeriod: -5 }).problems.map(([code]) => code)).to.deep.equal(['payload-format']);
      expect(refused({ reconnectPeriod: -5 }).options.reconnectPeriod).to.equal(1000);
      expect(refused({ connectTimeout: Infinity }).options.connectTimeout).to.equal(30000);
    });

    // MQTT.js (mqtt-packet) destroys the stream for a keepalive outside 0..65535, and MQTT 5 makes
    // a receive maximum of 0 a protocol error: such a value never reaches the client.
    it('refuses a keepalive above 65535 (a two-byte field): the default 60 goes out', () => {
      const { problems, options } = refused({ keepalive: 65536 });
      expect(problems.map(([code]) => code)).to.deep.equal(['payload-format']);
      expect(options.keepalive).to.equal(60);
    });

    it('refuses an MQTT 5 receive maximum of 0 or above 65535: the default 65535 goes out', () => {
      for (const receiveMaximum of [0, 65536]) {
        const { problems, options } = refused({ protocolVersion: 5, receiveMaximum });
        expect(problems.map(([code]) => code)).to.deep.equal(['payload-format']);
        expect(options.properties?.receiveMaximum).to.equal(65535);
      }
    });

    it('throws invalid-url for a bad URL', () => {
      expect(thrown(() => toClientOptions({ url: 'http://example.com/' })).code).to.equal('invalid-url');
      expect(thrown(() => toClientOptions({ url: '/mqtt' })).code).to.equal('invalid-url');
    });

    describe('last will', () => {
      it('maps topic, payload, qos and retain', () => {
        const { options } = toClientOptions({
          url: URL_,
          willTopic: 'dash/1/status',
          willPayload: 'offline',
          willQos: '1',
          willRetain: true,
        });
        expect(options.will).to.deep.equal({ topic: 'dash/1/status', payload: 'offline', qos: 1, retain: true });
      });

      it('defaults payload to empty, qos to 0 and retain to false', () => {
        const { options } = toClientOptions({ url: URL_, willTopic: 'dash/1/status' });
        expect(options.will).to.deep.equal({ topic: 'dash/1/status', payload: '', qos: 0, retain: false });
      });

      it('takes a numeric will qos', () => {
        expect(toClientOptions({ url: URL_, willTopic: 't', willQos: 2 }).options.will?.qos).to.equal(2);
      });

      it('sets no will without a will topic', () => {
        const { options } = toClientOptions({ url: URL_, willPayload: 'x', willQos: 1, willRetain: true });
        expect(options).not.to.have.property('will');
      });

      for (const bad of ['a/+', 'a/#', '#', 'a\u0000b']) {
        it(`refuses the will topic ${JSON.stringify(bad)} with invalid-topic`, () => {
          const error = thrown(() => toClientOptions({ url: URL_, willTopic: bad }));
          expect(error.code).to.equal('invalid-topic');
          expect(error.message).to.match(/^will-topic: /);
        });
      }

      it('refuses a bad will qos with invalid-qos', () => {
        const error = thrown(() => toClientOptions({ url: URL_, willTopic: 't', willQos: '3' }));
        expect(error.code).to.equal('invalid-qos');
        expect(error.message).to.match(/^will-qos/);
      });
    });

    describe('protocol version', () => {
      for (const bad of [3, 6, 0, 4.5]) {
        it(`refuses ${bad} with connection-failed`, () => {
          const error = thrown(() => toClientOptions({ url: URL_, protocolVersion: bad }));
          expect(error.code).to.equal('connection-failed');
          expect(error.message).to.match(/protocol-version/);
        });
      }

      it('maps session-expiry and receive-maximum to MQTT 5 properties', () => {
        const { options } = toClientOptions({ url: URL_, protocolVersion: 5, sessionExpiry: 3600, receiveMaximum: 10 });
        expect(options.properties).to.deep.equal({ topicAliasMaximum: 20, sessionExpiryInterval: 3600, receiveMaximum: 10 });
      });

      it('maps a session-expiry of 0', () => {
        const { options } = toClientOptions({ url: URL_, protocolVersion: 5, sessionExpiry: 0 });
        expect(options.properties).to.deep.equal({ topicAliasMaximum: 20, sessionExpiryInterval: 0 });
      });

      it('asks for topic aliases both ways on MQTT 5, and sets nothing else when neither is given', () => {
        const { options } = toClientOptions({ url: URL_, protocolVersion: 5 });
        expect(options.properties).to.deep.equal({ topicAliasMaximum: 20 });
        expect([options.autoUseTopicAlias, options.autoAssignTopicAlias]).to.deep.equal([true, true]);
        const v4 = toClientOptions({ url: URL_, protocolVersion: 4 }).options;
        expect([v4.properties, v4.autoUseTopicAlias, v4.autoAssignTopicAlias]).to.deep.equal([undefined, undefined, undefined]);
      });

      it('ignores the MQTT 5 settings for MQTT 3.1.1', () => {
        const { options } = toClientOptions({ url: URL_, protocolVersion: 4, sessionExpiry: 3600, receiveMaximum: 10 });
        expect(options).not.to.have.property('properties');
      });

      it('refuses a negative session-expiry with payload-format: the default 0 goes out', () => {
        const plan = toClientOptions({ url: URL_, protocolVersion: 5, sessionExpiry: -1 });
        expect(plan.problems.map((e) => e.code)).to.deep.equal(['payload-format']);
        expect(plan.options.properties?.sessionExpiryInterval).to.equal(0);
      });
    });

    describe('options (the escape hatch)', () => {
      it('is merged over everything the attributes set', () => {
        const { options } = toClientOptions({
          url: URL_,
          clientId: 'from-attribute',
          keepalive: 15,
          options: { clientId: 'from-options', keepalive: 5, clean: false, resubscribe: true, queueQoSZero: false },
        });
        expect(options).to.include({
          clientId: 'from-options',
          keepalive: 5,
          clean: false,
          resubscribe: true,
          queueQoSZero: false,
        });
        expect(options.reconnectPeriod).to.equal(1000); // untouched keys keep their values
      });

      it('does not change the URL', () => {
        expect(toClientOptions({ url: URL_, options: { port: 1 } }).url).to.equal(URL_);
      });

      it('is not mutated', () => {
        const extra = { keepalive: 5 };
        toClientOptions({ url: URL_, options: extra });
        expect(extra).to.deep.equal({ keepalive: 5 });
      });
    });
  });
});
