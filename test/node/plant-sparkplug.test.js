// The demo's Sparkplug B edge node (scripts/plant-sparkplug.js): its payloads decode with
// sparkplug-payload (Eclipse Tahu's reference library) to the metrics expected, a 64-bit counter
// beyond 2^53 exactly; on a real broker (embedded aedes) it births (NBIRTH seq 0, then a DBIRTH per
// device), sends DDATA with seq counting on, births again on a rebirth command, and when it drops
// off the broker publishes its NDEATH will with the bdSeq of the NBIRTH it ends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import mqtt from 'mqtt';
import { startAedesServer } from '../../scripts/aedes-broker.js';
import {
  COUNTER_SPAN,
  COUNTER_START,
  EdgeNode,
  Long,
  deathPayload,
  devicePayload,
  nodeBirthPayload,
  sparkplug,
  sparkplugTopic,
} from '../../scripts/plant-sparkplug.js';
import { within } from '../../scripts/time-limit.js';

const BEYOND = 2n ** 53n + 1n; // the first integer a double cannot hold

/** A decoded metric as plain values: 64-bit ones as bigint (from the Long's exact decimal text). */
function plain(metric) {
  const value = metric.value instanceof Long ? BigInt(metric.value.toString()) : metric.value;
  return { name: metric.name, type: metric.type, value };
}

const decode = (payload) => sparkplug.decodePayload(new Uint8Array(payload));

describe('the edge node payloads, decoded by sparkplug-payload', () => {
  it('DDATA: a Double temperature, an Int64 counter beyond 2^53 exactly, a Boolean, seq and timestamps', () => {
    const decoded = decode(devicePayload({ seq: 7, temperature: 61.25, counter: BEYOND, running: true }, 1700000000123));
    assert.equal(Number(decoded.seq), 7);
    assert.equal(Number(decoded.timestamp), 1700000000123);
    assert.deepEqual(decoded.metrics.map(plain), [
      { name: 'temperature', type: 'Double', value: 61.25 },
      { name: 'counter', type: 'Int64', value: BEYOND },
      { name: 'running', type: 'Boolean', value: true },
    ]);
    assert.equal(decoded.metrics[1].value.toString(), '9007199254740993');
    // What a decoder that goes through Number would show instead: the exactness is the point.
    assert.notEqual(String(Number(BEYOND)), '9007199254740993');
    for (const metric of decoded.metrics) assert.equal(Number(metric.timestamp), 1700000000123);
  });

  it('a negative Int64 and one at the Int64 limit round-trip too', () => {
    for (const counter of [-BEYOND, 2n ** 63n - 1n]) {
      const [, metric] = decode(devicePayload({ seq: 1, temperature: 0, counter, running: false })).metrics;
      assert.equal(BigInt(metric.value.toString()), counter);
    }
  });

  it('NBIRTH: seq 0, bdSeq as UInt64, Node Control/Rebirth false; NDEATH: the bdSeq alone', () => {
    const birth = decode(nodeBirthPayload(5));
    assert.equal(Number(birth.seq), 0);
    assert.deepEqual(birth.metrics.map(plain), [
      { name: 'bdSeq', type: 'UInt64', value: 5n },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    ]);
    const death = decode(deathPayload(5));
    assert.deepEqual(death.metrics.map(plain), [{ name: 'bdSeq', type: 'UInt64', value: 5n }]);
  });

  it('topics: spBv1.0/<group>/<type>/<node>[/<device>]', () => {
    assert.equal(sparkplugTopic('plant', 'NBIRTH', 'edge-1'), 'spBv1.0/plant/NBIRTH/edge-1');
    assert.equal(sparkplugTopic('plant', 'DDATA', 'edge-1', 'line-1'), 'spBv1.0/plant/DDATA/edge-1/line-1');
  });
});

