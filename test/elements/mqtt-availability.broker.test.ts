// availability-topic on <mqtt-publish> and <mqtt-subscribe> against aedes and mosquitto, with a
// device peer that says `online` (retained) and leaves `offline` as its last will (README, "Control
// panels: controls that follow the device"): `available`, the reflected `unavailable` (and the
// custom state), the controls inside <mqtt-publish> disabled while unavailable and only those
// enabled again, nothing sent meanwhile (checked at the device), and a device that flaps ends in
// the state it said last.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttPublishElement, MqttSubscribeElement } from '../../src/index.js';
import { brokerUnderTest, subscribesAt, uid, unsubscribesAt, waitFor, BROKER_NAMES } from '../support/brokers.js';
import { devicePeer, type DevicePeer } from '../support/device-peer.js';
import { codesFrom, connected, mount } from '../support/mount.js';

const devices: DevicePeer[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.end();
});

/** Whether the element is in the custom state `unavailable` (where the engine has custom states). */
function inState(el: Element): boolean | undefined {
  try {
    return el.matches(':state(unavailable)');
  } catch {
    return undefined; // no :state() selector in this engine: the attribute says it
  }
}

for (const broker of BROKER_NAMES) {
  describe(`availability-topic (${broker}, a device peer)`, () => {
    async function panel({ birth = true }: { birth?: boolean } = {}) {
      const { url } = await brokerUnderTest(broker);
      const id = uid('avail');
      const device = await devicePeer(url, `${id}/lamp`, { birth });
      devices.push(device);
      const m = await mount(html`
        <mqtt-connection url=${url} client-id=${id}>
          <mqtt-publish topic=${device.set} availability-topic=${device.availability} payload="on">
            <button id="on">on</button>
            <input id="box" type="checkbox" />
            <input id="locked" type="text" disabled />
            <span id="fake" role="button">also publishes on click</span>
          </mqtt-publish>
          <mqtt-subscribe topic="${device.availability}" history="100"></mqtt-subscribe>
          <mqtt-subscribe id="watch" topic=${device.state} availability-topic=${device.availability}></mqtt-subscribe>
        </mqtt-connection>`);
      const connection = m.$<MqttConnectionElement>('mqtt-connection');
      await connected(connection);
      const el = m.$<MqttPublishElement>('mqtt-publish');
      const log = m.$<MqttSubscribeElement>('mqtt-subscribe');
      const watch = m.$<MqttSubscribeElement>('#watch');
      /** Resolves once the page has handled `count` availability messages (the log holds the same filter). */
      const heard = (count: number) => waitFor(() => log.messages.length >= count, { message: `${count} availability messages` });
      /** Nothing sent before now reaches the device later: a barrier through the broker. */
      const barrier = async () => {
        const token = uid('sync');
        await connection.publish(`${id}/lamp/sync/${token}`, 'sync', { qos: 1 });
        await device.synced(token);
      };
      return { ...m, id, device, connection, el, watch, heard, barrier };
    }

    it('available by default; offline disables the controls (not the one the page disabled), online restores them', async () => {
      const { el, watch, $, heard, device } = await panel();
      await heard(1); // the retained `online`
      expect(el.available).to.equal(true);
      expect(el.hasAttribute('unavailable')).to.equal(false);
      await device.say('offline');
      await waitFor(() => !el.available);
      expect(el.hasAttribute('unavailable')).to.equal(true);
      expect([inState(el), inState(watch)].filter((s) => s !== undefined)).not.to.include(false);
      expect(watch.available, '<mqtt-subscribe> follows it too').to.equal(false);
      expect(watch.hasAttribute('unavailable')).to.equal(true);
      expect($<HTMLButtonElement>('#on').disabled).to.equal(true);
      expect($<HTMLInputElement>('#box').disabled).to.equal(true);
      await device.say('online');
      await waitFor(() => el.available);
      expect(el.hasAttribute('unavailable')).to.equal(false);
      expect(inState(el)).not.to.equal(true);
      expect(watch.hasAttribute('unavailable')).to.equal(false);
      expect($<HTMLButtonElement>('#on').disabled).to.equal(false);
      expect($<HTMLInputElement>('#box').disabled).to.equal(false);
      expect($<HTMLInputElement>('#locked').disabled, 'the page disabled it: it stays so').to.equal(true);
    });

    it('a control added while the device is away is disabled too, and enabled with the others once back', async () => {
      const { el, $, heard, device } = await panel();
      await heard(1);
      await device.say('offline');
      await waitFor(() => !el.available);
      // As a framework re-rendering the panel would: a new control, deep inside.
      const late = document.createElement('div');
      late.innerHTML = '<label><input id="late" type="range" /></label>';
      el.append(late);
      await waitFor(() => $<HTMLInputElement>('#late').disabled, { message: 'the added control disabled' });
      await device.say('online');
      await waitFor(() => el.available);
      expect($<HTMLInputElement>('#late').disabled).to.equal(false);
      // Back online, the page's own controls are its own again: one added now stays enabled.
      const later = document.createElement('input');
      el.append(later);
      await Promise.resolve();
      expect(later.disabled).to.equal(false);
    });

    it('nothing is sent while unavailable: publish() rejects publish-failed, a click sends nothing, and nothing goes out once back', async () => {
      const { el, $, device, heard, barrier, errors } = await panel();
      await heard(1);
      await device.say('offline');
      await waitFor(() => !el.available);
      const refused = await el.publish('on').then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(refused?.code).to.equal('publish-failed');
      expect(refused!.message).to.contain('nothing was sent').and.contain(device.availability);
      expect(el.status).to.equal('error');
      $('#fake').click(); // not a form control: not disabled, but refused all the same
      $<HTMLButtonElement>('#on').click(); // disabled: no click event at all
      await barrier();
      expect(device.commands, 'no command reached the device').to.deep.equal([]);
      expect(codesFrom(errors, el)).to.deep.equal(['publish-failed', 'publish-failed']);
      await device.say('online');
      await waitFor(() => el.available);
      await barrier();
      expect(device.commands, 'nothing was queued for later').to.deep.equal([]);
      $<HTMLButtonElement>('#on').click();
      await waitFor(() => device.commands.length === 1);
      expect(device.commands).to.deep.equal(['on']);
    });

    it('a device that flaps ends in the state it said last, and the controls with it', async () => {
      const { el, $, device, heard } = await panel();
      await heard(1);
      const seen: boolean[] = [];
      new MutationObserver(() => seen.push(el.hasAttribute('unavailable'))).observe(el, { attributes: true, attributeFilter: ['unavailable'] });
      for (const said of ['offline', 'online', 'offline', 'online', 'offline', 'online']) await device.say(said);
      await heard(7);
      await el.updateComplete;
      expect(el.available).to.equal(true);
      expect($<HTMLButtonElement>('#on').disabled).to.equal(false);
      expect($<HTMLInputElement>('#locked').disabled).to.equal(true);
      expect(seen.at(-1)).to.equal(false);
      for (const said of ['offline', 'online', 'offline']) await device.say(said);
      await heard(10);
      expect(el.available).to.equal(false);
      expect($<HTMLButtonElement>('#on').disabled).to.equal(true);
      // Other payloads say nothing.
      await device.say('rebooting');
      await heard(11);
      expect(el.available).to.equal(false);
    });

    it("the device's last will: killed, it is unavailable; a new birth makes it available again", async () => {
      const { url } = await brokerUnderTest(broker);
      const { el, device, heard } = await panel();
      await heard(1);
      device.kill();
      await waitFor(() => !el.available, { timeout: 8000, message: 'the will (offline) arrived' });
      const reborn = await devicePeer(url, device.set.replace(/\/set$/, ''));
      devices.push(reborn);
      await waitFor(() => el.available, { message: 'the birth (online) arrived' });
    });
  });
}

