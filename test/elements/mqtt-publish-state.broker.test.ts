// <mqtt-publish state-topic> against aedes, with a device peer (test/support/device-peer.ts) that
// answers commands on its state topic as each test scripts it (README, "Control panels: controls
// that follow the device"): the controls show the reported state, a command is pending until the
// device reports the commanded value (confirmed), and not-confirmed after confirm-timeout, when the
// controls show the last reported state again.
import { expect, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement } from '../../src/index.js';
import { getBrokers, subscribesAt, uid, unsubscribesAt, waitFor } from '../support/brokers.js';
import { devicePeer, type DevicePeer } from '../support/device-peer.js';
import { codesFrom, connected, mount, type Mounted } from '../support/mount.js';
import { partsHeld } from '../../src/core/load-part.js';
import { loadConnectionParts } from '../support/connection-parts.js';

// Their connections connect while a test holds every part's arrival (support/connection-parts.ts).
before(() => loadConnectionParts());

/** Every value `status` took, in order (the attribute, as CSS sees it). */
function statuses(el: HTMLElement): string[] {
  const seen = [el.getAttribute('status') ?? ''];
  new MutationObserver(() => seen.push(el.getAttribute('status') ?? '')).observe(el, { attributes: true, attributeFilter: ['status'] });
  return seen;
}

/** Every `checked` the checkbox showed, polled each frame (property writes fire no event), and at the end. */
function watchChecked(box: HTMLInputElement): { seen: boolean[]; stop(): void } {
  const seen = [box.checked];
  let frame = 0;
  const look = () => {
    if (seen.at(-1) !== box.checked) seen.push(box.checked);
    frame = requestAnimationFrame(look);
  };
  frame = requestAnimationFrame(look);
  return {
    seen,
    stop: () => {
      cancelAnimationFrame(frame);
      look(); // the value at the end, whether or not a frame came since it changed
      cancelAnimationFrame(frame);
    },
  };
}

const devices: DevicePeer[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.end();
});

/**
 * A device (its retained state `initial`, if given) and a panel: `<mqtt-publish>` on its topics
 * with `attributes` and `controls` inside, connected, its state subscription granted.
 */
async function panel(
  controls: (device: DevicePeer) => TemplateResult,
  { initial, withState = true }: { initial?: string; withState?: boolean } = {},
): Promise<Mounted & { device: DevicePeer; el: MqttPublishElement; connection: MqttConnectionElement; id: string }> {
  const { aedes } = await getBrokers();
  const id = uid('panel');
  const device = await devicePeer(aedes.url, `${id}/lamp`);
  devices.push(device);
  if (initial !== undefined) await device.report(initial);
  const m = await mount(html`<mqtt-connection url=${aedes.url} client-id=${id}>${controls(device)}</mqtt-connection>`);
  const connection = m.$<MqttConnectionElement>('mqtt-connection');
  await connected(connection);
  const el = m.$<MqttPublishElement>('mqtt-publish');
  if (withState) await waitFor(async () => (await subscribesAt(id, device.state)).length === 1, { message: 'the state topic subscribed' });
  return { ...m, device, el, connection, id };
}

