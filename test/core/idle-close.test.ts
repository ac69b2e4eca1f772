// A proxy's idle timeout told from other losses (src/core/idle-close.ts, idle-diagnosis.ts), and
// its message on the `offline` of an attempt (src/core/attempt.ts), with a clock and a client the
// test drives; the diagnosis's code is loaded first (its first load: idle-close-lazy.test.ts).
// Behind a real nginx: test/e2e/proxy.test.js.
import { expect } from '@open-wc/testing';
import type { MqttClient } from 'mqtt';
import { Attempt, watchAttempt, type AttemptSink } from '../../src/core/attempt.js';
import { loadIdleDiagnosis, watchIdleCloses } from '../../src/core/idle-close.js';
import { idleCloseMessage, steadySilence } from '../../src/core/idle-diagnosis.js';
import type { ConnectionStatus } from '../../src/core/status.js';
import type { MqttElementsError } from '../../src/errors.js';

type Handler = (...args: unknown[]) => void;

/** The events of an MQTT.js client that attempt.ts and idle-close.ts listen to. */
class Emitter {
  readonly options = { keepalive: 60, protocolVersion: 4 as const };
  readonly #handlers = new Map<string, Handler[]>();
  on(event: string, handler: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.#handlers.get(event) ?? []) handler(...args);
  }
}

describe('core/idle-close', () => {
  before(() => loadIdleDiagnosis());

  describe('steadySilence', () => {
    it('needs three losses after the same silence, within 15 % of their median', () => {
      expect(steadySilence([]), 'none').to.equal(undefined);
      expect(steadySilence([60000, 60000]), 'two are not yet a pattern').to.equal(undefined);
      expect(steadySilence([60020, 59990, 60100])).to.equal(60020);
      expect(steadySilence([3000, 3440, 2560]), '±14.7 %').to.equal(3000);
      expect(steadySilence([3000, 3500, 3000]), '+16.7 %').to.equal(undefined);
      expect(steadySilence([12000, 45000, 3000]), 'losses after any silence: a flaky network').to.equal(undefined);
    });

    it('reads the last three only, and ignores silences under a second (something refusing at once)', () => {
      expect(steadySilence([41000, 9000, 10000, 10500])).to.equal(10000);
      expect(steadySilence([10000, 10000, 10000, 41000]), 'the pattern broke').to.equal(undefined);
      expect(steadySilence([40, 45, 42])).to.equal(undefined);
    });
  });

  describe('idleCloseMessage', () => {
    it('names the interval, the likely cause, and both fixes', () => {
      const message = idleCloseMessage(59800, 90);
      expect(message).to.contain('closed every 60 s without traffic from the broker');
      expect(message).to.contain('likely an idle timeout in a proxy in front of the broker');
      expect(message).to.contain('Set keepalive (now 90) to 60 or less');
      expect(message).to.contain("raise the proxy's idle timeout above 90 s");
    });

    it('asks for the proxy alone when keepalive is already below the interval', () => {
      const message = idleCloseMessage(30000, 20);
      expect(message).to.contain('keepalive (20) is already below it');
      expect(message).not.to.contain('Set keepalive');
    });
  });

  describe('watchIdleCloses', () => {
    it('measures each silence from the last packet the broker sent, not from the connect', () => {
      let now = 0;
      const client = new Emitter();
      const watch = watchIdleCloses(client, () => now);
      const lossAfter = (connected: number, silence: number) => {
        now += connected; // messages kept coming for a while...
        client.emit('packetreceive', { cmd: 'connack', sessionPresent: false, returnCode: 0 });
        now += silence; // ...then nothing, until the proxy closed
        return watch.lost();
      };
      expect(lossAfter(1000, 30000)).to.equal(undefined);
      expect(lossAfter(50000, 30100)).to.equal(undefined);
      const error = lossAfter(200000, 29900);
      expect(error?.code).to.equal('connection-failed');
      expect(error?.message).to.contain('closed every 30 s').and.contain('now 60');
    });
  });

  describe('on an attempt', () => {
    const realNow = Date.now;
    afterEach(() => {
      Date.now = realNow;
    });

    function watched() {
      let now = 1_000_000;
      Date.now = () => now;
      const client = new Emitter();
      const statuses: Array<[ConnectionStatus, string | undefined]> = [];
      const sink: AttemptSink = {
        status: (status) => statuses.push([status, undefined]),
        fail: (error: MqttElementsError, status) => statuses.push([status ?? 'error', error.message]),
        connected: () => statuses.push(['connected', undefined]),
        message: () => {},
        closed: () => {},
      };
      const attempt = new Attempt('wss://app.example/mqtt', client as unknown as MqttClient);
      watchAttempt(attempt, sink);
      /** A CONNACK, then `silence` ms later the socket closes. */
      const connectedFor = (silence: number) => {
        client.emit('reconnect');
        client.emit('packetreceive', { cmd: 'connack', sessionPresent: false, returnCode: 0 });
        client.emit('connect', { cmd: 'connack', sessionPresent: false });
        now += silence;
        client.emit('close');
      };
      return { statuses, connectedFor };
    }

    it('goes offline with the diagnosis from the third loss after the same silence', () => {
      const { statuses, connectedFor } = watched();
      for (const silence of [4000, 4050, 3980, 4010]) connectedFor(silence);
      const offline = statuses.filter(([status]) => status === 'offline');
      expect(offline.map(([, message]) => message?.slice(0, 42))).to.deep.equal([
        undefined,
        undefined,
        'the connection was closed every 4 s withou',
        'the connection was closed every 4 s withou',
      ]);
    });

    it('goes offline without one after losses at random moments', () => {
      const { statuses, connectedFor } = watched();
      for (const silence of [4000, 17000, 2500, 9000]) connectedFor(silence);
      const offline = statuses.filter(([status]) => status === 'offline');
      expect(offline).to.have.length(4);
      expect(offline.every(([, message]) => message === undefined)).to.equal(true);
    });
  });
});
