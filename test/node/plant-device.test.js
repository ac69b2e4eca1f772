// The demo's commanded devices (scripts/plant-device.js) against a real broker (embedded aedes):
// a command is answered with the state after its delay and not before, an ignored command or one
// the device does not understand gets no state at all, answers keep the commands' order, and a
// device that drops off publishes nothing itself: the broker publishes its last will.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import mqtt from 'mqtt';
import { startAedesServer } from '../../scripts/aedes-broker.js';
import { ANSWER_MS, COMMANDED_DEVICES, CommandedDevice, IGNORE_ONE_IN, KINDS, deviceTopics, planCommand } from '../../scripts/plant-device.js';
import { seededRandom } from '../../scripts/seeded-random.js';
import { within } from '../../scripts/time-limit.js';

/** An MQTT client that records what arrives on `topics`; `next(match, from)` waits for a message. */
async function observe(url, topics) {
  const client = mqtt.connect(url, { reconnectPeriod: 0 });
  await once(client, 'connect');
  const seen = [];
  const waiting = new Set();
  client.on('message', (topic, payload, packet) => {
    const message = { topic, text: payload.toString(), retain: packet.retain, at: performance.now() };
    seen.push(message);
    for (const waiter of waiting) waiter(message);
  });
  await client.subscribeAsync(topics, { qos: 1 });
  return {
    seen,
    /** The first message at or after index `from` that `match`es, within 5 s. */
    next(match, from = 0, what = 'the message') {
      const already = seen.slice(from).find(match);
      if (already) return Promise.resolve(already);
      let waiter;
      return within(
        new Promise((resolve) => {
          waiter = (message) => match(message) && resolve(message);
          waiting.add(waiter);
        }),
        5000,
        what,
      ).finally(() => waiting.delete(waiter));
    },
    publish: (topic, text) => client.publishAsync(topic, text, { qos: 1 }),
    end: () => client.endAsync(true),
  };
}

/** `decide` that plays `plans` in order, one per command the device understood. */
function scripted(plans) {
  const left = [...plans];
  return () => {
    const plan = left.shift();
    assert.ok(plan, 'more commands were decided than the test scripted');
    return plan;
  };
}

describe('planCommand: which commands a device ignores, and how late it answers the others', () => {
  it('ignores about one command in IGNORE_ONE_IN and answers the rest within ANSWER_MS', () => {
    const random = seededRandom(42);
    const plans = Array.from({ length: 8000 }, () => planCommand(random));
    const ignored = plans.filter((p) => p.ignored).length / plans.length;
    assert.ok(Math.abs(ignored - 1 / IGNORE_ONE_IN) < 0.02, `ignored ${ignored}`);
    for (const { delay } of plans) assert.ok(delay >= ANSWER_MS[0] && delay < ANSWER_MS[1], `delay ${delay}`);
  });

  it('is the same for the same seed, and another for another seed', () => {
    const run = (seed) => Array.from({ length: 50 }, () => planCommand(seededRandom(seed)));
    const sequence = (seed) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => planCommand(random));
    };
    assert.deepEqual(sequence(3), sequence(3));
    assert.notDeepEqual(sequence(3), sequence(4));
    assert.equal(new Set(run(5).map((p) => p.delay)).size, 1, 'a fresh generator starts where it started before');
  });

  it("the plant's devices answer a visitor's first two commands and ignore one of the next four", () => {
    for (const { id, seed } of COMMANDED_DEVICES) {
      const random = seededRandom(seed);
      const ignored = Array.from({ length: 6 }, () => planCommand(random).ignored);
      assert.deepEqual(ignored.slice(0, 2), [false, false], id);
      assert.ok(ignored.slice(2).includes(true), `${id}: ${ignored}`);
    }
  });

  it('never ignores with ignoreOneIn 0, always with 1', () => {
    const random = seededRandom(1);
    assert.ok(Array.from({ length: 200 }, () => planCommand(random, { ignoreOneIn: 0 })).every((p) => !p.ignored));
    assert.ok(Array.from({ length: 200 }, () => planCommand(random, { ignoreOneIn: 1 })).every((p) => p.ignored));
  });
});

