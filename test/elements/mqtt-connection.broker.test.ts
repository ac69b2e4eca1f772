// <mqtt-connection> against the real brokers: status and events, every attribute reaching the
// broker or MQTT.js, and URL handling. Refusals and the DOM lifecycle: mqtt-connection-lifecycle;
// methods and offline publishing: mqtt-connection-methods.
import { expect, fixture, fixtureSync, html, oneEvent } from '@open-wc/testing';
import mqtt from 'mqtt';
import '../../src/index.js';
import type { MqttConnectionElement } from '../../src/index.js';
import { resolveBrokerUrl } from '../../src/core/options.js';
import {
  aedesDisconnectClient,
  aedesEvents,
  aedesPublish,
  getBrokers,
  mosquittoLog,
  uid,
  waitFor,
} from '../support/brokers.js';
import {
  holdsFor,
  QUIET,
  record,
  untilAedes,
  untilConnects,
  untilMosquittoConnect,
  untilStatus,
} from './connection-helpers.js';
import { brokerEvents, mountSubscribed, text } from '../support/elements.js';

describe('<mqtt-connection>: status and events', () => {
  it('goes idle → connecting → connected: reflected, and as bubbling, composed mqtt-status events', async () => {
    const { aedes } = await getBrokers();
    const id = uid('status');
    // Inside a shadow root, with the listener outside it: only a bubbling, composed event gets there.
    const host = fixtureSync<HTMLDivElement>(html`<div></div>`);
    const outside: string[] = [];
    host.parentElement!.addEventListener('mqtt-status', (e) => outside.push(e.detail.status));
    const el = document.createElement('mqtt-connection');
    el.url = aedes.url;
    el.clientId = id;
    const rec = record(el);
    const attributeHistory: (string | null)[] = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) attributeHistory.push(r.oldValue);
    });
    observer.observe(el, { attributes: true, attributeFilter: ['status'], attributeOldValue: true });

    expect(el.client === undefined, 'no client').to.equal(true);
    host.attachShadow({ mode: 'open' }).append(el);
    expect(el.status).to.equal('idle');
    expect(el.getAttribute('status')).to.equal('idle');

    await untilConnects(rec, 1);
    observer.disconnect();
    expect(rec.statuses).to.deep.equal(['connecting', 'connected']);
    expect(outside).to.deep.equal(['connecting', 'connected']);
    // Every value the attribute took, in order: null → idle → connecting → connected.
    expect([...attributeHistory, el.getAttribute('status')]).to.deep.equal([null, 'idle', 'connecting', 'connected']);
    for (const event of rec.all) {
      expect(event.bubbles, event.type).to.equal(true);
      expect(event.composed, event.type).to.equal(true);
    }
    // mqtt-connect comes after the status says connected.
    expect(rec.all.map((e) => (e.type === 'mqtt-status' ? (e as CustomEvent).detail.status : e.type))).to.deep.equal([
      'connecting',
      'connected',
      'mqtt-connect',
    ]);
    expect(rec.connacks[0].cmd).to.equal('connack');
    expect(rec.connacks[0].returnCode).to.equal(0);
    expect(rec.connacks[0].sessionPresent).to.equal(false);
    expect(rec.errors).to.deep.equal([]);
    expect(el.error).to.equal(undefined);

    expect(el.client instanceof mqtt.MqttClient, 'an MQTT.js client').to.equal(true);
    expect(el.client!.connected).to.equal(true);
    const [connackSent] = await untilAedes(id, 'connackSent');
    expect(connackSent.returnCode).to.equal(0);
    expect(await brokerEvents(id, 'client')).to.have.length(1);
  });

  it('puts errors in `error`, `mqtt-error` and the mqtt-status detail', async () => {
    const el = fixtureSync<MqttConnectionElement>(html`<mqtt-connection url="nonsense"></mqtt-connection>`);
    const rec = record(el);
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(el.error).to.be.instanceOf(Error);
    expect(el.error!.code).to.equal('invalid-url');
    expect(el.error!.message).to.match(/^url "nonsense" /);
    expect(rec.errors).to.deep.equal([el.error]);
    expect(rec.statusErrors).to.deep.equal(['error:invalid-url']);
  });
});

