// The stand-ins the CDN build puts in place of MQTT.js's Node polyfills (build/shims/, wired in
// vite.config.ts's mqttStandIns), each against what it replaces where Node has it: the real
// `url.parse`, `string_decoder`, lru-cache and MQTT.js's own modules. What they add up to in the
// bundle (topic aliases, reconnect, keepalive, a silent console) is test/e2e/cdn-bundle.test.js.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter as NodeEventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StringDecoder as NodeStringDecoder } from 'node:string_decoder';
import nodeUrl from 'node:url';

const require = createRequire(import.meta.url);
const shim = (name) => require(`../../build/shims/${name}.cjs`);
/** Resolves as MQTT.js does: its own lru-cache 10, its own build/ modules. */
const mqttRequire = createRequire(require.resolve('mqtt'));

describe('build/shims/url.cjs: url.parse over WHATWG URL (for the mqttjs-transport ablation)', () => {
  const { parse } = shim('url');
  // Every field connect() reads, plus the ones it derives them from.
  const FIELDS = ['protocol', 'slashes', 'auth', 'host', 'port', 'hostname', 'hash', 'search', 'pathname', 'path'];
  const URLS = [
    'ws://host:8080/mqtt',
    'wss://broker.example.com/mqtt',
    'ws://Example.COM:9001/MQTT',
    'ws://host:80/mqtt', // a default port, which WHATWG URL drops
    'wss://host:443',
    'ws://[::1]:9001/mqtt',
    'wss://[2001:db8::1]/mqtt',
    'ws://user:p%40ss@host/mqtt',
    'ws://us%40er@host/',
    'ws://host/mqtt?clientId=abc&x=1&x=2',
    'ws://host?q',
    'ws://host/path#frag',
    'ws://host/a b',
    'mqtt://host',
    'mqtt://host:1883',
    'mqtts://user:pw@host:8883/',
    'tcp://127.0.0.1:1883',
    '/mqtt',
    '/mqtt?clientId=x',
  ];
  for (const input of URLS) {
    it(`${input}: the fields of Node's url.parse`, () => {
      const ours = parse(input, true);
      const node = nodeUrl.parse(input, true);
      for (const field of FIELDS) assert.deepEqual(ours[field], node[field], field);
      assert.deepEqual({ ...ours.query }, { ...node.query }, 'query');
    });
  }

  it('query as a string without parseQueryString', () => {
    assert.equal(parse('ws://host/mqtt?a=1&b=2').query, 'a=1&b=2');
    assert.equal(parse('ws://host/mqtt').query, null);
  });
});

describe('build/shims/debug.cjs: no-op debug', () => {
  const debug = shim('debug');

  it('hands out loggers that print nothing, even with DEBUG set', () => {
    const calls = [];
    const saved = {};
    for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
      saved[method] = console[method];
      console[method] = (...args) => calls.push(args);
    }
    const env = process.env.DEBUG;
    process.env.DEBUG = '*';
    try {
      const log = debug('mqttjs:client');
      assert.equal(typeof log, 'function');
      assert.equal(log('connecting to %s', 'ws://host'), undefined);
      assert.equal(log.enabled, false);
      log.extend('sub')('more');
      debug.enable('*');
      debug('mqtt-packet:parser')('parsed');
    } finally {
      Object.assign(console, saved);
      if (env === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = env;
    }
    assert.deepEqual(calls, []);
  });

  it('works both ways MQTT.js and mqtt-packet load it', () => {
    // mqtt-packet: require('debug')(name); MQTT.js (compiled TypeScript): __importDefault(...).default(name).
    assert.equal(typeof debug('x'), 'function');
    assert.equal(debug.__esModule, undefined, 'a CommonJS function, so __importDefault wraps it as default');
  });
});

