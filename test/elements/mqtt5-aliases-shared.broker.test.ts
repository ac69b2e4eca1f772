// MQTT 5 on the wire, against mosquitto (which grants topic aliases and shares subscriptions):
// repeated outgoing topics go as aliases; $share/group/filter splits a stream between pages.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import { getBrokers, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { connected, mount, subscribed } from '../support/mount.js';

/** The PUBLISH packets among `frames`, each as its topic (empty: sent as an alias) and its length. */
function publishes(frames: Uint8Array[]): Array<{ topic: string; bytes: number }> {
  return frames
    .filter((f) => f[0]! >> 4 === 3)
    .map((f) => {
      let i = 1;
      while (f[i]! & 0x80) i++; // the remaining length's varint
      const at = i + 1;
      const length = (f[at]! << 8) | f[at + 1]!;
      return { topic: new TextDecoder().decode(f.subarray(at + 2, at + 2 + length)), bytes: f.length };
    });
}

describe('MQTT 5 topic aliases and shared subscriptions (mosquitto)', () => {
  it('publishes on a repeated topic go out as a topic alias once the broker granted aliases', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('alias');
    const frames: Uint8Array[] = [];
    // Every frame the page's WebSocket sends, through MQTT.js's public createWebsocket option.
    const options = {
      createWebsocket: (url: string, protocols: string[]) => {
        const socket = new WebSocket(url, protocols);
        const send = socket.send.bind(socket);
        socket.send = (data: Uint8Array) => {
          frames.push(new Uint8Array(data));
          send(data);
        };
        return socket;
      },
    };
    const topic = `${id}/a/rather/long/topic/name/for/a/device/reading`;
    const { $ } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id=${id} protocol-version="5" .options=${options}>
        <mqtt-publish topic=${topic} qos="1"></mqtt-publish>
        <mqtt-subscribe topic=${topic} history="3"></mqtt-subscribe>
      </mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await connected(connection);
    expect(connection.client!.options.properties?.topicAliasMaximum).to.equal(20);
    const sub = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(sub);
    const pub = $<MqttPublishElement>('mqtt-publish');
    for (const n of [1, 2, 3]) await pub.publish(String(n));
    const sent = publishes(frames);
    expect(sent.map((p) => p.topic)).to.deep.equal([topic, '', '']);
    expect(sent[1]!.bytes).to.be.below(sent[0]!.bytes - topic.length + 1);
    // The broker resolved the aliases: the messages come back on the real topic.
    await waitFor(() => sub.messages.length === 3);
    expect(sub.messages.map((m) => m.topic)).to.deep.equal([topic, topic, topic]);
  });

  it('two pages in one $share group split a stream: nothing lost, nothing doubled, matched on the real topic', async () => {
    const { mosquitto } = await getBrokers();
    const id = uid('share');
    const filter = `$share/g-${id}/${id}/+/reading`;
    const { root } = await mount(html`
      <mqtt-connection url=${mosquitto.url} client-id="${id}-1" protocol-version="5"><mqtt-subscribe topic=${filter} history="40"></mqtt-subscribe></mqtt-connection>
      <mqtt-connection url=${mosquitto.url} client-id="${id}-2" protocol-version="5"><mqtt-subscribe topic=${filter} history="40"></mqtt-subscribe></mqtt-connection>`);
    const [a, b] = [...root.querySelectorAll<MqttSubscribeElement>('mqtt-subscribe')];
    for (const c of root.querySelectorAll<MqttConnectionElement>('mqtt-connection')) await connected(c);
    await subscribed(a!, b!);
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const [i, payload] of sent.entries()) await mosquittoPub({ topic: `${id}/dev${i % 3}/reading`, payload, qos: 1 });
    await waitFor(() => a!.messages.length + b!.messages.length === 20, { timeout: 10000 });
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may come
    const got = [...a!.messages, ...b!.messages].map((m) => new TextDecoder().decode(m.payload)).sort();
    expect(got).to.deep.equal([...sent].sort());
    expect(a!.messages.length, 'each page got a share').to.be.above(0);
    expect(b!.messages.length).to.be.above(0);
    expect(a!.messages[0]!.topic).to.match(new RegExp(`^${id}/dev\\d/reading$`));
  });
});