describe('EdgeNode on a real broker', () => {
  let aedes;
  let watcher;
  const seen = [];
  const waiting = new Set();
  before(async () => {
    aedes = await startAedesServer();
    watcher = mqtt.connect(aedes.url, { reconnectPeriod: 0 });
    await once(watcher, 'connect');
    watcher.on('message', (topic, payload) => {
      let decoded;
      try {
        decoded = decode(payload);
      } catch {
        decoded = undefined; // the rebirth test's NCMD that is not protobuf
      }
      const message = { topic, type: topic.split('/')[2], device: topic.split('/')[4], payload: decoded };
      seen.push(message);
      for (const waiter of waiting) waiter();
    });
    await watcher.subscribeAsync('spBv1.0/#', { qos: 1 });
  });
  after(async () => {
    await watcher?.endAsync(true);
    await aedes?.close();
  });

  /** Resolves once `seen` from index `from` on satisfies `enough` (given those messages), within 5 s. */
  function until(from, enough, what) {
    let waiter;
    return within(
      new Promise((resolve) => {
        waiter = () => enough(seen.slice(from)) && resolve(seen.slice(from));
        waiting.add(waiter);
        waiter();
      }),
      5000,
      what,
    ).finally(() => waiting.delete(waiter));
  }

  const metric = (message, name) => plain(message.payload.metrics.find((m) => m.name === name)).value;

  it('births, sends DDATA with seq counting on and a counter across 2^53, and its NDEATH will carries the NBIRTH bdSeq', async () => {
    const node = new EdgeNode({ url: aedes.url, node: 'edge-test', periodMs: 20, counterStart: COUNTER_START });
    const from = seen.length;
    try {
      await within(node.start(), 5000, 'the births');
      const ddata = (messages) => messages.filter((m) => m.type === 'DDATA' && m.device === 'line-1');
      const messages = await until(from, (m) => ddata(m).length > Number(COUNTER_SPAN), 'DDATA past the counter span');

      // The births, in order: NBIRTH seq 0, then a DBIRTH per device with every metric and its type.
      const [nbirth, ...rest] = messages;
      assert.equal(nbirth.topic, 'spBv1.0/plant/NBIRTH/edge-test');
      assert.equal(Number(nbirth.payload.seq), 0);
      const bdSeq = metric(nbirth, 'bdSeq');
      assert.deepEqual(
        rest.slice(0, 2).map((m) => [m.topic, m.payload.metrics.map((x) => `${x.name}:${x.type}`).join(' ')]),
        ['line-1', 'line-2'].map((line) => [`spBv1.0/plant/DBIRTH/edge-test/${line}`, 'temperature:Double counter:Int64 running:Boolean']),
      );
      // seq: 0 for NBIRTH, then one more for every message the node sends (wrapping at 256).
      assert.deepEqual(
        messages.map((m) => Number(m.payload.seq)),
        messages.map((_m, i) => i % 256),
      );
      // The counter: from COUNTER_START up by one per DDATA, beyond 2^53 exactly, and over again.
      const counters = [rest[0], ...ddata(messages)].map((m) => metric(m, 'counter'));
      const expected = counters.map((_c, i) => COUNTER_START + (BigInt(i) % COUNTER_SPAN));
      assert.deepEqual(counters, expected);
      assert.ok(counters.some((c) => c > 2n ** 53n && c % 2n === 1n), 'an odd counter beyond 2^53 arrived exact');
      for (const m of ddata(messages)) {
        assert.equal(typeof metric(m, 'temperature'), 'number');
        assert.equal(typeof metric(m, 'running'), 'boolean');
      }

      // Dropped: the broker publishes the will, an NDEATH with the same bdSeq.
      const beforeDrop = seen.length;
      await node.drop();
      const [ndeath] = await until(beforeDrop, (m) => m.some((x) => x.type === 'NDEATH'), 'the NDEATH').then((m) => m.filter((x) => x.type === 'NDEATH'));
      assert.equal(ndeath.topic, 'spBv1.0/plant/NDEATH/edge-test');
      assert.equal(metric(ndeath, 'bdSeq'), bdSeq);

      // Back: a new session, the next bdSeq.
      const back = seen.length;
      await within(node.start(), 5000, 'the births again');
      const [again] = (await until(back, (m) => m.some((x) => x.type === 'NBIRTH'), 'the NBIRTH again')).filter((x) => x.type === 'NBIRTH');
      assert.equal(metric(again, 'bdSeq'), bdSeq + 1n);
    } finally {
      await node.stop();
    }
  });

  it('births again on Node Control/Rebirth, and ignores an NCMD that does not decode', async () => {
    const node = new EdgeNode({ url: aedes.url, node: 'edge-rebirth', devices: ['line-9'], periodMs: 60000 });
    try {
      const start = seen.length;
      await within(node.start(), 5000, 'the births');
      // Its first births seen here, so that those after `from` can only be the rebirth's.
      await until(start, (m) => m.some((x) => x.topic === 'spBv1.0/plant/DBIRTH/edge-rebirth/line-9'), 'the first births');
      const from = seen.length;
      const ncmd = sparkplugTopic('plant', 'NCMD', 'edge-rebirth');
      await watcher.publishAsync(ncmd, Buffer.from('not protobuf'), { qos: 1 });
      await watcher.publishAsync(ncmd, Buffer.from(sparkplug.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] })), { qos: 1 });
      const messages = await until(from, (m) => m.some((x) => x.type === 'DBIRTH'), 'the births after the rebirth command');
      // Still alive after the NCMD it could not read: NBIRTH seq 0, then its device's DBIRTH.
      const births = messages.filter((m) => m.topic.includes('edge-rebirth') && m.type !== 'NCMD');
      assert.deepEqual(
        births.map((m) => [m.topic, Number(m.payload.seq)]),
        [
          ['spBv1.0/plant/NBIRTH/edge-rebirth', 0],
          ['spBv1.0/plant/DBIRTH/edge-rebirth/line-9', 1],
        ],
      );
    } finally {
      await node.stop();
    }
  });
});
