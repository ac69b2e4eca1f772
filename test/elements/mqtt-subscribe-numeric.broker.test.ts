// <mqtt-subscribe>'s numeric settings against aedes (README: Errors, `payload-format`): a `history`
// or `limit` that is no usable number is a payload-format error naming the attribute, what was
// written and the default applied; the element keeps working with the default, and fixing the
// attribute clears it.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttSubscribeElement } from '../../src/index.js';
import { aedesPublish, getBrokers, uid, waitFor } from '../support/brokers.js';
import { codesFrom, mount, mountSubscribed, subscribed } from '../support/elements.js';

describe('<mqtt-subscribe> numeric settings (aedes)', () => {
  it('history="abc" is an error, 1 applies and values still show; a good history clears it', async () => {
    const { el, errors, topic } = await mountSubscribed();
    el.setAttribute('history', 'abc');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.error!.message).to.contain('history="abc"').and.contain('the default 1 applies');
    expect(el.status).to.equal('error');
    await aedesPublish({ topic, payload: 'one', qos: 1 });
    await aedesPublish({ topic, payload: 'two', qos: 1 });
    await waitFor(() => el.textContent === 'two', { message: `shown: ${el.textContent}` });
    expect(el.messages.map((m) => new TextDecoder().decode(m.payload))).to.deep.equal(['two']);
    expect(el.status, 'still in error while the setting is bad').to.equal('error');
    el.setAttribute('history', '2');
    await el.updateComplete;
    expect(el.status).to.equal('subscribed');
    await aedesPublish({ topic, payload: 'three', qos: 1 });
    await waitFor(() => el.querySelectorAll('li').length === 2);
    expect([...el.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['two', 'three']);
  });

  it('history that is no whole number from 1 up (0, 2.5, -3, NaN) is an error each time, quoting it', async () => {
    const { el, errors } = await mountSubscribed();
    for (const bad of ['0', '2.5', '-3', 'NaN']) {
      el.setAttribute('history', bad);
      await el.updateComplete;
      expect(el.error!.message, bad).to.contain(`history="${bad}"`).and.contain('the default 1 applies');
      expect(el.status).to.equal('error');
    }
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format', 'payload-format', 'payload-format', 'payload-format']);
    el.removeAttribute('history');
    await el.updateComplete;
    expect(el.status, 'absent: the default, no error').to.equal('subscribed');
  });

  it('limit="x" is an error, 100 rows apply (not none) and rows still come; a good limit clears it and trims', async () => {
    const { aedes } = await getBrokers();
    const id = uid('limit');
    const { $, errors } = await mount(html`
      <mqtt-connection url=${aedes.url} client-id=${id}>
        <mqtt-subscribe topic="${id}/+/t" format="json">
          <template><p><b data-topic-level="1"></b>=<i data-value></i></p></template>
        </mqtt-subscribe>
      </mqtt-connection>
    `);
    const el = $<MqttSubscribeElement>('mqtt-subscribe');
    await subscribed(el);
    el.setAttribute('limit', 'x');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.error!.message).to.contain('limit="x"').and.contain('the default 100 applies');
    expect(el.status).to.equal('error');
    for (const room of ['a', 'b', 'c']) await aedesPublish({ topic: `${id}/${room}/t`, payload: '1', qos: 1 });
    const rows = () => [...el.querySelectorAll('p')].map((p) => p.querySelector('b')!.textContent);
    await waitFor(() => rows().length === 3, { message: `rows: ${rows().join()}` });
    expect(rows()).to.deep.equal(['a', 'b', 'c']);
    el.limit = 2;
    await el.updateComplete;
    expect(el.status).to.equal('subscribed');
    expect(rows()).to.deep.equal(['b', 'c']);
  });

  it('stale-after="soon" and throttle="x" are errors; no stale timer and no throttling apply; fixing them clears it', async () => {
    const { el, errors, topic } = await mountSubscribed();
    el.setAttribute('stale-after', 'soon');
    el.setAttribute('throttle', 'x');
    await el.updateComplete;
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format', 'payload-format']);
    const messages = errors.map((e) => e.detail.error.message);
    expect(messages[0]).to.contain('stale-after="soon"').and.contain('the default (none) applies');
    expect(messages[1]).to.contain('throttle="x"').and.contain('the default 0 applies');
    expect(el.status).to.equal('error');
    await aedesPublish({ topic, payload: 'a', qos: 1 });
    await waitFor(() => el.textContent === 'a');
    await aedesPublish({ topic, payload: 'b', qos: 1 });
    await waitFor(() => el.textContent === 'b', { message: 'rendered at once: no throttling' });
    el.setAttribute('throttle', '0');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    el.setAttribute('stale-after', '0.2');
    await el.updateComplete;
    expect(el.status).to.equal('subscribed');
    await waitFor(() => el.hasAttribute('stale'), { timeout: 2000, message: 'stale after 0.2 s' });
  });
});