describe('availability-topic: settings (aedes)', () => {
  it('payload-available / payload-not-available; moving the topic forgets what the old one said; a bad topic is invalid-topic', async () => {
    const { url } = await brokerUnderTest('aedes');
    const id = uid('avail');
    const device = await devicePeer(url, `${id}/lamp`, { birth: false });
    devices.push(device);
    await device.say('down');
    const { $, errors } = await mount(html`
      <mqtt-connection url=${url} client-id=${id}>
        <mqtt-subscribe topic="${id}/x" availability-topic=${device.availability} payload-available="up" payload-not-available="down"></mqtt-subscribe>
      </mqtt-connection>`);
    await connected($<MqttConnectionElement>('mqtt-connection'));
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await waitFor(() => !el.available, { message: 'the retained `down`' });
    el.availabilityTopic = `${id}/elsewhere`;
    await waitFor(() => el.available, { message: 'another topic has said nothing yet' });
    await waitFor(async () => (await subscribesAt(id, `${id}/elsewhere`)).length === 1);
    el.availabilityTopic = `${id}/bad/#/x`;
    await waitFor(() => codesFrom(errors, el).includes('invalid-topic'));
    expect(el.status).to.equal('error');
    el.availabilityTopic = device.availability;
    await waitFor(() => !el.available && el.status === 'subscribed', { message: 'fixed: following the device again' });
    el.removeAttribute('availability-topic');
    await waitFor(() => el.available && !el.hasAttribute('unavailable'));
    // Moved away twice (to elsewhere, then to none): each released at the broker.
    await waitFor(async () => (await unsubscribesAt(id, device.availability)) === 2, { message: 'two UNSUBSCRIBEs of the device topic' });
    el.availabilityTopic = `${id}/last`;
    await waitFor(async () => (await subscribesAt(id, `${id}/last`)).length === 1);
    el.remove();
    await waitFor(async () => (await unsubscribesAt(id, `${id}/last`)) === 1, { message: 'the removal released it' });
  });


  it('a request (expect-response, MQTT 5) is refused with nothing sent while the device is unavailable', async () => {
    const { url } = await brokerUnderTest('mosquitto');
    const id = uid('availreq');
    const device = await devicePeer(url, `${id}/lamp`);
    devices.push(device);
    const { $, errors } = await mount(html`
      <mqtt-connection url=${url} client-id=${id} protocol-version="5">
        <mqtt-publish topic=${device.set} expect-response response-timeout="500" availability-topic=${device.availability}></mqtt-publish>
      </mqtt-connection>`);
    const connection = $<MqttConnectionElement>('mqtt-connection');
    await connected(connection);
    const el = $<MqttPublishElement>('mqtt-publish');
    await device.say('offline');
    await waitFor(() => !el.available);
    const refused = await el.request('status?').then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(refused?.code).to.equal('publish-failed');
    expect(codesFrom(errors, el)).to.deep.equal(['publish-failed']);
    const token = uid('sync');
    await connection.publish(`${id}/lamp/sync/${token}`, 'sync', { qos: 1 });
    await device.synced(token);
    expect(device.commands).to.deep.equal([]);
  });
});
