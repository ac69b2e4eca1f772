// The one reach into MQTT.js's private API (src/transport/mqtt-internals.ts), checked against the
// real MQTT.js client of the browser build: a newer MQTT.js that renames or drops a private member
// fails here, by name, instead of silently losing the connection's own reconnect schedule.
import { expect } from '@open-wc/testing';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { PRIVATE_MEMBERS, takeOverReconnects } from '../../src/transport/mqtt-internals.js';

/** A real MQTT.js client that never connects: `manualConnect` skips the stream builder. */
function idleClient(): MqttClient {
  return new mqtt.MqttClient(
    () => {
      throw new Error('not used: this client never connects');
    },
    { manualConnect: true, reconnectPeriod: 0 },
  );
}

type Reconnectable = { _reconnect: () => void };

describe('transport/mqtt-internals', () => {
  it('builds a real MQTT.js client without connecting', () => {
    const client = idleClient();
    expect(client).to.be.instanceOf(mqtt.MqttClient);
    expect(client.connected).to.equal(false);
    expect((client as unknown as { stream?: unknown }).stream, 'no stream was built').to.equal(undefined);
  });

  it('lists at least _reconnect', () => {
    expect(PRIVATE_MEMBERS).to.include('_reconnect');
  });

  for (const name of PRIVATE_MEMBERS) {
    it(`MQTT.js's MqttClient still has the private function ${name}`, () => {
      const member = (idleClient() as unknown as Record<string, unknown>)[name];
      expect(
        typeof member,
        `MQTT.js ${String(mqtt.MqttClient.VERSION)} has no function "${name}" on MqttClient any more: ` +
          'update src/transport/mqtt-internals.ts (and this check) for the new MQTT.js',
      ).to.equal('function');
    });
  }

  describe('takeOverReconnects', () => {
    it("makes MQTT.js's own calls of _reconnect do nothing, and returns the real one, bound to the client", () => {
      const client = idleClient();
      const target = client as unknown as Reconnectable;
      const calls: unknown[] = [];
      target._reconnect = function (this: unknown) {
        calls.push(this);
      };
      const reconnect = takeOverReconnects(client);
      target._reconnect(); // what MQTT.js's reconnect timer does
      expect(calls, 'the timer no longer reconnects').to.deep.equal([]);
      reconnect();
      expect(calls).to.have.length(1);
      expect(calls[0], 'called with the client as this').to.equal(client);
    });

    it('returns the real _reconnect: calling it makes MQTT.js emit reconnect', () => {
      const client = idleClient();
      // Keep the real _reconnect from connecting: only its `reconnect` event is checked here.
      (client as unknown as { connect: () => MqttClient }).connect = () => client;
      const events: string[] = [];
      client.on('reconnect', () => events.push('reconnect'));
      const reconnect = takeOverReconnects(client);
      (client as unknown as Reconnectable)._reconnect();
      expect(events).to.deep.equal([]);
      reconnect();
      expect(events).to.deep.equal(['reconnect']);
    });

    it('throws, naming the file to update, on a client without _reconnect', () => {
      expect(() => takeOverReconnects({} as MqttClient)).to.throw(
        'MQTT.js has no private _reconnect any more: see src/transport/mqtt-internals.ts',
      );
    });
  });
});