describe('KINDS: what each device takes as a command and reports', () => {
  it('relay: ON/OFF, true/false, 1/0 in any case; anything else is not a command', () => {
    for (const text of ['ON', 'on', 'true', '1', ' On ']) assert.equal(KINDS.relay.parse(text), 'ON', text);
    for (const text of ['OFF', 'off', 'false', '0']) assert.equal(KINDS.relay.parse(text), 'OFF', text);
    for (const text of ['', 'yes', '2', '"ON"x']) assert.equal(KINDS.relay.parse(text), undefined, text);
  });

  it('dimmer: a whole number 0–100, clamped; not a number is not a command', () => {
    assert.equal(KINDS.dimmer.parse('42'), '42');
    assert.equal(KINDS.dimmer.parse('42.6'), '43');
    assert.equal(KINDS.dimmer.parse('150'), '100');
    assert.equal(KINDS.dimmer.parse('-3'), '0');
    for (const text of ['', ' ', 'bright', 'NaN', 'Infinity']) assert.equal(KINDS.dimmer.parse(text), undefined, text);
  });

  it('mode: one of its words', () => {
    assert.deepEqual(KINDS.mode.modes.map((m) => KINDS.mode.parse(m.toUpperCase())), KINDS.mode.modes);
    assert.equal(KINDS.mode.parse('turbo'), undefined);
  });
});

