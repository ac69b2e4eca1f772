// custom-elements.json as editors and documentation tools read it: every tag, attribute, event
// and slot the README documents is there and described, and it points at files the package ships.
// (Freshness is checked by .ci/run: `npm run build` regenerates it, and a diff fails CI.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const manifest = JSON.parse(readFileSync(`${root}${pkg.customElements}`, 'utf8'));

/** The attributes per tag (MQTT 5 ones included) and the events, as the README's sections give them. */
const SPEC = {
  'mqtt-connection': {
    attributes: [
      'url', 'client-id', 'username', 'password', 'keepalive', 'persistent-session', 'protocol-version',
      'reconnect-period', 'reconnect-max', 'connect-timeout', 'will-topic', 'will-payload', 'will-qos', 'will-retain', 'manual',
      'status', 'session-expiry', 'receive-maximum',
    ],
    properties: ['options', 'credentials', 'status', 'client', 'error', 'clientId', 'activeUrl'],
    methods: ['connect', 'disconnect', 'publish', 'subscribe'],
    events: ['mqtt-status', 'mqtt-connect', 'mqtt-error'],
  },
  'mqtt-subscribe': {
    attributes: [
      'topic', 'qos', 'format', 'path', 'target', 'property', 'attribute', 'history', 'connection', 'status',
      'no-local', 'retain-as-published', 'retain-handling', 'decimals', 'labels', 'thresholds', 'level',
      'stale-after', 'stale', 'throttle', 'limit',
    ],
    properties: ['value', 'message', 'messages', 'status', 'error', 'level'],
    methods: [],
    events: ['mqtt-message', 'mqtt-error'],
  },
  'mqtt-publish': {
    attributes: [
      'topic', 'qos', 'retain', 'payload', 'trigger', 'connection', 'content-type', 'message-expiry',
      'user-properties', 'response-topic', 'correlation-data', 'status', 'expect-response', 'response-timeout',
      'format', 'path', 'target', 'property', 'attribute', 'decimals', 'labels',
    ],
    properties: ['error', 'status', 'response', 'expectResponse'],
    methods: ['publish', 'request'],
    events: ['mqtt-published', 'mqtt-response', 'mqtt-error'],
  },
  'mqtt-chart': {
    attributes: [
      'topic', 'qos', 'format', 'path', 'connection', 'window', 'max-points', 'max-series', 'label-level', 'decimals',
      'thresholds', 'sparkline', 'status',
    ],
    properties: ['series', 'status', 'error'],
    methods: [],
    events: ['mqtt-error'],
    slots: 0,
  },
};

/** Where each tag is registered: `<mqtt-chart>` by its own entry, the others by dist/define.js. */
const DEFINED_IN = { 'mqtt-chart': 'dist/chart/index.js' };

const modules = new Map(manifest.modules.map((mod) => [mod.path, mod]));
const declarationOf = ({ name, module }) => modules.get(module)?.declarations?.find((d) => d.name === name);
const definitions = manifest.modules.flatMap((mod) => (mod.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));

