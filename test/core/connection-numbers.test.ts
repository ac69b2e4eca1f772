// <mqtt-connection>'s numeric settings through the one rule (core/numeric-setting.ts), as
// MqttConnection reports them, with a fake client: a number that does not parse (what Lit makes
// of keepalive="abc") or one out of its range is an error with its default applied, and the
// connection goes on.
import { expect } from '@open-wc/testing';
import { MqttConnection } from '../../src/core/connection.js';
import type { MqttElementsError } from '../../src/errors.js';
import { FakeFactory } from '../support/fake-client.js';

describe('core/connection: numeric settings', () => {
  it('reports keepalive=NaN as payload-format and connects with the default keepalive', () => {
    const factory = new FakeFactory();
    const connection = new MqttConnection(factory.create);
    const errors: MqttElementsError[] = [];
    connection.listen({ error: (error) => errors.push(error) });
    connection.config = { url: 'ws://broker.test/mqtt', keepalive: NaN };
    connection.connect();
    expect(errors.map((e) => e.code)).to.deep.equal(['payload-format']);
    expect(errors[0]!.message).to.contain('keepalive=NaN').and.contain('the default 60 applies');
    factory.client.accept();
    expect(connection.status).to.equal('connected');
    expect(connection.client!.options.keepalive).to.equal(60);
  });

  for (const [name, config, written, fallback, option] of [
    ['keepalive', { keepalive: 65536 }, '65536', 60, 'keepalive'],
    ['keepalive', { keepalive: -1 }, '-1', 60, 'keepalive'],
    ['reconnect-period', { reconnectPeriod: -1 }, '-1', 1000, 'reconnectPeriod'],
    ['connect-timeout', { connectTimeout: 1.5 }, '1.5', 30000, 'connectTimeout'],
  ] as const) {
    it(`reports ${name}=${written} (out of its range) as payload-format and connects with the default ${fallback}`, () => {
      const factory = new FakeFactory();
      const connection = new MqttConnection(factory.create);
      const errors: MqttElementsError[] = [];
      connection.listen({ error: (error) => errors.push(error) });
      connection.config = { url: 'ws://broker.test/mqtt', ...config };
      connection.connect();
      expect(errors.map((e) => e.code)).to.deep.equal(['payload-format']);
      expect(errors[0]!.message).to.contain(`${name}=${written} is not a whole number from`).and.contain(`the default ${fallback} applies`);
      factory.client.accept();
      expect(connection.status).to.equal('connected');
      expect((connection.client!.options as Record<string, unknown>)[option]).to.equal(fallback);
    });
  }
});
