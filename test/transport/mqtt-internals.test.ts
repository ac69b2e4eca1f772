// The one reach into MQTT.js's private API (src/transport/mqtt-internals.ts), checked against the
// real MQTT.js client of the browser build: a newer MQTT.js that renames or drops a private member
// fails here, by name, instead of silently skipping the credentials refresh before reconnects.
import { expect } from '@open-wc/testing';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { beforeEachReconnect, PRIVATE_MEMBERS } from '../../src/transport/mqtt-internals.js';

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

  describe('beforeEachReconnect', () => {
    /** A real client whose own `_reconnect` is replaced by a counter, then wrapped. */
    function wrapped(): {
      client: MqttClient;
      reconnect: () => void;
      reconnects: unknown[];
      dones: Array<(proceed?: boolean) => void>;
    } {
      const client = idleClient();
      const target = client as unknown as Reconnectable;
      const reconnects: unknown[] = [];
      target._reconnect = function (this: unknown) {
        reconnects.push(this);
      };
      const dones: Array<(proceed?: boolean) => void> = [];
      beforeEachReconnect(client, (done) => dones.push(done));
      return { client, reconnect: () => target._reconnect(), reconnects, dones };
    }

    it('calls the hook in place of the reconnect, and reconnects (on the client) once it calls done()', () => {
      const { client, reconnect, reconnects, dones } = wrapped();
      reconnect();
      expect(dones).to.have.length(1);
      expect(reconnects, 'not before done()').to.deep.equal([]);
      dones[0]();
      expect(reconnects).to.have.length(1);
      expect(reconnects[0], 'called with the client as this').to.equal(client);
    });

    it('does not reconnect on done(false); the next call asks the hook again', () => {
      const { reconnect, reconnects, dones } = wrapped();
      reconnect();
      dones[0](false);
      expect(reconnects).to.deep.equal([]);
      reconnect();
      expect(dones).to.have.length(2);
      dones[1](true);
      expect(reconnects).to.have.length(1);
    });

    it('drops a reconnect asked for while the hook is still waiting', () => {
      const { reconnect, reconnects, dones } = wrapped();
      reconnect();
      reconnect();
      reconnect();
      expect(dones).to.have.length(1);
      dones[0]();
      expect(reconnects).to.have.length(1);
      reconnect();
      expect(dones).to.have.length(2);
    });

    it('wraps the real _reconnect: done() makes MQTT.js emit reconnect', () => {
      const client = idleClient();
      // Keep the real _reconnect from connecting: only its `reconnect` event is checked here.
      (client as unknown as { connect: () => MqttClient }).connect = () => client;
      const events: string[] = [];
      client.on('reconnect', () => events.push('reconnect'));
      const dones: Array<(proceed?: boolean) => void> = [];
      beforeEachReconnect(client, (done) => dones.push(done));
      (client as unknown as Reconnectable)._reconnect();
      expect(events).to.deep.equal([]);
      dones[0]();
      expect(events).to.deep.equal(['reconnect']);
    });

    it('throws, naming the file to update, on a client without _reconnect', () => {
      expect(() => beforeEachReconnect({} as MqttClient, () => {})).to.throw(
        'MQTT.js has no private _reconnect any more: see src/transport/mqtt-internals.ts',
      );
    });
  });
});
