// Helpers for element tests against the brokers: the usual set-up (a connection and one subscribed
// element) and a round trip as a barrier. What the brokers recorded (test/support/brokers.ts) and
// the broker-free helpers (test/support/mount.ts: mount, waits, event recording) are re-exported.
import { html } from '@open-wc/testing';
import { nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import {
  brokerEndpoint,
  brokerEvents,
  brokerUnderTest,
  getBrokers,
  mosquittoLog,
  uid,
  waitFor,
  type AnyBrokerName,
  type BrokerEndpoint,
} from './brokers.js';
import { mount, subscribed, type Mounted } from './mount.js';

export { codesFrom, connected, mount, nextMessages, subscribed, text, type Mounted } from './mount.js';
export {
  BROKER_NAMES,
  brokerEvents,
  brokerUnderTest,
  subscribesAt,
  unsubscribesAt,
  type BrokerName,
  type BrokerUnderTest,
} from './brokers.js';

/**
 * A barrier for "nothing else was sent": a QoS 1 PUBLISH from the connection's own client on a
 * fresh topic under `prefix`, and a wait until the broker recorded it (aedes writes PUBACK before
 * it routes a message, so the PUBACK alone is not enough). A broker handles one client's packets
 * in order, so whatever the client sent before is recorded by then too.
 */
export async function roundTrip(connection: MqttConnectionElement, prefix: string): Promise<void> {
  const id = connection.clientId!;
  const topic = `${prefix}/${uid('sync')}`;
  await connection.publish(topic, 'sync', { qos: 1 });
  const { aedes } = await getBrokers();
  if (connection.url === aedes.url) {
    await waitFor(async () => (await brokerEvents(id, 'publish', topic)).length > 0, { message: `aedes got ${topic}` });
  } else {
    // mosquitto logs each packet as it handles it: "Received PUBLISH from <id> (d0, q1, r0, m1, '<topic>', …)".
    const line = `'${topic}'`;
    await waitFor(async () => (await mosquittoLog(`Received PUBLISH from ${id} `)).some((l) => l.includes(line)), {
      message: `mosquitto logged ${topic}`,
    });
  }
}

/** What mountSubscribed sets on its `<mqtt-subscribe>`, and where. */
export interface SubscribedSetUp {
  /** Default aedes. Any of the four by name, or an endpoint (a private instance, say). */
  broker?: AnyBrokerName | BrokerEndpoint;
  /** Default `<client id>/t`. */
  topic?: string;
  qos?: string;
  format?: string;
  path?: string;
  history?: string;
  target?: string;
  property?: string;
  /** Content of the connection before the subscribe element (a binding's target, say). */
  before?: TemplateResult;
}

/**
 * The set-up most broker tests of `<mqtt-subscribe>` start from: an `<mqtt-connection>` with a
 * client id of its own and one `<mqtt-subscribe>` inside it, mounted, and waited for until the
 * broker granted the subscription.
 */
export async function mountSubscribed(setUp: SubscribedSetUp = {}): Promise<
  Mounted & { el: MqttSubscribeElement; connection: MqttConnectionElement; id: string; topic: string; url: string }
> {
  const broker = setUp.broker ?? 'aedes';
  // aedes and mosquitto by name as before; ejabberd needs a login, RabbitMQ a wait for its boot.
  const { url, username, password }: { url: string; username?: string; password?: string } =
    typeof broker !== 'string'
      ? broker
      : broker === 'aedes' || broker === 'mosquitto'
        ? await brokerUnderTest(broker)
        : await brokerEndpoint(broker);
  const id = uid('c');
  const topic = setUp.topic ?? `${id}/t`;
  const mounted = await mount(html`
    <mqtt-connection url=${url} client-id=${id} username=${ifDefined(username)} password=${ifDefined(password)}>
      ${setUp.before ?? nothing}
      <mqtt-subscribe
        topic=${topic}
        qos=${ifDefined(setUp.qos)}
        format=${ifDefined(setUp.format)}
        path=${ifDefined(setUp.path)}
        history=${ifDefined(setUp.history)}
        target=${ifDefined(setUp.target)}
        property=${ifDefined(setUp.property)}
      ></mqtt-subscribe>
    </mqtt-connection>
  `);
  const el = mounted.$<MqttSubscribeElement>('mqtt-subscribe');
  await subscribed(el);
  return { ...mounted, el, connection: mounted.$<MqttConnectionElement>('mqtt-connection'), id, topic, url };
}
