import { expect } from '@open-wc/testing';
import type { IPublishPacket } from 'mqtt';
import { toReceivedMessage } from '../../src/core/message.js';
import { PayloadDecoder } from '../../src/core/payload.js';

function packet(overrides: Partial<IPublishPacket> = {}): IPublishPacket {
  return { cmd: 'publish', topic: 't', payload: '', qos: 0, retain: false, dup: false, ...overrides };
}

describe('core/message', () => {
  it('copies topic, retain and qos', () => {
    const message = toReceivedMessage('a/b', new Uint8Array([1]), packet({ topic: 'a/b', qos: 2, retain: true }));
    expect(message.topic).to.equal('a/b');
    expect(message.retained).to.equal(true);
    expect(message.qos).to.equal(2);
  });

  it('reads a missing retain flag as false and a missing qos as 0', () => {
    const bare = { cmd: 'publish', topic: 't', payload: new Uint8Array() } as unknown as IPublishPacket;
    const message = toReceivedMessage('t', new Uint8Array(), bare);
    expect(message.retained).to.equal(false);
    expect(message.qos).to.equal(0);
  });

  it('copies the payload into a plain, exact-size Uint8Array', () => {
    const pool = new Uint8Array([9, 9, 1, 2, 3, 9, 9]);
    const view = pool.subarray(2, 5);
    const message = toReceivedMessage('t', view, packet());
    expect(Array.from(message.payload)).to.deep.equal([1, 2, 3]);
    expect(message.payload.byteOffset).to.equal(0);
    expect(message.payload.buffer.byteLength).to.equal(3);
    expect(message.payload.buffer).not.to.equal(pool.buffer);
    expect(Object.getPrototypeOf(message.payload)).to.equal(Uint8Array.prototype);
    pool[2] = 42; // the pooled buffer being reused must not change the message
    expect(message.payload[0]).to.equal(1);
  });

  it('copies a Uint8Array subclass (such as a Node Buffer polyfill) into a plain Uint8Array', () => {
    class PooledBytes extends Uint8Array {}
    const message = toReceivedMessage('t', new PooledBytes([5, 6]), packet());
    expect(Object.getPrototypeOf(message.payload)).to.equal(Uint8Array.prototype);
    expect(Array.from(message.payload)).to.deep.equal([5, 6]);
  });

  it('gives the message a decoder over its own payload copy', () => {
    const message = toReceivedMessage('t', new TextEncoder().encode('{"a":1}'), packet());
    expect(message.decoder).to.be.instanceOf(PayloadDecoder);
    expect(message.decoder.bytes).to.equal(message.payload);
    expect(message.decoder.decode('json')).to.deep.equal({ ok: true, value: { a: 1 } });
  });

  it('carries MQTT 5 properties when there are some, and has no key otherwise', () => {
    const properties = { contentType: 'application/json', userProperties: { a: 'b' } };
    expect(toReceivedMessage('t', new Uint8Array(), packet({ properties })).properties).to.equal(properties);
    expect(toReceivedMessage('t', new Uint8Array(), packet())).not.to.have.property('properties');
  });
});
