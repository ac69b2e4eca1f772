// The broker-facing behaviours, once per broker: aedes (embedded), mosquitto 2.0, ejabberd 23.01
// (mod_mqtt) and RabbitMQ 3.10 (web_mqtt), all started by scripts/broker-plugin.js. What differs
// between them is in the endpoint (test/support/brokers.ts): ejabberd needs a login, RabbitMQ
// grants QoS 2 as 1 and has no MQTT 5, and each counts refused logins its own way.
import { expect, fixtureSync, html } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import {
  ALL_BROKERS,
  BROKER_TRAITS,
  brokerEndpoint,
  brokerForRefusals,
  privateBroker,
  uid,
  waitFor,
  type BrokerEndpoint,
} from '../support/brokers.js';
import { connected, mount, mountSubscribed, nextMessages, subscribed, text } from '../support/elements.js';
import { holdsFor, record, untilConnects, untilStatus } from '../elements/connection-helpers.js';
import { statusHistory } from '../support/status-history.js';

/** RabbitMQ's WebSocket path is slow and two browsers share one core each: generous waits. */
const SLOW = 15000;
/** Over ~3 s with reconnect-period 200, hammering would show as 10 or more logins. */
const REFUSAL_WATCH_MS = 3000;

/** An `<mqtt-connection>` for `broker` with its login (if it needs one) and a fresh client id. */
function connectionTo(broker: BrokerEndpoint, inner = html``, attrs: { protocolVersion?: 4 | 5 } = {}) {
  const id = uid(broker.name);
  return {
    id,
    template: html`
      <mqtt-connection
        url=${broker.url}
        client-id=${id}
        username=${ifDefined(broker.username)}
        password=${ifDefined(broker.password)}
        protocol-version=${attrs.protocolVersion ?? 4}
      >
        ${inner}
      </mqtt-connection>
    `,
  };
}

