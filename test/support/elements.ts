// Helpers for element tests against the brokers: ask the broker what it saw. The broker-free ones
// (mount, waits, event recording) live in test/support/mount.ts and are re-exported here.
import type { MqttConnectionElement } from '../../src/index.js';
import {
  aedesEvents,
  getBrokers,
  mosquittoLog,
  uid,
  waitFor,
  type AedesEvent,
  type AedesEventType,
} from './brokers.js';

export { codesFrom, connected, mount, nextMessages, subscribed, text, type Mounted } from './mount.js';

/** aedes events of one type for one client id, optionally only those about `topic`. */
export async function brokerEvents(clientId: string, type: AedesEventType, topic?: string): Promise<AedesEvent[]> {
  return (await aedesEvents(clientId)).filter(
    (e) => e.type === type && (topic === undefined || e.topic === topic || !!e.topics?.some((t) => t.topic === topic)),
  );
}

/** The granted QoS of every SUBSCRIBE aedes saw from `clientId` for `filter`, in order. */
export async function subscribesAt(clientId: string, filter: string): Promise<number[]> {
  return (await brokerEvents(clientId, 'subscribe', filter)).map((e) => e.topics!.find((t) => t.topic === filter)!.qos!);
}

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
