// The rules of controls that follow the device (src/core/device-state.ts): reading a state
// (state-path), a checkbox's on/off (payload-on/payload-off, JSON true/false), when a report
// confirms a command, what a boolean command sends, what an availability payload says, and the
// not-confirmed message. Pure: no DOM, no broker.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import {
  availabilityOf,
  commandPayload,
  confirms,
  decodeState,
  notConfirmedError,
  stateKey,
  stateText,
  switchState,
  unavailableError,
} from '../../src/core/device-state.js';
import { PayloadDecoder } from '../../src/core/payload.js';

const decoder = (text: string) => new PayloadDecoder(new TextEncoder().encode(text));

describe('core/device-state', () => {
  it('a state is the payload text, or with state-path the JSON value at the path', () => {
    expect(decodeState(decoder('ON'), undefined)).to.deep.equal({ ok: true, value: 'ON' });
    expect(decodeState(decoder('{"state":{"on":true,"level":40}}'), 'state.level')).to.deep.equal({ ok: true, value: 40 });
    const missing = decodeState(decoder('{"other":1}'), 'state');
    expect(missing.ok).to.equal(false);
    expect(decodeState(decoder('not json'), 'state').ok).to.equal(false);
  });

  // Found by device-hostile.property.test.ts in Firefox: JSON.parse takes nesting that
  // JSON.stringify then throws on ("too much recursion"), which escaped from a control's update.
  it('a state nested too deeply to write out again is a failure with state-path, never a throw', () => {
    const depth = 200000;
    const text = '['.repeat(depth) + '"javascript:x"' + ']'.repeat(depth);
    const state = decodeState(decoder(text), '0');
    if (state.ok) {
      expect(() => JSON.stringify(state.value), 'a state read is one that can be written out').not.to.throw();
    } else {
      // Each engine has its own limits: too deep to parse (a payload-format of its own), or parsed
      // but too deep to write out again (Firefox), which is this file's case.
      expect(state.reason).to.be.a('string').and.not.equal('');
    }
    let parsed: unknown = 'x';
    for (let i = 0; i < depth; i++) parsed = [parsed];
    expect(() => stateText(parsed)).not.to.throw();
    expect(stateText(parsed)).to.be.a('string');
    // Without state-path the state is the payload's text, as it is.
    expect(decodeState(decoder(text), undefined)).to.deep.equal({ ok: true, value: text });
  });

  it('a state as text: strings as they are, other values as JSON, a BigInt (a CBOR command) as its digits', () => {
    expect(stateText('ON')).to.equal('ON');
    expect(stateText(40)).to.equal('40');
    expect(stateText({ on: true })).to.equal('{"on":true}');
    expect(stateText(2n ** 64n)).to.equal('18446744073709551616');
    expect(stateText({ v: 2n ** 64n })).to.equal('{"v":"18446744073709551616"}');
    expect(stateKey(2n ** 64n), 'compared by its digits').to.equal(stateText(2n ** 64n));
    expect(confirms(2n ** 64n, 2n ** 64n)).to.equal(true);
  });

  it('states compare by their JSON form: 50, "50", 50.0 are one state; eco and "eco" too; other text as it is', () => {
    expect(stateKey(50)).to.equal(stateKey('50'));
    expect(stateKey('50.0')).to.equal(stateKey(50));
    expect(stateKey('"eco"')).to.equal(stateKey('eco'));
    expect(stateKey('007')).to.equal('007');
    expect(stateKey(true)).to.equal('true');
    expect(stateKey({ a: 1 })).to.equal(stateKey('{ "a": 1 }'));
    expect(stateKey('51')).not.to.equal(stateKey(50));
  });

  it('a checkbox: payload-on checks, payload-off unchecks (as text), JSON true/false count as the default ones, anything else is neither', () => {
    expect(switchState('true')).to.equal(true);
    expect(switchState('false')).to.equal(false);
    expect(switchState(true)).to.equal(true);
    expect(switchState('ON', 'ON', 'OFF')).to.equal(true);
    expect(switchState('OFF', 'ON', 'OFF')).to.equal(false);
    expect(switchState('on', 'ON', 'OFF'), 'compared as text: case matters').to.equal(undefined);
    expect(switchState(true, 'ON', 'OFF'), 'JSON true still checks').to.equal(true);
    expect(switchState('false', 'ON', 'OFF')).to.equal(false);
    expect(switchState('dimmed', 'ON', 'OFF')).to.equal(undefined);
    expect(switchState(1)).to.equal(undefined);
  });

  it('a report confirms a command of the same state, or both on or both off', () => {
    expect(confirms(50, '50')).to.equal(true);
    expect(confirms(50, 51)).to.equal(false);
    expect(confirms('ON', true, 'ON', 'OFF')).to.equal(true);
    expect(confirms('ON', 'OFF', 'ON', 'OFF')).to.equal(false);
    expect(confirms('eco', 'comfort')).to.equal(false);
    // Any value confirms itself, however it travels (as sent text, or decoded again).
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), (value) => {
        expect(confirms(value, value)).to.equal(true);
        expect(confirms(value, typeof value === 'string' ? value : JSON.stringify(value))).to.equal(true);
      }),
    );
  });

  it('a boolean command sends payload-on/payload-off when set; anything else goes as it is', () => {
    expect(commandPayload(true, 'ON', 'OFF')).to.equal('ON');
    expect(commandPayload(false, 'ON', 'OFF')).to.equal('OFF');
    expect(commandPayload(true, undefined, undefined)).to.equal(true);
    expect(commandPayload(false, 'ON', undefined)).to.equal(false);
    expect(commandPayload(42, 'ON', 'OFF')).to.equal(42);
  });

  it('availability: the two payloads (defaults online/offline), whitespace ignored; anything else says nothing', () => {
    expect(availabilityOf('online')).to.equal(true);
    expect(availabilityOf('offline\n')).to.equal(false);
    expect(availabilityOf('Online')).to.equal(undefined);
    expect(availabilityOf('')).to.equal(undefined);
    expect(availabilityOf('up', 'up', 'down')).to.equal(true);
    expect(availabilityOf('down', 'up', 'down')).to.equal(false);
    expect(availabilityOf('online', 'up', 'down')).to.equal(undefined);
  });

  it('not-confirmed says which topic did not confirm what within how long, and what to check', () => {
    const error = notConfirmedError('lamp/set', 'lamp/state', 'ON', 800);
    expect(error.code).to.equal('not-confirmed');
    for (const part of ['"lamp/state"', '"ON"', '800 ms', '"lamp/set"', 'Check that the device is online', 'confirm-timeout']) {
      expect(error.message).to.contain(part);
    }
    const refused = unavailableError('lamp/set', 'lamp/availability');
    expect(refused.code).to.equal('publish-failed');
    expect(refused.message).to.contain('nothing was sent').and.contain('"lamp/availability"');
  });
});