describe('build/shims/process.cjs: process with nextTick as a microtask', () => {
  const shimProcess = shim('process');

  it('runs nextTick callbacks with their arguments, in order, before timers and after the current code', async () => {
    const order = [];
    setTimeout(() => order.push('timeout'), 0);
    shimProcess.nextTick((a, b) => order.push(`tick ${a} ${b}`), 1, 2);
    Promise.resolve().then(() => order.push('promise'));
    shimProcess.nextTick(() => order.push('tick 2'));
    order.push('sync');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(order, ['sync', 'tick 1 2', 'promise', 'tick 2', 'timeout']);
  });

  it('answers the feature checks of MQTT.js, readable-stream and process-nextick-args as "not Node"', () => {
    assert.deepEqual(shimProcess.env, {}); // connect(): process.env.MQTTJS_SOCKS_PROXY
    assert.equal(Object.hasOwn(shimProcess.versions, 'electron'), false); // is-browser.js
    assert.equal(shimProcess.version, ''); // process-nextick-args: falsy, so it wraps nextTick
    assert.equal(shimProcess.browser, true);
  });
});

describe('build/shims/lru-cache.cjs: a Map-based LRU', () => {
  const { LRUCache } = shim('lru-cache');
  const { LRUCache: RealLRUCache } = mqttRequire('lru-cache');

  it('is the lru-cache that MQTT.js requires (so this compares with the right one)', () => {
    const dir = mqttRequire.resolve('lru-cache').replace(/(node_modules\/lru-cache\/).*/, '$1');
    const version = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')).version;
    assert.match(version, /^10\./);
  });

  it('agrees with lru-cache on every get, set, delete, size and keys() order of a random run', () => {
    let seed = 7;
    const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (const max of [1, 3, 10]) {
      const ours = new LRUCache({ max });
      const real = new RealLRUCache({ max });
      for (let step = 0; step < 2000; step++) {
        const key = random(max * 2) + 1;
        const op = random(10);
        const what = `max ${max}, step ${step}`;
        if (op < 4) assert.equal(ours.get(key), real.get(key), `${what}: get ${key}`);
        else if (op < 8) {
          ours.set(key, `v${step}`);
          real.set(key, `v${step}`);
        } else if (op < 9) assert.equal(ours.delete(key), real.delete(key), `${what}: delete ${key}`);
        else assert.equal(ours.has(key), real.has(key), `${what}: has ${key}`);
        assert.equal(ours.size, real.size, `${what}: size`);
        assert.deepEqual([...ours.keys()], [...real.keys()], `${what}: keys`);
      }
      ours.clear();
      assert.equal(ours.size, 0);
    }
  });

  it("gives MQTT.js's topic-alias-send the alias to reuse that lru-cache gives", () => {
    // TopicAliasSend.getLruAlias: the last of [...keys()] once every alias is taken.
    const ours = new LRUCache({ max: 3 });
    for (const [alias, topic] of [[1, 'a'], [2, 'b'], [3, 'c']]) ours.set(alias, topic);
    ours.get(1); // topic a published again
    assert.equal([...ours.keys()][ours.size - 1], 2);
    ours.set(2, 'd'); // b's alias goes to d
    assert.deepEqual([...ours.keys()], [2, 1, 3]);
  });

  it('refuses a max that is not a positive integer, as lru-cache does', () => {
    assert.throws(() => new LRUCache({ max: 0 }), TypeError);
    assert.throws(() => new LRUCache({}), TypeError);
  });
});