describe('CommandedDevice on a real broker', () => {
  let aedes;
  before(async () => {
    aedes = await startAedesServer();
  });
  after(() => aedes?.close());

  /** A device of `kind` and an observer of its three topics, ended after `body`. */
  async function withDevice(kind, id, decide, body) {
    const device = new CommandedDevice({ id, kind, url: aedes.url, decide });
    const watch = await observe(aedes.url, Object.values(deviceTopics(id)));
    try {
      await within(device.start(), 5000, 'the device starting');
      await body(device, watch, deviceTopics(id));
    } finally {
      await device.stop();
      await watch.end();
    }
  }

  it('starts online, with its state retained', async () => {
    await withDevice('dimmer', 'dimmer-start', scripted([]), async (_device, watch, topics) => {
      await watch.next((m) => m.topic === topics.availability && m.text === 'online');
      await watch.next((m) => m.topic === topics.state && m.text === KINDS.dimmer.initial);
      const late = await observe(aedes.url, [topics.state, topics.availability]);
      try {
        const state = await late.next((m) => m.topic === topics.state);
        const availability = await late.next((m) => m.topic === topics.availability);
        assert.deepEqual([state.text, state.retain, availability.text, availability.retain], [KINDS.dimmer.initial, true, 'online', true]);
      } finally {
        await late.end();
      }
    });
  });

  it('answers a command with its new state after the delay, not before', async () => {
    const DELAY = 400;
    await withDevice('dimmer', 'dimmer-late', scripted([{ ignored: false, delay: DELAY }]), async (device, watch, topics) => {
      await watch.next((m) => m.topic === topics.state);
      const from = watch.seen.length;
      const sent = performance.now();
      await watch.publish(topics.set, '75');
      const answer = await watch.next((m) => m.topic === topics.state, from, 'the state 75');
      assert.equal(answer.text, '75');
      // Timers may fire a fraction of a millisecond early by performance.now().
      assert.ok(answer.at - sent >= DELAY - 2, `answered after ${answer.at - sent} ms`);
      assert.equal(device.state, '75');
    });
  });

  it('gives no state for an ignored command, nor for one it does not understand', async () => {
    const commands = [];
    await withDevice(
      'dimmer',
      'dimmer-ignoring',
      scripted([
        { ignored: true, delay: 50 },
        { ignored: false, delay: 50 },
      ]),
      async (device, watch, topics) => {
        device.on('command', (c) => commands.push(c));
        await watch.next((m) => m.topic === topics.state);
        const from = watch.seen.length;
        await watch.publish(topics.set, '10'); // ignored by the plan
        await watch.publish(topics.set, 'bright'); // not a command a dimmer knows
        await watch.publish(topics.set, '90'); // answered
        await watch.next((m) => m.topic === topics.state && m.text === '90', from, 'the state 90');
        // Answers keep the commands' order: had 10 been answered, it would have come before 90.
        assert.deepEqual(
          watch.seen.slice(from).filter((m) => m.topic === topics.state).map((m) => m.text),
          ['90'],
        );
        assert.deepEqual(
          commands.map(({ text, state, ignored }) => ({ text, state, ignored })),
          [
            { text: '10', state: '10', ignored: true },
            { text: 'bright', state: undefined, ignored: true },
            { text: '90', state: '90', ignored: false },
          ],
        );
      },
    );
  });

  it('answers in the order of the commands, a quick answer waiting for a slow one before it', async () => {
    await withDevice(
      'relay',
      'relay-order',
      scripted([
        { ignored: false, delay: 500 },
        { ignored: false, delay: 20 },
      ]),
      async (_device, watch, topics) => {
        await watch.next((m) => m.topic === topics.state);
        const from = watch.seen.length;
        await watch.publish(topics.set, 'ON');
        await watch.publish(topics.set, 'OFF');
        await watch.next((m) => m.topic === topics.state && m.text === 'OFF', from, 'the state OFF');
        assert.deepEqual(
          watch.seen.slice(from).filter((m) => m.topic === topics.state).map((m) => m.text),
          ['ON', 'OFF'],
        );
      },
    );
  });

  it('running, with its power cuts, still ignores the commands its seed says', async () => {
    const { id, kind, seed } = COMMANDED_DEVICES[0];
    const random = seededRandom(seed);
    const expected = Array.from({ length: 5 }, () => planCommand(random).ignored);
    const device = new CommandedDevice({ id, kind, seed, url: aedes.url });
    const watch = await observe(aedes.url, [deviceTopics(id).availability]);
    const ignored = [];
    device.on('command', (c) => ignored.push(c.ignored));
    try {
      device.run({ up: [60000, 60000], down: [1000, 1000] });
      await watch.next((m) => m.text === 'online', 0, 'the device online');
      for (let i = 0; i < expected.length; i++) {
        const seen = once(device, 'command');
        await watch.publish(deviceTopics(id).set, i % 2 ? 'OFF' : 'ON');
        await within(seen, 5000, `command ${i}`);
      }
      assert.deepEqual(ignored, expected);
    } finally {
      await device.stop();
      await watch.end();
    }
  });

  it('drops off without a word: the broker publishes its will, offline and retained; back, it says online', async () => {
    await withDevice('mode', 'fan-drops', scripted([{ ignored: false, delay: 300 }]), async (device, watch, topics) => {
      await watch.next((m) => m.topic === topics.availability && m.text === 'online');
      await watch.next((m) => m.topic === topics.state && m.text === 'auto');
      const commanded = once(device, 'command');
      const from = watch.seen.length;
      await watch.publish(topics.set, 'high');
      await commanded;
      await device.drop(); // before the answer is due: it is lost with the power
      const will = await watch.next((m) => m.topic === topics.availability, from, 'the will');
      assert.equal(will.text, 'offline');
      const late = await observe(aedes.url, [topics.availability]);
      try {
        const retained = await late.next(() => true);
        assert.deepEqual([retained.text, retained.retain], ['offline', true]);
      } finally {
        await late.end();
      }

      const back = watch.seen.length;
      await within(device.start(), 5000, 'the device starting again');
      await watch.next((m) => m.topic === topics.availability && m.text === 'online', back, 'online again');
      const state = await watch.next((m) => m.topic === topics.state, back, 'its state again');
      assert.equal(state.text, 'auto', 'the command lost with the power was never carried out');
      assert.equal(watch.seen.slice(from).filter((m) => m.topic === topics.state && m.text === 'high').length, 0);
    });
  });
});