describe('<mqtt-publish state-topic> (aedes, a device peer)', () => {
  it('a checkbox shows the reported state; a click is pending (still showing the state) until the device reports it, then confirmed', async () => {
    const { el, $, device, errors } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} payload-on="ON" payload-off="OFF" qos="1"><input type="checkbox" /></mqtt-publish>`,
      { initial: 'ON' },
    );
    const box = $<HTMLInputElement>('input');
    await waitFor(() => box.checked, { message: 'the retained state ON checks it' });
    device.answer((command) => command, 400);
    const seen = statuses(el);
    const shown = watchChecked(box);
    box.click(); // unchecks it: the command OFF
    expect(el.status, 'at once').to.equal('pending');
    await waitFor(() => device.commands.length === 1);
    expect(device.commands).to.deep.equal(['OFF']);
    expect(box.checked, 'still the reported state while the device has not confirmed').to.equal(true);
    await waitFor(() => el.status === 'confirmed', { message: 'confirmed once the device reported OFF' });
    expect(box.checked).to.equal(false);
    shown.stop();
    expect(shown.seen, 'never showed the unconfirmed value in a frame before the report').to.deep.equal([true, false]);
    expect(seen).to.deep.equal(['idle', 'pending', 'confirmed']);
    expect(el.getAttribute('status')).to.equal('confirmed');
    expect(errors).to.deep.equal([]);
  });

  it('no report in confirm-timeout: the control shows the last reported state, status error, not-confirmed saying what did not come', async () => {
    const { el, $, device, errors } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="500"><input type="checkbox" /></mqtt-publish>`,
      { initial: 'false' },
    );
    const box = $<HTMLInputElement>('input');
    device.answer(() => undefined); // a device that never answers
    const started = performance.now();
    const publishing = el.publish(true);
    expect(el.status).to.equal('pending');
    const failure = await publishing.then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    const waited = performance.now() - started;
    expect(failure?.code).to.equal('not-confirmed');
    expect(waited, 'the timeout, not before').to.be.at.least(480);
    expect(el.status).to.equal('error');
    expect(el.error?.code).to.equal('not-confirmed');
    expect(el.error!.message).to.contain(`"${device.state}"`).and.contain('"true"').and.contain('500 ms').and.contain(`"${device.set}"`);
    expect(el.error!.message).to.contain('Check that the device is online');
    expect(box.checked, 'the last reported state, false').to.equal(false);
    expect(codesFrom(errors, el)).to.deep.equal(['not-confirmed']);
    expect(device.commands).to.deep.equal(['true']);
  });

  it('before any report, a failed command puts the control back to what the page showed', async () => {
    const { $, device, el } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="300"><input type="checkbox" checked /></mqtt-publish>`,
    );
    device.answer(() => undefined);
    const box = $<HTMLInputElement>('input');
    box.click();
    await waitFor(() => el.status === 'error', { message: 'not confirmed' });
    expect(box.checked).to.equal(true);
  });

  it('optimistic: shows the commanded value at once while waiting, keeps it when confirmed, and reverts on timeout', async () => {
    const { el, $, device } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} optimistic confirm-timeout="1500"><input type="checkbox" /></mqtt-publish>`,
      { initial: 'false' },
    );
    const box = $<HTMLInputElement>('input');
    await waitFor(() => el.status === 'idle' && device.commands.length === 0);
    device.answer((command) => command, 300);
    box.click();
    await waitFor(() => device.commands.length === 1);
    expect(el.status).to.equal('pending');
    expect(box.checked, 'the commanded value while pending').to.equal(true);
    await waitFor(() => el.status === 'confirmed');
    expect(box.checked).to.equal(true);

    device.answer(() => undefined);
    await el.publish(false).catch(() => {});
    expect(el.error?.code).to.equal('not-confirmed');
    expect(box.checked, 'back to the last reported state, true').to.equal(true);
  });

  it('a report of another value while pending changes nothing until the timeout, which shows that value', async () => {
    const { el, $, device } = await panel(
      (d) =>
        html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="1500"><input type="range" min="0" max="100" value="0" /></mqtt-publish>`,
      { initial: '20' },
    );
    const range = $<HTMLInputElement>('input');
    await waitFor(() => range.value === '20');
    device.answer(() => '30', 100); // the device went somewhere else
    range.value = '60';
    range.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => device.commands.length === 1);
    expect(device.commands).to.deep.equal(['60']);
    await new Promise((resolve) => setTimeout(resolve, 350)); // the report of 30 has come by now
    expect(el.status, 'still pending').to.equal('pending');
    expect(range.value, 'still the state before the command').to.equal('20');
    await waitFor(() => el.status === 'error', { message: 'not confirmed at the timeout' });
    expect(el.error?.code).to.equal('not-confirmed');
    expect(range.value, 'the last reported state').to.equal('30');
  });

  it('a newer command replaces a waiting one: no error for the first, the second confirmed', async () => {
    const { el, device, errors } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="3000"><input type="number" /></mqtt-publish>`,
      { initial: '1' },
    );
    device.answer((command) => (command === '3' ? '3' : undefined), 50);
    const first = el.publish(2);
    const second = el.publish(3);
    await Promise.all([first, second]);
    expect(el.status).to.equal('confirmed');
    expect(errors).to.deep.equal([]);
  });

  const controls: Array<[string, (d: DevicePeer) => TemplateResult, string, (root: Mounted) => unknown, (root: Mounted) => void, unknown]> = [
    [
      'radio',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode">
        <label><input type="radio" name="mode" value="eco" />eco</label>
        <label><input type="radio" name="mode" value="comfort" />comfort</label>
      </mqtt-publish>`,
      'eco',
      (m) => m.root.querySelector<HTMLInputElement>('input:checked')?.value,
      (m) => m.$<HTMLInputElement>('input[value=comfort]').click(),
      'comfort',
    ],
    [
      'select',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode">
        <select><option value="eco">eco</option><option value="comfort">comfort</option><option value="away">away</option></select>
      </mqtt-publish>`,
      'away',
      (m) => m.$<HTMLSelectElement>('select').value,
      (m) => {
        const select = m.$<HTMLSelectElement>('select');
        select.value = 'eco';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      },
      'eco',
    ],
    [
      'range',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode"><input type="range" min="0" max="100" /></mqtt-publish>`,
      '35',
      (m) => m.$<HTMLInputElement>('input').value,
      (m) => {
        const range = m.$<HTMLInputElement>('input');
        range.value = '80';
        range.dispatchEvent(new Event('change', { bubbles: true }));
      },
      '80',
    ],
    [
      'number',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode"><input type="number" step="0.5" /></mqtt-publish>`,
      '21.5',
      (m) => m.$<HTMLInputElement>('input').value,
      (m) => {
        const input = m.$<HTMLInputElement>('input');
        input.value = '19';
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      '19',
    ],
    [
      'text',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode"><input type="text" /></mqtt-publish>`,
      'hello',
      (m) => m.$<HTMLInputElement>('input').value,
      (m) => {
        const input = m.$<HTMLInputElement>('input');
        input.value = '<b>bye</b>';
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      '<b>bye</b>',
    ],
    [
      'textarea',
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="mode"><textarea></textarea></mqtt-publish>`,
      'line',
      (m) => m.$<HTMLTextAreaElement>('textarea').value,
      (m) => {
        const area = m.$<HTMLTextAreaElement>('textarea');
        area.value = 'two\nlines';
        area.dispatchEvent(new Event('change', { bubbles: true }));
      },
      'two\nlines',
    ],
  ];
  for (const [name, template, initial, shown, use, commanded] of controls) {
    it(`${name}: shows the state at state-path (JSON), commands its value, confirmed by the device's JSON report`, async () => {
      const m = await panel(template, { initial: JSON.stringify({ mode: initial }) });
      await waitFor(() => shown(m) === initial, { message: `shows ${initial}` });
      // The device reports {"mode": <the command, as JSON where it parses>}.
      m.device.answer((command) => {
        let value: unknown = command;
        try {
          value = JSON.parse(command);
        } catch {
          // text as it is
        }
        return JSON.stringify({ mode: value });
      }, 200);
      use(m);
      await waitFor(() => m.device.commands.length === 1);
      expect(m.el.status).to.equal('pending');
      expect(shown(m), 'the reported state until confirmed').to.equal(initial);
      await waitFor(() => m.el.status === 'confirmed', { message: `${name} confirmed` });
      expect(shown(m)).to.equal(commanded);
      expect(m.errors).to.deep.equal([]);
      // Written as a value only: the markup in the text state is text.
      expect(m.root.querySelector('b')).to.equal(null);
    });
  }

  it('a state that does not decode with state-path is payload-format, and the control keeps what it shows', async () => {
    const { el, $, device, errors } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} state-path="level"><input type="number" /></mqtt-publish>`,
      { initial: '{"level": 7}' },
    );
    const input = $<HTMLInputElement>('input');
    await waitFor(() => input.value === '7');
    await device.report('{"other": 1}');
    await waitFor(() => codesFrom(errors, el).includes('payload-format'));
    expect(el.error!.message).to.contain(device.state).and.contain('"level"');
    expect(input.value).to.equal('7');
  });

  it('a bad confirm-timeout is payload-format naming it, and the default 5000 applies', async () => {
    const { el, device, errors } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="soon"><input type="checkbox" /></mqtt-publish>`,
      { initial: 'false' },
    );
    await waitFor(() => codesFrom(errors, el).includes('payload-format'));
    expect(el.error!.message).to.contain('confirm-timeout="soon"').and.contain('the default 5000 applies');
    device.answer((command) => command, 0);
    await el.publish(true);
    expect(el.status, 'commands still work, with the default').to.equal('confirmed');
    el.confirmTimeout = 0;
    await el.updateComplete;
    expect(el.error!.message).to.contain('confirm-timeout=0 is not a number above 0');
  });

  it('changing state-topic moves the subscription; removal unsubscribes, and a command waiting then ends with no error and no timer left', async () => {
    const { el, $, device, id, errors, uncaught, root } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state} confirm-timeout="400"><input type="text" /></mqtt-publish>`,
      { initial: 'first' },
    );
    const input = $<HTMLInputElement>('input');
    await waitFor(() => input.value === 'first');
    const other = `${id}/other/state`;
    const { aedes } = await getBrokers();
    const second = await devicePeer(aedes.url, `${id}/other`);
    devices.push(second);
    await second.report('second');
    el.stateTopic = other;
    await waitFor(() => input.value === 'second', { message: 'the new state topic shows' });
    await waitFor(async () => (await unsubscribesAt(id, device.state)) === 1, { message: 'the old state topic released' });

    device.answer(() => undefined);
    const publishing = el.publish('third');
    await waitFor(() => device.commands.length === 1);
    root.replaceChildren(); // the connection and the panel go
    expect(await publishing.then(() => 'resolved', (e: Error) => e.message), 'ended as sent, no error').to.equal('resolved');
    // Past the timeout: nothing fires (a timer left would report not-confirmed now).
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(errors).to.deep.equal([]);
    expect(uncaught).to.deep.equal([]);
    expect(el.error).to.equal(undefined);
  });

  it('removing the panel alone (the connection stays) releases the state topic after a task, not on a DOM move', async () => {
    const { el, device, id, connection } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} state-topic=${d.state}><input type="checkbox" /></mqtt-publish>`,
      { initial: 'true' },
    );
    // A DOM move: removed and put back in the same task.
    const parent = el.parentNode!;
    parent.removeChild(el);
    parent.appendChild(el);
    await new Promise((resolve) => setTimeout(resolve, 50));
    el.remove();
    await waitFor(async () => (await unsubscribesAt(id, device.state)) === 1, { message: 'released after a lasting removal' });
    expect(await subscribesAt(id, device.state), 'the move kept it: one SUBSCRIBE').to.have.length(1);
    expect(connection.status).to.equal('connected');
  });

  it('payload-on/payload-off without state-topic: a checkbox sends them, and the status ends sent as before', async () => {
    const { el, $, device } = await panel(
      (d) => html`<mqtt-publish topic=${d.set} payload-on="ON" payload-off="OFF" qos="1"><input type="checkbox" /></mqtt-publish>`,
      { withState: false },
    );
    device.answer(() => undefined);
    const box = $<HTMLInputElement>('input');
    await waitFor(() => el.status === 'idle');
    box.click();
    await waitFor(() => el.status === 'sent');
    expect(box.checked, 'no state topic: the control is the page\'s').to.equal(true);
    box.click();
    await waitFor(() => device.commands.length === 2);
    expect(device.commands).to.deep.equal(['ON', 'OFF']);
  });

  it('while the code loads: a command waits for it (payload-on applies), and the state and availability said meanwhile are shown once it is there', async () => {
    let release!: () => void;
    partsHeld.until = new Promise<void>((resolve) => (release = resolve));
    try {
      const { aedes } = await getBrokers();
      const id = uid('panel');
      const device = await devicePeer(aedes.url, `${id}/lamp`, { birth: false });
      devices.push(device);
      const m = await mount(html`
        <mqtt-connection url=${aedes.url} client-id=${id}>
          <mqtt-publish topic=${device.set} state-topic=${device.state} availability-topic=${device.availability} payload-on="ON" payload-off="OFF">
            <input type="checkbox" />
          </mqtt-publish>
        </mqtt-connection>`);
      await connected(m.$<MqttConnectionElement>('mqtt-connection'));
      const el = m.$<MqttPublishElement>('mqtt-publish');
      device.answer((command) => command);
      const publishing = el.publish(true);
      await device.report('OFF');
      await device.say('online');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(device.commands, 'nothing sent before the code came').to.deep.equal([]);
      release();
      await publishing;
      expect(device.commands, 'payload-on applied').to.deep.equal(['ON']);
      expect(el.status).to.equal('confirmed');
      expect(m.$<HTMLInputElement>('input').checked).to.equal(true);
      await device.say('offline');
      await waitFor(() => !el.available);
    } finally {
      partsHeld.until = undefined;
      release();
    }
  });
});
