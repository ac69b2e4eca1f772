// The rules of an outgoing PUBLISH (src/core/publish.ts): where it may go, what its payload and
// its MQTT 5 properties become. Pure: no broker.
import { expect } from '@open-wc/testing';
import { encodePayload, publishProperties, publishTarget } from '../../src/core/publish.js';
import { thrown } from '../support/thrown.js';


describe('core/publish', () => {
  describe('publishTarget', () => {
    it('returns the QoS of a valid topic name, 0 by default, numeric strings accepted', () => {
      expect(publishTarget('a/b', undefined)).to.equal(0);
      expect(publishTarget('a/b', 2)).to.equal(2);
      expect(publishTarget('a/b', '1')).to.equal(1);
    });

    it('refuses wildcards and empty topics with invalid-topic, naming the problem', () => {
      const wild = thrown(() => publishTarget('a/+', 0));
      expect(wild.code).to.equal('invalid-topic');
      expect(wild.message).to.match(/wildcard/i);
      expect(thrown(() => publishTarget('', 0)).message).to.match(/empty/);
    });

    it('refuses a QoS other than 0, 1 or 2 with invalid-qos, quoting it', () => {
      const e = thrown(() => publishTarget('a/b', 3));
      expect(e.code).to.equal('invalid-qos');
      expect(e.message).to.equal('qos must be 0, 1 or 2, not 3');
    });
  });

  describe('publishProperties', () => {
    it('is undefined when nothing is set', () => {
      expect(publishProperties({})).to.equal(undefined);
    });

    it('maps every setting to its MQTT 5 property', () => {
      const p = publishProperties({
        contentType: 'application/json',
        messageExpiry: 30,
        responseTopic: 'r/t',
        correlationData: 'id-1',
        userProperties: '{"a":"1","b":["x","y"]}',
      })!;
      expect(p.contentType).to.equal('application/json');
      expect(p.messageExpiryInterval).to.equal(30);
      expect(p.responseTopic).to.equal('r/t');
      expect(new TextDecoder().decode(p.correlationData as unknown as Uint8Array)).to.equal('id-1');
      expect(p.userProperties).to.deep.equal({ a: '1', b: ['x', 'y'] });
    });

    it('refuses user-properties that are not JSON with payload-format', () => {
      const e = thrown(() => publishProperties({ userProperties: '{nope' }));
      expect(e.code).to.equal('payload-format');
      expect(e.message).to.match(/^user-properties must be a JSON object/);
    });
  });

  describe('encodePayload', () => {
    it('passes strings through', () => {
      expect(encodePayload('hello')).to.equal('hello');
      expect(encodePayload('')).to.equal('');
    });

    it('passes a Uint8Array through as the same object', () => {
      const bytes = new Uint8Array([1, 2, 3]);
      expect(encodePayload(bytes)).to.equal(bytes);
    });

    it('wraps an ArrayBuffer in a Uint8Array over the same memory', () => {
      const buffer = new Uint8Array([9, 8, 7]).buffer;
      const result = encodePayload(buffer);
      expect(result).to.be.instanceOf(Uint8Array);
      expect(Array.from(result as Uint8Array)).to.deep.equal([9, 8, 7]);
      expect((result as Uint8Array).buffer).to.equal(buffer);
    });

    it('takes the bytes of a typed-array view, respecting its offset and length', () => {
      const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
      const view = new Uint16Array(backing.buffer, 2, 2); // bytes 2..5
      const result = encodePayload(view) as Uint8Array;
      expect(result).to.be.instanceOf(Uint8Array);
      expect(Array.from(result)).to.deep.equal([2, 3, 4, 5]);
      expect(result.byteLength).to.equal(4);
    });

    it('takes the bytes of a DataView and of other typed arrays', () => {
      const backing = new Uint8Array([10, 11, 12, 13]);
      const dataView = new DataView(backing.buffer, 1, 2);
      expect(Array.from(encodePayload(dataView) as Uint8Array)).to.deep.equal([11, 12]);
      expect(Array.from(encodePayload(new Int8Array([-1, 1])) as Uint8Array)).to.deep.equal([255, 1]);
      expect(Array.from(encodePayload(new Float32Array([1])) as Uint8Array)).to.deep.equal(
        Array.from(new Uint8Array(new Float32Array([1]).buffer)),
      );
      expect(Array.from(encodePayload(new Uint8ClampedArray([300, 5])) as Uint8Array)).to.deep.equal([255, 5]);
    });

    it('sends numbers and booleans as JSON', () => {
      expect(encodePayload(42)).to.equal('42');
      expect(encodePayload(-1.5)).to.equal('-1.5');
      expect(encodePayload(0)).to.equal('0');
      expect(encodePayload(true)).to.equal('true');
      expect(encodePayload(false)).to.equal('false');
    });

    it('sends objects and arrays as JSON', () => {
      expect(encodePayload({ a: 1, b: ['x', null] })).to.equal('{"a":1,"b":["x",null]}');
      expect(encodePayload([1, 'two'])).to.equal('[1,"two"]');
      expect(encodePayload({})).to.equal('{}');
    });

    it('sends null and undefined as an empty payload', () => {
      expect(encodePayload(null)).to.equal('');
      expect(encodePayload(undefined)).to.equal('');
    });
  });

});