describe('build/shims/worker-timers.cjs: stubbed, MQTT.js never calls it', () => {
  const timers = shim('worker-timers');

  it('says what to do instead, should a page ask for worker timers', () => {
    for (const name of ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout']) {
      assert.throws(() => timers[name](() => {}, 1000), /timerVariant/, name);
    }
  });

  it("MQTT.js's keepalive runs on a `timerVariant` object when given one, never on get-timer's", () => {
    // src/transport/connect.ts always passes keepalive-timer.ts's object as timerVariant.
    const KeepaliveManager = mqttRequire('./lib/KeepaliveManager.js').default;
    const calls = [];
    const timer = {
      set: (callback, ms) => (calls.push(['set', ms]), 42),
      clear: (id) => calls.push(['clear', id]),
    };
    const client = { keepalive: 30, log: () => {} };
    const manager = new KeepaliveManager(client, timer);
    assert.equal(manager.timer, timer);
    manager.destroy();
    assert.deepEqual(
      calls.map(([what]) => what),
      ['set', 'clear'],
    );
  });
});

describe('build/shims/string-decoder.cjs: UTF-8 over TextDecoder', () => {
  const { StringDecoder } = shim('string-decoder');
  const bytes = Buffer.from('a€😀ü', 'utf8');

  it('decodes characters split across chunks at every offset, as string_decoder does', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const ours = new StringDecoder('utf8');
      const node = new NodeStringDecoder('utf8');
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
      assert.equal(parts.map((p) => ours.write(p)).join('') + ours.end(), parts.map((p) => node.write(p)).join('') + node.end());
    }
  });

  it('ends a broken character as U+FFFD, passes strings through, and names its encoding as Node does', () => {
    const ours = new StringDecoder('utf-8');
    const node = new NodeStringDecoder('utf-8');
    assert.equal(ours.write(bytes.subarray(0, 2)) + ours.end(), node.write(bytes.subarray(0, 2)) + node.end());
    assert.equal(ours.write('text'), 'text');
    assert.equal(ours.encoding, node.encoding);
  });

  it('refuses other encodings', () => {
    assert.throws(() => new StringDecoder('hex'), /UTF-8/);
  });
});

describe('build/shims/util-deprecate.cjs: deprecated APIs work, silently', () => {
  const deprecate = shim('util-deprecate');

  it('returns the function itself, so it works as before and prints nothing', () => {
    const getter = function () {
      return this.value;
    };
    const wrapped = deprecate(getter, '_writableState.buffer is deprecated');
    assert.equal(wrapped, getter);
    assert.equal(wrapped.call({ value: 3 }), 3);
  });
});

