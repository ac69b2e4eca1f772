// README, `<mqtt-connection>`: Reconnects: while not connected, the browser's `online` event, the
// page becoming visible and (Chromium's Page Lifecycle) the page resumed from a freeze each trigger
// an attempt at once, however long the backoff still had to run; the page being hidden does not. A
// real WebSocket to a port where nothing listens, so every attempt fails fast and the next waits a
// minute.
//
// The delays after the first are jittered (README: a random delay up to a bound that doubles, here
// capped at a minute), so one can be a few ms: Math.random is pinned near 1 for this test, or a
// retry of the schedule's own would now and then land inside it and be counted as a wake's.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement } from '../../src/index.js';
import { mount } from '../support/mount.js';
import { restoreVisibility, setHidden } from '../support/visibility.js';
import { waitFor } from '../support/wait.js';

/** Nothing listens on port 1 of the loopback: the WebSocket is refused at once. */
const DEAD = 'ws://127.0.0.1:1/mqtt';

function attempts(connection: MqttConnectionElement): () => number {
  let count = 0;
  connection.addEventListener('mqtt-status', (e) => {
    const { status } = (e as CustomEvent<{ status: string }>).detail;
    if (status === 'connecting' || status === 'reconnecting') count++;
  });
  return () => count;
}

describe('mqtt-connection: an attempt at once when the browser is online again, the page visible or resumed', function () {
  this.timeout(20000);
  const random = Math.random;
  beforeEach(() => {
    Math.random = () => 0.999; // every jittered retry about a minute away
  });
  afterEach(() => {
    Math.random = random;
    restoreVisibility();
  });

  it('online, visible and resume each start an attempt while the next retry is a minute away; hidden does not', async () => {
    const { $ } = await mount(html`<mqtt-connection url=${DEAD} reconnect-period="60000" reconnect-max="60000"></mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    const count = attempts(connection);
    await waitFor(() => connection.status === 'error', { message: 'the first attempt failed' });
    // Settled: the first attempt is over, the next one is a minute away.
    const settled = count();
    const nothingFor = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms)); // an attempt would have started by now
      expect(count(), 'no attempt').to.equal(settled + woken);
    };
    let woken = 0;
    for (const [name, fire] of [
      ['online', () => window.dispatchEvent(new Event('online'))],
      ['visible', () => setHidden(false)],
      ['resume', () => document.dispatchEvent(new Event('resume'))],
    ] as const) {
      await waitFor(() => connection.status === 'error', { message: `failed again before ${name}` });
      fire();
      woken++;
      await waitFor(() => count() === settled + woken, { timeout: 2000, message: `an attempt at once on ${name}` });
    }
    await waitFor(() => connection.status === 'error', { message: 'failed again' });
    // Used up by now: the loss after a wake went at once once, not again.
    await nothingFor(300);
    setHidden(true);
    await nothingFor(300);
  });
});
