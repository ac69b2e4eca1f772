// Failover over a broker cluster (README, `<mqtt-connection>`: Reconnects, clusters): a 2-node
// RabbitMQ cluster on this machine, started by scripts/broker-plugin.js, and a page whose
// <mqtt-connection> lists both nodes' URLs. Killing the node in use must leave the page subscribed
// through the other. QoS 0 on purpose: a QoS 1 subscription's durable queue lives on its node and
// the survivor refuses to re-create it while that node is down (../shared/TOOLCHAIN.md).
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { rabbitmqCluster, uid, waitFor, type ClusterLease } from '../support/brokers.js';
import { mount, nextMessages } from '../support/elements.js';
import { statusHistory } from '../support/status-history.js';
import { record } from '../elements/connection-helpers.js';

/** The bound for this case: connected again within 10 s of the kill. */
const FAILOVER_MS = 10000;
/** RabbitMQ's WebSocket path is slow and both browsers run beside the cluster. */
const SLOW = 15000;

describe('RabbitMQ cluster: failover between the nodes listed in url', function () {
  // Each browser's test gets a cluster of its own: the one booted in the background from the
  // run's start, or a fresh one (about 20 s, 30 beside two browsers).
  this.timeout(300000);
  let cluster: ClusterLease | undefined;
  afterEach(async () => {
    await cluster?.release();
    cluster = undefined;
  });

  it('keeps a QoS 0 subscription when the active node is killed: connected again within 10 s, a message through the survivor arrives', async () => {
    cluster = await rabbitmqCluster();
    const urls = cluster.nodes.map((n) => n.url);
    const id = uid('failover');
    const topic = `${id}/t`;
    const { $, errors } = await mount(html`
      <mqtt-connection url=${urls.join(' ')} client-id=${id}>
        <mqtt-subscribe topic=${topic} qos="0"></mqtt-subscribe>
      </mqtt-connection>
    `);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const sub = $<MqttSubscribeElement>('mqtt-subscribe');
    const rec = record(connection);
    await waitFor(() => sub.status === 'subscribed', { timeout: SLOW, message: 'subscribed through one of the nodes' });
    const active = urls.indexOf(connection.activeUrl ?? '');
    expect(active, `activeUrl ${connection.activeUrl} is one of the nodes`).to.be.oneOf([0, 1]);
    const survivor = 1 - active;

    // The cluster routes across nodes: a message through the other node reaches the page.
    const before = nextMessages(sub);
    await cluster.publish(survivor, { topic, payload: 'before', qos: 1 });
    await before;

    const subStatuses = statusHistory(sub);
    const connects = rec.connacks.length;
    const killedAt = performance.now();
    await cluster.kill(active);
    await waitFor(() => rec.connacks.length > connects && connection.status === 'connected', {
      timeout: FAILOVER_MS,
      message: `connected again within ${FAILOVER_MS} ms of the kill (status ${connection.status})`,
    });
    const failoverMs = Math.round(performance.now() - killedAt);
    expect(connection.activeUrl).to.equal(urls[survivor]);
    // The subscription is restored on the survivor: it left `subscribed` and came back.
    await waitFor(() => subStatuses.length > 1 && subStatuses.at(-1) === 'subscribed', {
      timeout: SLOW,
      message: 'the subscription restored on the survivor',
    });
    const after = nextMessages(sub);
    await cluster.publish(survivor, { topic, payload: 'after', qos: 1 });
    await after;
    expect(sub.value).to.equal('after');
    expect(errors.map((e) => e.detail.error.code).filter((code) => code !== 'connection-failed')).to.deep.equal([]);
    console.log(`failover: connected through the survivor ${failoverMs} ms after the kill`);
  });
});
