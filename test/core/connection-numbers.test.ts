// <mqtt-connection>'s numeric settings through the one rule (core/numeric-setting.ts), as
// MqttConnection reports them, with a fake client: a number that does not parse (what Lit makes
// of keepalive="abc") is an error with its default applied, and the connection goes on.
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
});
