// For tests of pure functions that throw coded errors. No broker, no DOM.
import { expect } from '@open-wc/testing';
import { MqttElementsError } from '../../src/errors.js';

/** The coded error `body` throws; fails the test when it throws nothing or something else. */
export function thrown(body: () => unknown): MqttElementsError {
  try {
    body();
  } catch (e) {
    expect(e).to.be.instanceOf(MqttElementsError);
    return e as MqttElementsError;
  }
  expect.fail('expected an MqttElementsError to be thrown');
}