describe('<mqtt-connection>: attributes reach the broker', () => {
  it('defaults: client id mqtt-elements_ + 8 hex, MQTT 3.1.1, clean, keepalive 60', async () => {
    const { mosquitto } = await getBrokers();
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${mosquitto.url}></mqtt-connection>`);
    await untilStatus(el, 'connected');
    const id = el.client!.options.clientId!;
    expect(id).to.match(/^mqtt-elements_[0-9a-f]{8}$/);
    expect(await untilMosquittoConnect(id)).to.contain(`as ${id} (p2, c1, k60).`);
    const { options } = el.client!;
    expect(options.reconnectPeriod).to.equal(1000);
    expect(options.connectTimeout).to.equal(30000);
    expect(options.will).to.equal(undefined);
    expect(options.username).to.equal(undefined);
    // A second element has an id of its own (`connection.clientId` is what its next connect sends).
    const other = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${mosquitto.url} manual></mqtt-connection>`);
    expect(other.connection.clientId).to.match(/^mqtt-elements_[0-9a-f]{8}$/).and.not.equal(id);
  });

  it('client-id, username, password (property, not reflected), keepalive and persistent-session', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('attrs');
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection
        url=${mosquitto.authUrl}
        client-id=${id}
        username=${mosquitto.user}
        .password=${mosquitto.password}
        keepalive="7"
        persistent-session
      ></mqtt-connection>
    `);
    expect(el.hasAttribute('password')).to.equal(false);
    expect(el.password).to.equal(mosquitto.password);
    // The auth listener admits only user/secret: connecting proves both arrived.
    await untilStatus(el, 'connected');
    expect(await untilMosquittoConnect(id)).to.contain(`as ${id} (p2, c0, k7, u'${mosquitto.user}').`);
    el.password = 'changed';
    await el.updateComplete;
    expect(el.hasAttribute('password')).to.equal(false);
  });

  it('persistent-session: a QoS 1 message published while disconnected arrives after reconnecting', async () => {
    const { aedes } = await getBrokers();
    const id = uid('persist');
    const topic = uid('persist/topic');
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection url=${aedes.url} client-id=${id} persistent-session reconnect-period="100">
        <mqtt-subscribe topic=${topic} qos="1"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const sub = el.querySelector('mqtt-subscribe')!;
    await waitFor(() => sub.status === 'subscribed');
    await el.disconnect();
    expect(el.status).to.equal('closed');
    await untilAedes(id, 'clientDisconnect');

    await aedesPublish({ topic, payload: 'while-away', qos: 1 });
    const arrived = oneEvent(sub, 'mqtt-message');
    el.connect();
    const message = await arrived;
    expect(text(message.detail.payload)).to.equal('while-away');
    const connacks = await untilAedes(id, 'connackSent', 2);
    expect(connacks.map((c) => c.sessionPresent)).to.deep.equal([false, true]);
  });

  it('protocol-version 5: mosquitto answers with an MQTT 5 CONNACK', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('v5');
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url=${mosquitto.url} client-id=${id} protocol-version="5"></mqtt-connection>`,
    );
    const { detail } = await oneEvent(el, 'mqtt-connect');
    expect(detail.connack.reasonCode).to.equal(0);
    // mosquitto 2.0's defaults (max_topic_alias 10, max_inflight_messages 20), sent as MQTT 5 properties.
    expect(detail.connack.properties).to.include({ topicAliasMaximum: 10, receiveMaximum: 20 });
    expect(el.client!.options.protocolVersion).to.equal(5);
    expect(await untilMosquittoConnect(id)).to.contain(`as ${id} (p5, c1, k60).`);
  });

  it('a password without a username in MQTT 3.1.1: connection-failed at once, nothing dialled', async () => {
    const { aedes } = await getBrokers();
    const id = uid('pwonly');
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} password="secret" reconnect-period="100"></mqtt-connection>`,
    );
    const { detail } = await oneEvent(el, 'mqtt-error');
    expect(detail.error.code).to.equal('connection-failed');
    expect(detail.error.message).to.equal('MQTT 3.1.1 needs a username with a password');
    expect(el.status).to.equal('error');
    expect(el.client).to.equal(undefined);
    await holdsFor(async () => (await brokerEvents(id, 'client')).length === 0, QUIET, 'no CONNECT at aedes');
  });

  it('protocol-version 5: aedes (3.1.1 only) refuses it with a coded error', async () => {
    const { aedes } = await getBrokers();
    const id = uid('v5aedes');
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} protocol-version="5" reconnect-period="0"></mqtt-connection>`,
    );
    const rec = record(el);
    const { detail } = await oneEvent(el, 'mqtt-error');
    expect(detail.error.code).to.equal('connection-failed');
    expect((detail.error as { reasonCode?: number }).reasonCode).to.equal(1); // unacceptable protocol version
    // No retries (reconnect-period 0): this is final, so the status says error.
    await untilStatus(el, 'error');
    expect(rec.errors).to.have.length(1);
    expect(await brokerEvents(id, 'client')).to.deep.equal([]);
  });

  it('reconnect-period 0: after a dropped connection the status goes offline and stays', async () => {
    const { aedes } = await getBrokers();
    const id = uid('noreconnect');
    const el = await fixture<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} reconnect-period="0"></mqtt-connection>`,
    );
    await untilStatus(el, 'connected');
    expect(el.client!.options.reconnectPeriod).to.equal(0);
    const rec = record(el);
    expect(await aedesDisconnectClient(id)).to.equal(true);
    await untilStatus(el, 'offline');
    // No reconnect may start (this long would see one with the 100 ms period other tests use).
    await holdsFor(async () => el.status === 'offline' && (await brokerEvents(id, 'client')).length === 1, QUIET, 'offline, 1 CONNECT');
    expect(rec.statuses).to.deep.equal(['offline']);
    expect(rec.connacks).to.deep.equal([]);
  });

  it('reconnect-period: a dropped connection goes offline → reconnecting → connected after the period', async () => {
    const { aedes } = await getBrokers();
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} reconnect-period="100"></mqtt-connection>`);
    await untilStatus(el, 'connected');
    const id = el.client!.options.clientId!;
    const rec = record(el);
    await aedesDisconnectClient(id);
    await untilConnects(rec, 1);
    expect(rec.statuses).to.deep.equal(['offline', 'reconnecting', 'connected']);
    // The generated id is kept across reconnects; the gap is the period, not the 1000 ms default.
    const [dropped] = await untilAedes(id, 'clientDisconnect');
    const clients = await untilAedes(id, 'client', 2);
    expect(clients).to.have.length(2);
    const gap = clients[1].time - dropped.time;
    expect(gap).to.be.within(90, 999);
  });

  it('connect-timeout: no CONNACK within it is a connection-failed error', async () => {
    const { aedes } = await getBrokers();
    // aedes' HTTP server leaves upgrades to other paths unanswered: the WebSocket never opens.
    const silent = aedes.url.replace(/\/mqtt$/, '/silent');
    const started = performance.now();
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url=${silent} connect-timeout="300" reconnect-period="0"></mqtt-connection>`,
    );
    const { detail } = await oneEvent(el, 'mqtt-error');
    const elapsed = performance.now() - started;
    expect(el.client!.options.connectTimeout).to.equal(300);
    expect(detail.error.code).to.equal('connection-failed');
    expect((detail.error.cause as Error).message).to.equal('connack timeout');
    expect(elapsed).to.be.within(280, 3000);
    await untilStatus(el, 'error');
  });

  it('will-*: a dropped connection publishes the will', async () => {
    const { aedes } = await getBrokers();
    const id = uid('will');
    const topic = uid('will/topic');
    const { el: sub } = await mountSubscribed({ topic, qos: '1' });
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection
        url=${aedes.url}
        client-id=${id}
        reconnect-period="0"
        will-topic=${topic}
        will-payload="gone"
        will-qos="1"
        will-retain
      ></mqtt-connection>
    `);
    await untilStatus(el, 'connected');
    const arrived = oneEvent(sub, 'mqtt-message');
    await aedesDisconnectClient(id);
    const message = await arrived;
    expect(text(message.detail.payload)).to.equal('gone');
    const [will] = await waitFor(async () => {
      const found = (await aedesEvents()).filter((e) => e.type === 'publish' && e.topic === topic);
      return found.length ? found : undefined;
    });
    expect(will).to.include({ payload: 'gone', qos: 1, retain: true });
    await aedesPublish({ topic, payload: '', retain: true }); // clears the retained will
  });

  it('manual: no connection until connect()', async () => {
    const { aedes } = await getBrokers();
    const id = uid('manual');
    const el = await fixture<MqttConnectionElement>(
      html`<mqtt-connection url=${aedes.url} client-id=${id} manual></mqtt-connection>`,
    );
    // Without `manual` the client is created in the first update, which is over: none was.
    expect(el.client === undefined, 'no client').to.equal(true);
    expect(el.status).to.equal('idle');
    el.keepalive = 30;
    await el.updateComplete;
    expect(el.client === undefined, 'no client').to.equal(true);
    expect(await brokerEvents(id, 'client')).to.deep.equal([]);

    const rec = record(el);
    el.connect();
    await untilConnects(rec, 1);
    expect(rec.statuses).to.deep.equal(['connecting', 'connected']);
    expect(await untilAedes(id, 'client')).to.have.length(1);
  });

  it('options are merged over the attributes', async () => {
    const { mosquitto } = await getBrokers();
    const fromAttribute = uid('attr');
    const fromOptions = uid('opts');
    const el = await fixture<MqttConnectionElement>(html`
      <mqtt-connection
        url=${mosquitto.url}
        client-id=${fromAttribute}
        keepalive="30"
        .options=${{ clientId: fromOptions, keepalive: 17 }}
      ></mqtt-connection>
    `);
    await untilStatus(el, 'connected');
    expect(el.client!.options.keepalive).to.equal(17);
    expect(await untilMosquittoConnect(fromOptions)).to.contain(`as ${fromOptions} (p2, c1, k17).`);
    expect(await mosquittoLog(` as ${fromAttribute} (`)).to.deep.equal([]);
  });
});