describe('build/shims/mqtt-connect-only.cjs: what only mqtt.connect() uses, stubbed', () => {
  const stub = shim('mqtt-connect-only');

  it('throws for each transport builder connect() could pick, and for url.parse', () => {
    for (const name of ['default', 'streamBuilder', 'browserStreamBuilder', 'parse']) {
      assert.throws(() => stub[name]({}, {}), /own WebSocket transport/, name);
    }
  });

  it("covers every transport MQTT.js's connect() requires (vite.config.ts lists them)", () => {
    const source = readFileSync(mqttRequire.resolve('./lib/connect/index.js'), 'utf8');
    const required = [...new Set([...source.matchAll(/require\(['"](\.\/[\w-]+)['"]\)/g)].map((m) => m[1]))].sort();
    assert.deepEqual(required, ['./ali', './tcp', './tls', './ws', './wx']);
  });

  it('is needed for url only by connect(): no other MQTT.js module requires it', () => {
    const dir = mqttRequire.resolve('./lib/client.js').replace(/client\.js$/, '');
    const users = ['client.js', 'shared.js', 'store.js', 'KeepaliveManager.js', 'topic-alias-send.js', 'get-timer.js']
      .filter((file) => /require\(["']url["']\)/.test(readFileSync(dir + file, 'utf8')));
    assert.deepEqual(users, []);
    assert.match(readFileSync(`${dir}connect/index.js`, 'utf8'), /require\(["']url["']\)/);
  });
});

describe('build/shims/events.cjs: EventEmitter', () => {
  const EventEmitter = shim('events');

  /**
   * Runs the same random operations on one of ours and one of Node's, with listeners that record
   * their calls and sometimes, while running, remove a listener, add one, or emit again; the calls,
   * emit's answers, listeners(), rawListeners(), listenerCount() and eventNames() must agree.
   */
  function run(seed) {
    const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const types = ['data', 'end', 'error', 'close'];
    const sides = [new EventEmitter(), new NodeEventEmitter()].map((emitter) => ({ emitter, log: [], fns: [] }));
    const plan = [];
    const makeListener = (side, index, kind) =>
      function listener(...args) {
        side.log.push(`${index}:${args.join(',')}`);
        const [what, type, other] = kind;
        if (what === 'remove' && side.fns[other]) side.emitter.removeListener(type, side.fns[other]);
        if (what === 'add' && args[1] === undefined && side.emitter.listenerCount(type) < 6) {
          side.emitter.on(type, side.fns[other] ?? (() => side.log.push('added')));
        }
        if (what === 'emit' && args[1] === undefined) side.emitter.emit(type, 'nested', 1);
      };
    for (let step = 0; step < 300; step++) {
      const type = types[random(types.length)];
      const op = random(12);
      if (op < 5) {
        const index = plan.length;
        const kinds = [['record'], ['record'], ['remove', type, random(index + 1)], ['add', types[random(4)], random(index + 1)], ['emit', types[random(4)]]];
        const kind = kinds[random(kinds.length)];
        plan.push(kind);
        const method = ['on', 'once', 'prependListener', 'prependOnceListener', 'addListener'][random(5)];
        for (const side of sides) {
          side.fns[index] = makeListener(side, index, kind);
          assert.equal(side.emitter[method](type, side.fns[index]), side.emitter, method);
        }
      } else if (op < 9) {
        const answers = sides.map((side) => {
          try {
            return side.emitter.emit(type, `e${step}`);
          } catch {
            return 'threw'; // an `error` with no listener (the message's wording is Node's own)
          }
        });
        assert.equal(answers[0], answers[1], `step ${step}: emit ${type}`);
      } else if (op < 11) {
        const index = random(plan.length + 1);
        for (const side of sides) side.emitter[random(2) ? 'off' : 'removeListener'](type, side.fns[index] ?? (() => {}));
      } else {
        const all = random(3) === 0;
        for (const side of sides) {
          if (all) side.emitter.removeAllListeners();
          else side.emitter.removeAllListeners(type);
        }
      }
      assert.deepEqual(sides[0].log, sides[1].log, `step ${step}: calls`);
      for (const t of types) {
        const named = (side, list) => list.map((fn) => side.fns.indexOf(fn.listener ?? fn) + (fn.listener ? ' (once)' : ''));
        const [ours, node] = sides.map((side) => named(side, side.emitter.rawListeners(t)));
        assert.deepEqual(ours, node, `step ${step}: rawListeners(${t})`);
        const [oursPlain, nodePlain] = sides.map((side) => side.emitter.listeners(t).map((fn) => side.fns.indexOf(fn)));
        assert.deepEqual(oursPlain, nodePlain, `step ${step}: listeners(${t})`);
        assert.equal(sides[0].emitter.listenerCount(t), sides[1].emitter.listenerCount(t));
        assert.equal(EventEmitter.listenerCount(sides[0].emitter, t), sides[1].emitter.listenerCount(t));
      }
      assert.deepEqual([...sides[0].emitter.eventNames()].sort(), [...sides[1].emitter.eventNames()].sort(), `step ${step}: eventNames`);
    }
  }

  it("agrees with Node's EventEmitter over random runs (once, prepend, remove and emit inside listeners)", () => {
    for (let seed = 1; seed <= 30; seed++) run(seed);
  });

  it('throws an error emitted with no listener, as Node does', () => {
    const emitter = new EventEmitter();
    const error = new Error('broken');
    assert.throws(() => emitter.emit('error', error), (e) => e === error);
    assert.throws(() => emitter.emit('error', 'text'), /Unhandled error/);
    emitter.on('error', () => {});
    assert.equal(emitter.emit('error', error), true);
  });

  it('refuses a listener that is not a function', () => {
    assert.throws(() => new EventEmitter().on('data', 'nope'), TypeError);
    assert.throws(() => new EventEmitter().once('data', undefined), TypeError);
  });

  it('loads the three ways the bundle does, and works mixed into a class that never calls it (MQTT.js)', () => {
    assert.equal(EventEmitter.EventEmitter, EventEmitter); // mqtt-packet, readable-stream
    assert.equal(EventEmitter.__esModule, undefined); // MQTT.js: __importDefault(...).default
    const { applyMixin } = mqttRequire('./lib/shared.js');
    class Client {}
    applyMixin(Client, EventEmitter);
    const client = new Client();
    const seen = [];
    client.once('connect', (packet) => seen.push(packet));
    assert.equal(client.emit('connect', 'connack'), true);
    assert.equal(client.emit('connect', 'again'), false);
    assert.deepEqual(seen, ['connack']);
    // readable-stream calls it as a function on its stream objects.
    function Stream() {
      EventEmitter.call(this);
    }
    Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype);
    assert.equal(new Stream().setMaxListeners(1000).getMaxListeners(), 1000);
    assert.equal(new Stream().getMaxListeners(), 10);
  });
});

describe('build/shims/streams.cjs: the Writable and Readable MQTT.js uses with this transport', () => {
  const { Writable, Readable } = require('../../build/shims/streams.cjs');

  it("gives MQTT.js's store stream its packets one by one, then ends (test/e2e/store.test.js runs the real Store on it)", async () => {
    const stream = new Readable({ objectMode: true });
    const values = [{ messageId: 1 }, { messageId: 2 }];
    let i = 0;
    stream._read = () => stream.push(i < values.length ? values[i++] : null);
    const read = [];
    let item;
    while ((item = stream.read(1))) read.push(item.messageId);
    assert.deepEqual(read, [1, 2]);
    await new Promise((resolve) => stream.once('end', resolve));
  });

  it('an empty stream ends (MQTT.js forwards CONNACK only after its store stream ended)', async () => {
    const stream = new Readable({ objectMode: true });
    stream._read = () => stream.push(null);
    assert.equal(stream.read(1), null);
    await new Promise((resolve) => stream.once('end', resolve));
  });

  it('an item pushed later is announced with readable', async () => {
    const stream = new Readable({ objectMode: true });
    stream._read = () => {};
    assert.equal(stream.read(1), null);
    const announced = new Promise((resolve) => stream.once('readable', resolve));
    stream.push({ messageId: 7 });
    await announced;
    assert.deepEqual(stream.read(1), { messageId: 7 });
  });

  it('Writable hands each write to the _write its owner set, and reports its error', async () => {
    const sink = new Writable();
    const seen = [];
    sink._write = (chunk, _enc, done) => {
      seen.push(chunk);
      done(chunk === 'bad' ? new Error('no') : undefined);
    };
    sink.write('a');
    const failed = new Promise((resolve) => sink.once('error', resolve));
    sink.write('bad');
    assert.deepEqual(seen, ['a', 'bad']);
    assert.equal((await failed).message, 'no');
  });
});

describe('build/shims/bl.cjs: a BufferList, without its stream', () => {
  it("does what mqtt-packet's parser asks of bl()", () => {
    const bl = require('../../build/shims/bl.cjs');
    const list = bl();
    list.append(Uint8Array.from([0x30, 3]));
    list.append(Uint8Array.from([0x61, 0x62, 0x63]));
    assert.equal(list.length, 5);
    assert.equal(list.readUInt8(1), 3);
    assert.deepEqual([...list.slice(2, 5)], [0x61, 0x62, 0x63]);
    list.consume(2);
    assert.equal(list.length, 3);
    assert.equal(typeof list.on, 'undefined', 'no stream methods: readable-stream is not needed');
  });
});
