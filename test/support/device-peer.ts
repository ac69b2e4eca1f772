// A device for the tests of controls that follow it (README "Control panels"): a plain MQTT.js
// client in the page that takes commands on `<base>/set`, reports its state on `<base>/state`
// (retained) as the test scripts it, and says whether it is reachable on `<base>/availability`
// (retained `online`, and `offline` as its last will, sent by the broker when it is killed).
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { once, uid, waitFor } from './wait.js';

/** How the device answers a command (its payload text): the state it reports, or undefined for none. */
export type Answer = (command: string) => string | undefined;

export interface DevicePeer {
  /** The topics: commands, state, availability. */
  set: string;
  state: string;
  availability: string;
  /** Every command payload received, in order. */
  commands: string[];
  /** How it answers from now on, after `delay` ms (default: the command itself, at once). */
  answer(answer: Answer, delay?: number): void;
  /** Reports `state` (retained), as the device does on its own (a wall switch). */
  report(state: string): Promise<void>;
  /** Publishes its availability (retained). */
  say(payload: string): Promise<void>;
  /** Waits until a message on `<base>/sync/<id>` (a barrier the page publishes) came through. */
  synced(id: string): Promise<void>;
  /** Drops its connection without a DISCONNECT: the broker publishes its will (`offline`). */
  kill(): void;
  /** Disconnects (a DISCONNECT: no will). */
  end(): void;
}

/** Connects a device to `url` under `base`, subscribed to its commands before it resolves. */
export async function devicePeer(url: string, base: string, { birth = true }: { birth?: boolean } = {}): Promise<DevicePeer> {
  const set = `${base}/set`;
  const state = `${base}/state`;
  const availability = `${base}/availability`;
  const client: MqttClient = mqtt.connect(url, {
    clientId: uid('device'),
    reconnectPeriod: 0,
    will: { topic: availability, payload: new TextEncoder().encode('offline') as never, qos: 1, retain: true },
  });
  await once(client, 'connect');
  await new Promise<void>((resolve, reject) => client.subscribe([set, `${base}/sync/#`], { qos: 1 }, (e) => (e ? reject(e) : resolve())));
  const commands: string[] = [];
  const syncs = new Set<string>();
  let answer: Answer = (command) => command;
  let delay = 0;
  const publish = (topic: string, payload: string) =>
    new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1, retain: true }, (e) => (e ? reject(e) : resolve())));
  client.on('message', (topic, payload) => {
    const text = new TextDecoder().decode(payload);
    if (topic !== set) return void syncs.add(topic.slice(`${base}/sync/`.length));
    commands.push(text);
    const reply = answer(text);
    if (reply === undefined) return;
    // A device ended meanwhile fails the publish: nothing to report then.
    setTimeout(() => publish(state, reply).catch(() => {}), delay);
  });
  if (birth) await publish(availability, 'online');
  return {
    set,
    state,
    availability,
    commands,
    answer(next, ms = 0) {
      answer = next;
      delay = ms;
    },
    report: (value) => publish(state, value),
    say: (payload) => publish(availability, payload),
    synced: (id) => waitFor(() => syncs.has(id), { message: `the device got the barrier ${id}` }).then(() => undefined),
    kill: () => void client.end(true),
    end: () => void client.end(),
  };
}