describe('<mqtt-connection>: url', () => {
  it('a path starting with / is resolved against the page, http → ws', async () => {
    // The test page's server is no broker: only the URL MQTT.js dials is checked, not a session.
    const el = fixtureSync<MqttConnectionElement>(
      html`<mqtt-connection url="/mqtt?x=1" connect-timeout="1000" reconnect-period="0"></mqtt-connection>`,
    );
    const rec = record(el);
    await el.updateComplete;
    expect(location.protocol).to.equal('http:');
    const { options } = el.client!;
    expect(options.protocol).to.equal('ws');
    expect(options.hostname).to.equal(location.hostname);
    expect(String(options.port)).to.equal(location.port);
    expect(options.path).to.equal('/mqtt?x=1');
    expect(el.status).to.equal('connecting');
    expect(rec.errors).to.deep.equal([]);
  });

  it('resolves https pages to wss, and takes ws:// and wss:// URLs as they are', () => {
    expect(resolveBrokerUrl('/mqtt', 'https://example.com/app/page.html')).to.equal('wss://example.com/mqtt');
    expect(resolveBrokerUrl('/a/b', 'http://example.com:8080/x')).to.equal('ws://example.com:8080/a/b');
    expect(resolveBrokerUrl('wss://broker.example/mqtt', 'http://example.com/')).to.equal('wss://broker.example/mqtt');
    expect(() => resolveBrokerUrl('//other.example/mqtt', 'http://example.com/')).to.throw().with.property('code', 'invalid-url');
  });

  for (const url of ['http://x', 'mqtt://x', 'nonsense', '', undefined]) {
    it(`${url === undefined ? 'no url' : JSON.stringify(url)} → status error, invalid-url, nothing thrown`, async () => {
      const el = fixtureSync<MqttConnectionElement>(
        url === undefined ? html`<mqtt-connection></mqtt-connection>` : html`<mqtt-connection url=${url}></mqtt-connection>`,
      );
      const rec = record(el);
      await el.updateComplete; // rejects if the update threw
      expect(el.status).to.equal('error');
      expect(el.getAttribute('status')).to.equal('error');
      expect(rec.errors).to.have.length(1);
      expect(rec.errors[0]).to.be.instanceOf(Error);
      expect(rec.errors[0].code).to.equal('invalid-url');
      // The message names the url, or says one is needed.
      expect(rec.errors[0].message).to.contain(url ? `url "${url}"` : 'url is required');
      expect(el.error).to.equal(rec.errors[0]);
      expect(el.client === undefined, 'no client').to.equal(true);
    });
  }

  for (const [name, attrs, message] of [
    ['protocol-version 3', { protocolVersion: 3 }, 'protocol-version must be 4 (MQTT 3.1.1) or 5, not 3'],
    ['a password without a username on MQTT 3.1.1', { password: 'secret' }, 'MQTT 3.1.1 needs a username with a password'],
  ] as const) {
    it(`${name} → status error, connection-failed, no client, nothing thrown`, async () => {
      const { aedes } = await getBrokers();
      const el = document.createElement('mqtt-connection');
      const rec = record(el);
      Object.assign(el, { url: aedes.url }, attrs);
      document.body.append(el);
      try {
        await el.updateComplete;
        await untilStatus(el, 'error');
        expect(rec.errors.map((e) => e.code)).to.deep.equal(['connection-failed']);
        if (typeof message === 'string') expect(el.error?.message).to.equal(message);
        else expect(el.error?.message).to.match(message);
        expect(el.client === undefined, 'no client').to.equal(true);
      } finally {
        el.remove();
      }
    });
  }

  it('keepalive="65536" (out of range) → payload-format naming it, and the connection connects with the default 60', async () => {
    const { aedes } = await getBrokers();
    const el = document.createElement('mqtt-connection');
    const rec = record(el);
    el.setAttribute('keepalive', '65536');
    el.url = aedes.url;
    document.body.append(el);
    try {
      await untilStatus(el, 'connected');
      expect(rec.errors.map((e) => e.code)).to.deep.equal(['payload-format']);
      expect(rec.errors[0]!.message).to.equal('keepalive=65536 is not a whole number from 0 to 65535; the default 60 applies until it is set to one (or removed)');
      expect(el.client!.options.keepalive).to.equal(60);
    } finally {
      el.remove();
    }
  });

  it('an invalid url on a live connection ends it with invalid-url; a good one connects again', async () => {
    const { aedes } = await getBrokers();
    const id = uid('badurl');
    const el = await fixture<MqttConnectionElement>(html`<mqtt-connection url=${aedes.url} client-id=${id}></mqtt-connection>`);
    await untilStatus(el, 'connected');
    const rec = record(el);
    expect(() => el.setAttribute('url', 'http://x')).not.to.throw();
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(rec.errors.map((e) => e.code)).to.deep.equal(['invalid-url']);
    await untilAedes(id, 'clientDisconnect');

    el.setAttribute('url', aedes.url);
    await untilConnects(rec, 1);
    expect(await untilAedes(id, 'client', 2)).to.have.length(2);
  });
});