for (const name of ALL_BROKERS) {
  const traits = BROKER_TRAITS[name];
  describe(`broker matrix: ${name}`, function () {
    let broker: BrokerEndpoint;
    before(async function () {
      // RabbitMQ boots in the background (10–14 s, longer beside two browsers).
      this.timeout(120000);
      broker = await brokerEndpoint(name);
    });

    it('connects: status connecting → connected (reflected), one mqtt-connect with CONNACK 0; disconnect() → closed', async () => {
      const id = uid(name);
      const el = fixtureSync<MqttConnectionElement>(html`
        <mqtt-connection url=${broker.url} client-id=${id} username=${ifDefined(broker.username)} password=${ifDefined(broker.password)}></mqtt-connection>
      `);
      const rec = record(el);
      await untilConnects(rec, 1, SLOW);
      expect(rec.statuses).to.deep.equal(['connecting', 'connected']);
      expect(el.getAttribute('status')).to.equal('connected');
      expect(rec.connacks[0].returnCode ?? rec.connacks[0].reasonCode ?? 0).to.equal(0);
      expect(rec.errors).to.deep.equal([]);
      await el.disconnect();
      expect(el.status).to.equal('closed');
      expect(el.getAttribute('status')).to.equal('closed');
    });

    it('retained: a later subscriber gets the retained message marked retained, then live ones unmarked', async () => {
      const topic = `${uid('retained')}/state`;
      await broker.publish({ topic, payload: 'kept', qos: 1, retain: true });
      try {
        const { el, errors } = await mountSubscribed({ broker, topic });
        await waitFor(() => el.message, { timeout: SLOW, message: 'the retained message' });
        expect(el.value).to.equal('kept');
        expect(el.message!.retained).to.equal(true);
        const live = nextMessages(el);
        await broker.publish({ topic, payload: 'live', qos: 1 });
        await live;
        expect(el.value).to.equal('live');
        expect(el.message!.retained).to.equal(false);
        expect(errors).to.deep.equal([]);
      } finally {
        await broker.publish({ topic, payload: '', qos: 1, retain: true }); // clears it
      }
    });

    it('wildcards: + and # match what they should and nothing else', async () => {
      const base = uid('wild');
      const filters = { plus: `${base}/+/temp`, plus2: `${base}/+/+/v`, hash: `${base}/#`, subtree: `${base}/x/#` };
      // One connection per filter: RabbitMQ delivers a message once per matching subscription of
      // a client (its quirk), which would show here as duplicates that are not the elements'.
      const { $ } = await mount(
        html`${Object.entries(filters).map(
          ([key, filter]) => connectionTo(broker, html`<mqtt-subscribe id=${key} topic=${filter}></mqtt-subscribe>`).template,
        )}`,
      );
      const keys = Object.keys(filters) as (keyof typeof filters)[];
      const els = keys.map((key) => $<MqttSubscribeElement>(`#${key}`));
      await waitFor(() => els.every((el) => el.status === 'subscribed'), { timeout: SLOW, message: 'four subscriptions' });
      const seen: Record<string, string[]> = {};
      els.forEach((el, i) => {
        seen[keys[i]] = [];
        el.addEventListener('mqtt-message', (e) => seen[keys[i]].push(`${e.detail.topic}=${e.detail.value}`));
      });
      const sent = [
        [`other/${base}/a/temp`, 'elsewhere'],
        [`${base}/a/temp/x`, 'too deep for +'],
        [`${base}/a/b/temp`, 'deep'],
        [base, 'parent'],
        [`${base}/x/1`, 'x one'],
        [`${base}/y/1/w`, 'not v'],
        [`${base}/y/1/v/z`, 'below v'],
        [`${base}/x/1/v`, 'x one v'],
        [`${base}/a/temp`, 'match'],
      ];
      // QoS 1: each publish is with the broker before the next one starts, and a broker delivers
      // to one client in order: once a connection has its last expected message, anything it
      // should not have got would have arrived before it.
      for (const [topic, payload] of sent) await broker.publish({ topic, payload, qos: 1 });
      const expected = {
        plus: [`${base}/a/temp=match`],
        plus2: [`${base}/x/1/v=x one v`],
        subtree: [`${base}/x/1=x one`, `${base}/x/1/v=x one v`],
        // # matches the parent level too (MQTT 3.1.1 4.7.1.2)
        hash: sent.slice(1).map(([topic, payload]) => `${topic}=${payload}`),
      };
      await waitFor(() => keys.every((key) => seen[key].length >= expected[key].length), {
        timeout: SLOW,
        message: `every filter's messages: ${JSON.stringify(seen)}`,
      });
      expect(seen).to.deep.equal(expected);
    });

    it(`QoS 0/1/2 as granted (${traits.maxQos === 1 ? 'QoS 2 granted as 1' : 'all three'}): SUBACK, delivery, the page's own publish`, async () => {
      const base = uid('qos');
      const { id, template } = connectionTo(broker);
      const { $ } = await mount(template);
      const connection = $<MqttConnectionElement>('mqtt-connection');
      await waitFor(() => connection.status === 'connected', { timeout: SLOW, message: 'connected' });
      // What the broker granted, read off the wire.
      const granted: number[] = [];
      connection.client!.on('packetreceive', (packet) => {
        if (packet.cmd === 'suback') granted.push(...(packet.granted as number[]));
      });
      const els = [0, 1, 2].map((qos) => {
        const el = document.createElement('mqtt-subscribe');
        el.setAttribute('topic', `${base}/q${qos}`);
        el.setAttribute('qos', String(qos));
        connection.append(el);
        return el;
      });
      await waitFor(() => els.every((el) => el.status === 'subscribed'), { timeout: SLOW, message: 'three subscriptions' });
      const expected = [0, 1, Math.min(2, broker.maxQos)];
      expect([...granted].sort()).to.deep.equal(expected);
      // A peer publishes at the highest QoS the broker takes: each subscription gets it at the QoS it was granted.
      const arrived = els.map((el) => nextMessages(el));
      for (const qos of [0, 1, 2]) await broker.publish({ topic: `${base}/q${qos}`, payload: `peer ${qos}`, qos: broker.maxQos });
      await Promise.all(arrived);
      expect(els.map((el) => el.message!.qos)).to.deep.equal(expected);
      // And the page publishes at that QoS: acknowledged, delivered.
      const own = nextMessages(els[2]);
      await connection.publish(`${base}/q2`, `from ${id}`, { qos: broker.maxQos });
      const [event] = await own;
      expect(event.detail.value).to.equal(`from ${id}`);
      expect(event.detail.qos).to.equal(expected[2]);
    });

    it('publishes from controls: a button with a payload, a checkbox as true/false', async () => {
      const base = uid('controls');
      const { template } = connectionTo(
        broker,
        html`
          <mqtt-subscribe id="button-sub" topic="${base}/button"></mqtt-subscribe>
          <mqtt-subscribe id="box-sub" topic="${base}/box" format="json"></mqtt-subscribe>
          <mqtt-publish id="button-pub" topic="${base}/button" qos="1" payload="pressed"><button>Press</button></mqtt-publish>
          <mqtt-publish id="box-pub" topic="${base}/box" qos="1"><input type="checkbox" /></mqtt-publish>
        `,
      );
      const { $, published, errors } = await mount(template);
      const buttonSub = $<MqttSubscribeElement>('#button-sub');
      const boxSub = $<MqttSubscribeElement>('#box-sub');
      await waitFor(() => buttonSub.status === 'subscribed' && boxSub.status === 'subscribed', {
        timeout: SLOW,
        message: 'two subscriptions',
      });
      await Promise.all([$<MqttPublishElement>('#button-pub').updateComplete, $<MqttPublishElement>('#box-pub').updateComplete]);

      const pressed = nextMessages(buttonSub);
      $<HTMLButtonElement>('#button-pub button').click();
      await pressed;
      expect(buttonSub.value).to.equal('pressed');

      const checked = nextMessages(boxSub);
      $<HTMLInputElement>('#box-pub input').click(); // checks it and fires change
      await checked;
      expect(boxSub.value).to.equal(true);
      const unchecked = nextMessages(boxSub);
      $<HTMLInputElement>('#box-pub input').click();
      await unchecked;
      expect(boxSub.value).to.equal(false);

      // mqtt-published follows the PUBACK, which may come after the message itself.
      await waitFor(() => published.length >= 3, { timeout: SLOW, message: 'three mqtt-published events' });
      const payloadText = (p: string | Uint8Array) => (typeof p === 'string' ? p : text(p));
      expect(published.map((e) => `${e.detail.topic}=${payloadText(e.detail.payload)}`)).to.deep.equal([
        `${base}/button=pressed`,
        `${base}/box=true`,
        `${base}/box=false`,
      ]);
      expect(errors).to.deep.equal([]);
    });

    it('wrong password: not-authorized, status error, and one login at the broker over 3 s (reconnect-period 200)', async function () {
      this.timeout(30000);
      // RabbitMQ over WebSocket answers with no CONNACK: it closes with 1002 "unauthenticated".
      const at = await brokerForRefusals(name);
      try {
        const login = at.refusedLogin();
        const id = uid('wrongpw');
        const since = Date.now();
        const el = fixtureSync<MqttConnectionElement>(html`
          <mqtt-connection
            url=${login.url}
            client-id=${id}
            username=${login.username}
            password=${login.password}
            reconnect-period="200"
          ></mqtt-connection>
        `);
        const rec = record(el);
        await untilStatus(el, 'error', SLOW);
        expect(el.error?.code).to.equal('not-authorized');
        const count = () => at.refusals({ since, clientId: id, username: login.username });
        await waitFor(async () => (await count()) >= 1, { timeout: SLOW, message: 'the refusal in the broker`s record' });
        await holdsFor(() => el.status === 'error', REFUSAL_WATCH_MS, 'status error, no new attempt');
        expect(await count(), 'logins the broker refused').to.equal(1);
        expect(rec.errors.map((e) => e.code)).to.deep.equal(['not-authorized']);
        expect(rec.connacks).to.deep.equal([]);
      } finally {
        await at.stop();
      }
    });

    if (traits.privateInstance) {
      it('broker restart: offline, connected again, the subscription restored (a private instance)', async function () {
        this.timeout(60000);
        const own = await privateBroker(name);
        try {
          const id = uid('restart');
          const topic = `${id}/t`;
          const { $ } = await mount(html`
            <mqtt-connection
              url=${own.url}
              client-id=${id}
              username=${ifDefined(own.username)}
              password=${ifDefined(own.password)}
              reconnect-period="200"
              reconnect-max="1000"
            >
              <mqtt-subscribe topic=${topic}></mqtt-subscribe>
            </mqtt-connection>
          `);
          const connection = $<MqttConnectionElement>('mqtt-connection');
          const sub = $<MqttSubscribeElement>('mqtt-subscribe');
          const rec = record(connection);
          await waitFor(() => sub.status === 'subscribed', { timeout: SLOW, message: 'subscribed' });
          const subStatuses = statusHistory(sub);
          const connects = rec.connacks.length;
          await own.restart();
          await untilConnects(rec, connects + 1, SLOW);
          expect(rec.statuses).to.include('offline');
          // Restored: it left `subscribed` when the connection dropped and came back to it.
          await waitFor(() => subStatuses.length > 1 && subStatuses.at(-1) === 'subscribed', {
            timeout: SLOW,
            message: 'the subscription left `subscribed` and came back to it',
          });
          const after = nextMessages(sub);
          await own.publish({ topic, payload: 'after the restart', qos: 1 });
          await after;
          expect(sub.value).to.equal('after the restart');
        } finally {
          await own.stop();
        }
      });
    }

    if (traits.mqtt5) {
      it('MQTT 5: PUBLISH properties from <mqtt-publish> arrive as message.properties', async () => {
        const topic = uid('v5');
        const { template } = connectionTo(
          broker,
          html`
            <mqtt-subscribe topic=${topic} format="json"></mqtt-subscribe>
            <mqtt-publish
              topic=${topic}
              qos="1"
              payload='{"on":true}'
              content-type="application/json"
              user-properties='{"site":"lab"}'
              response-topic=${`${topic}/reply`}
              correlation-data="req-1"
            ></mqtt-publish>
          `,
          { protocolVersion: 5 },
        );
        const { $, errors } = await mount(template);
        const connection = $<MqttConnectionElement>('mqtt-connection');
        const sub = $<MqttSubscribeElement>('mqtt-subscribe');
        await connected(connection);
        await subscribed(sub);
        expect(connection.client!.options.protocolVersion).to.equal(5);
        const arrived = nextMessages(sub);
        await $<MqttPublishElement>('mqtt-publish').publish();
        await arrived;
        expect(sub.value).to.deep.equal({ on: true });
        const properties = sub.message!.properties!;
        expect(properties.contentType).to.equal('application/json');
        expect(properties.userProperties).to.deep.equal({ site: 'lab' });
        expect(properties.responseTopic).to.equal(`${topic}/reply`);
        expect(text(properties.correlationData as Uint8Array)).to.equal('req-1');
        expect(errors).to.deep.equal([]);
      });
    }
  });
}
