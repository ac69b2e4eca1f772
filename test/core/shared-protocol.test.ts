// What tabs sharing a connection accept from each other (src/core/shared-protocol.ts): every field
// of every message type checked, another version told apart from noise, and URL secrets kept out
// of what goes to other tabs. Pure functions, no channel.
import { expect } from '@open-wc/testing';
import { MqttElementsError } from '../../src/errors.js';
import { PROTOCOL_VERSION, readMessage, shapeError, sharedName, withoutSecrets } from '../../src/core/shared-protocol.js';

const v = PROTOCOL_VERSION;
const bytes = new Uint8Array([1, 2]);
/** One well-formed message of each type. */
const VALID: Record<string, Record<string, unknown>> = {
  hello: { v, t: 'hello', from: 'a' },
  status: { v, t: 'status', from: 'a', status: 'error', clientId: 'c', error: { code: 'connection-failed', message: 'm', reasonCode: 5 } },
  sub: { v, t: 'sub', from: 'a', filter: 'x/#', options: { qos: 1, nl: true, rap: false, rh: 2 } },
  unsub: { v, t: 'unsub', from: 'a', filter: 'x/#' },
  suback: { v, t: 'suback', to: 'a', filter: 'x/#', granted: 1 },
  msg: { v, t: 'msg', to: 'a', filter: 'x/#', topic: 'x/1', payload: bytes, retain: false, qos: 0, receivedAt: 1, properties: { contentType: 'c' } },
  pub: { v, t: 'pub', from: 'a', id: 1, topic: 'x/1', payload: 'p', options: { qos: 1, retain: true } },
  puback: { v, t: 'puback', to: 'a', id: 1, error: { code: 'publish-failed', message: 'm' } },
  bye: { v, t: 'bye', from: 'a' },
};
/** For each type, fields set to a value of the wrong type (each must make the message invalid). */
const WRONG: Record<string, Record<string, unknown>> = {
  hello: { from: 1 },
  status: { from: null, status: 'up', clientId: 1, error: { code: 'x' } },
  sub: { from: 1, filter: 3, options: { qos: '1' } },
  unsub: { from: [], filter: {} },
  suback: { to: 1, filter: 1, granted: 3, error: 'no' },
  msg: { to: 1, filter: 1, topic: 1, payload: 'text', retain: 'yes', qos: 4, receivedAt: 'now', properties: 'p' },
  pub: { from: 1, id: '1', topic: 1, payload: { a: 1 }, options: { qos: 9 } },
  puback: { to: 1, id: Number.NaN, error: { message: 'm' } },
  bye: { from: undefined },
};

describe('core/shared-protocol', () => {
  it('accepts every well-formed message of this version', () => {
    for (const [type, message] of Object.entries(VALID)) expect(readMessage(message), type).to.equal(message);
  });

  it('ignores a message with any one field of the wrong type, or a missing one', () => {
    for (const [type, fields] of Object.entries(WRONG)) {
      for (const [field, value] of Object.entries(fields)) {
        expect(readMessage({ ...VALID[type], [field]: value }), `${type}.${field} = ${String(value)}`).to.equal(undefined);
      }
    }
    expect(readMessage({ v, t: 'sub', from: 'a', filter: 'x' }), 'no options').to.equal(undefined);
    expect(readMessage({ v, t: 'status', from: 'a', clientId: 'c' }), 'no status').to.equal(undefined);
  });

  it('ignores noise: not an object, no type, an unknown type, a type from the prototype', () => {
    for (const noise of [null, undefined, 'hello', 42, [], {}, { v }, { v, t: 'shout', from: 'a' }, { v, t: 'toString' }, { v, t: 'constructor' }]) {
      expect(readMessage(noise), JSON.stringify(noise)).to.equal(undefined);
    }
  });

  it('tells another version from noise: a typed message whose v is not this one, or has none', () => {
    expect(readMessage({ ...VALID.status, v: 2 })).to.equal('other');
    expect(readMessage({ ...VALID.status, v: '1' })).to.equal('other');
    const { v: _, ...unversioned } = VALID.hello;
    expect(readMessage(unversioned), 'a release before versions').to.equal('other');
  });

  it('takes user info, query and fragment out of every URL in a text', () => {
    expect(withoutSecrets('could not connect to wss://u:p@b.example:8884/mqtt?token=abc#x: refused')).to.equal(
      'could not connect to wss://b.example:8884/mqtt?…: refused',
    );
    expect(withoutSecrets('ws://b/mqtt and "ws://t@c/ws?sig=1"')).to.equal('ws://b/mqtt and "ws://c/ws?…"');
    const shaped = shapeError(new MqttElementsError('connection-failed', 'to ws://a:b@h/mqtt?x=1 failed', { reasonCode: 5 }));
    expect(shaped).to.deep.equal({ code: 'connection-failed', message: 'to ws://h/mqtt?… failed', reasonCode: 5 });
  });

  it('names a group by a hash of its key: stable, distinct, with nothing of the key in it', () => {
    const key = 'wss://user:pw@b.example/mqtt?token=s3cret|dash|alice';
    expect(sharedName(key)).to.equal(sharedName(key));
    expect(sharedName(key)).not.to.equal(sharedName(`${key}x`));
    expect(sharedName(key)).to.match(/^mqtt-elements\/shared\/[0-9a-z]+$/);
    expect(sharedName(key)).not.to.match(/user|pw|s3cret|alice|dash|example/);
  });
});