describe('custom-elements.json', () => {
  it('is the file package.json names, in a schema version tools read', () => {
    assert.equal(pkg.customElements, 'custom-elements.json');
    assert.match(manifest.schemaVersion, /^\d+\.\d+\.\d+$/);
  });

  it('defines the tags, each to an Mqtt…Element class, in dist/define.js (the chart in dist/chart/index.js)', () => {
    assert.deepEqual(definitions.map((d) => d.name).sort(), Object.keys(SPEC).sort());
    for (const definition of definitions) {
      const declaration = declarationOf(definition.declaration);
      assert.ok(declaration, `${definition.name}: its declaration is in the manifest`);
      assert.equal(declaration.tagName, definition.name);
      assert.equal(declaration.customElement, true);
      assert.match(declaration.name, /^Mqtt\w+Element$/);
    }
    for (const mod of manifest.modules) {
      for (const definition of (mod.exports ?? []).filter((e) => e.kind === 'custom-element-definition')) {
        assert.equal(mod.path, DEFINED_IN[definition.name] ?? 'dist/define.js', `where ${definition.name} is defined`);
      }
    }
  });

  it('names only files the package ships (dist/, not the TypeScript sources)', () => {
    const paths = new Set();
    const walk = (node) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'path' || key === 'module') && typeof value === 'string') paths.add(value);
        else walk(value);
      }
    };
    walk(manifest.modules);
    assert.ok(paths.size > 10);
    for (const path of paths) {
      assert.match(path, /^dist\/.*\.js$/, path);
      assert.ok(existsSync(`${root}${path}`), `${path} exists (npm run build)`);
      assert.ok(pkg.files.some((f) => path.startsWith(f.replace(/\/$/, ''))), `${path} is in package.json files`);
    }
  });

  it('describes everything the main entry exports, and every public member of it', () => {
    const entry = modules.get('dist/index.js');
    assert.ok(entry, 'dist/index.js is in the manifest');
    // Type-only exports (interfaces, unions) have no declaration in a manifest; the rest must.
    const declarations = entry.exports.flatMap(({ name, declaration }) =>
      name === '*' ? (modules.get(declaration.module)?.declarations ?? []) : [declarationOf(declaration)].filter(Boolean),
    );
    const names = declarations.map((d) => d.name);
    for (const name of ['MqttConnection', 'MqttElementsError', 'MqttMessageEvent', 'mqttContext', 'topicMatches']) {
      assert.ok(names.includes(name), `${name} is exported and declared`);
    }
    for (const declaration of declarations) {
      assert.ok(declaration.description?.trim(), `${declaration.name} has a description`);
      for (const member of declaration.members ?? []) {
        if (member.privacy === 'protected' || member.inheritedFrom) continue;
        assert.ok(member.description?.trim(), `${declaration.name}.${member.name} has a description`);
      }
    }
  });

  for (const [tag, spec] of Object.entries(SPEC)) {
    describe(`<${tag}>`, () => {
      const element = () => declarationOf(definitions.find((d) => d.name === tag).declaration);

      it('has every attribute the README lists, each described', () => {
        const attributes = element().attributes ?? [];
        const names = attributes.map((a) => a.name);
        for (const name of spec.attributes) assert.ok(names.includes(name), `attribute ${name}`);
        for (const a of attributes) assert.ok(a.description?.trim(), `attribute ${a.name} has a description`);
      });

      it('has the properties and methods the README names; every public member is described', () => {
        const members = element().members ?? [];
        const fields = members.filter((m) => m.kind === 'field').map((m) => m.name);
        const methods = members.filter((m) => m.kind === 'method').map((m) => m.name);
        for (const name of spec.properties) assert.ok(fields.includes(name), `property ${name}`);
        for (const name of spec.methods) assert.ok(methods.includes(name), `method ${name}`);
        for (const m of members) {
          assert.ok(!m.name.startsWith('#') && m.privacy !== 'private', `${m.name} is private: not in the manifest`);
          if (m.privacy !== 'protected') assert.ok(m.description?.trim(), `${m.kind} ${m.name} has a description`);
        }
      });

      it('has exactly the events the README lists, each described, typed by its CustomEvent class', () => {
        const events = element().events ?? [];
        assert.deepEqual(events.map((e) => e.name).sort(), [...spec.events].sort());
        for (const event of events) {
          assert.ok(event.description?.trim(), `${event.name} has a description`);
          assert.ok(event.description.includes('detail'), `${event.name}: the description gives the detail`);
          const eventClass = declarationOf({ name: event.type?.text, module: 'dist/events.js' });
          assert.ok(eventClass, `${event.name}: its type ${event.type?.text} is a class of dist/events.js`);
          assert.equal(eventClass.superclass?.name, 'CustomEvent');
          assert.ok(eventClass.description?.trim(), `${eventClass.name} has a description`);
        }
      });

      it('describes its slot', () => {
        const slots = element().slots ?? [];
        assert.equal(slots.length, spec.slots ?? 1);
        for (const slot of slots) assert.ok(slot.description?.trim());
      });
    });
  }
});
