// <mqtt-subscribe>'s dashboard attributes against mosquitto (README, `<mqtt-subscribe>`:
// `decimals`, `labels`, `thresholds` → `level`, `stale-after` → `stale`, `throttle`, `receivedAt`):
// values published by mosquitto_pub.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { getBrokers, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { codesFrom, connected, mount, subscribed } from '../support/mount.js';

async function dashboard(attributes: (topic: string) => ReturnType<typeof html>, { lang = 'en', wait = true } = {}) {
  const { mosquitto } = await getBrokers();
  const id = uid('dash');
  const topic = `${id}/t`;
  const m = await mount(html`<div lang=${lang}><mqtt-connection url=${mosquitto.url} client-id=${id}>${attributes(topic)}</mqtt-connection></div>`);
  await connected(m.$<MqttConnectionElement>('mqtt-connection'));
  const els = [...document.querySelectorAll<MqttSubscribeElement>(`mqtt-subscribe[topic^="${id}"]`)];
  if (wait) await subscribed(...els);
  const pub = (payload: string, t = topic) => mosquittoPub({ topic: t, payload, qos: 1 });
  return { ...m, topic, el: els[0]!, els, pub };
}

describe('<mqtt-subscribe> on a dashboard (mosquitto)', () => {
  it('decimals: exactly that many digits in the nearest lang; the value itself unchanged', async () => {
    const { el, els, pub } = await dashboard(
      (t) => html`<mqtt-subscribe topic=${t} decimals="1"></mqtt-subscribe><span lang="de"><mqtt-subscribe topic=${t} decimals="2"></mqtt-subscribe></span>`,
    );
    await pub('21.456');
    await waitFor(() => els.every((e) => e.value === '21.456'));
    expect(el.textContent).to.equal('21.5');
    expect(els[1]!.textContent).to.equal('21,46');
  });

  it('labels: the text for a listed value, in the element and through a textContent or attribute binding; other properties get the value', async () => {
    const { el, pub, $ } = await dashboard(
      (t) => html`
        <mqtt-subscribe topic=${t} format="json" labels='{"true":"On","false":"Off"}'></mqtt-subscribe>
        <mqtt-subscribe topic=${t} format="json" labels='{"true":"On"}' target="#word"></mqtt-subscribe>
        <mqtt-subscribe topic=${t} format="json" labels='{"true":"On"}' target="#box" property="checked"></mqtt-subscribe>
        <mqtt-subscribe topic=${t} format="json" labels='{"true":"On"}' target="#word" attribute="title"></mqtt-subscribe>
        <span id="word"></span><input id="box" type="checkbox">`,
    );
    await pub('true');
    await waitFor(() => el.textContent === 'On');
    await waitFor(() => $('#word').textContent === 'On');
    expect($<HTMLInputElement>('#box').checked).to.equal(true);
    expect($('#word').getAttribute('title')).to.equal('On');
    await pub('false');
    await waitFor(() => el.textContent === 'Off');
    await pub('7');
    await waitFor(() => el.textContent === '7');
  });

  it('thresholds: level reflected for numbers, absent for anything else', async () => {
    const { el, pub } = await dashboard((t) => html`<mqtt-subscribe topic=${t} thresholds="18 22 26"></mqtt-subscribe>`);
    for (const [payload, level] of [['17', '0'], ['22', '2'], ['30.5', '3'], ['warm', null]] as const) {
      await pub(payload);
      await waitFor(() => el.value === payload);
      await el.updateComplete;
      expect(el.getAttribute('level'), payload).to.equal(level);
      expect(el.level).to.equal(level === null ? undefined : Number(level));
    }
  });

  it('bad settings are payload-format errors, and the element still shows values', async () => {
    const { el, errors, topic } = await dashboard(
      (t) => html`<mqtt-subscribe topic=${t} thresholds="5 1" labels="{nope"></mqtt-subscribe>`,
      { wait: false },
    );
    expect(codesFrom(errors, el)).to.deep.equal(['payload-format']);
    expect(el.error!.message).to.match(/^(thresholds must be ascending|labels must be a JSON object)/);
    expect(el.status).to.equal('error');
    await mosquittoPub({ topic, payload: '3', qos: 1, retain: true });
    await waitFor(() => el.textContent === '3');
    await mosquittoPub({ topic, payload: '', qos: 1, retain: true });
  });

  it('stale-after: stale (attribute and custom state) after that long without a message; the next message clears it', async () => {
    const { el, pub } = await dashboard((t) => html`<mqtt-subscribe topic=${t} stale-after="0.3"></mqtt-subscribe>`);
    await pub('1');
    await waitFor(() => el.value === '1');
    expect(el.hasAttribute('stale')).to.equal(false);
    await waitFor(() => el.hasAttribute('stale'), { timeout: 2000, message: 'stale after 0.3 s' });
    expect(el.matches(':state(stale)'), 'custom state').to.equal(true);
    await pub('2');
    await waitFor(() => !el.hasAttribute('stale'));
    expect(el.matches(':state(stale)')).to.equal(false);
  });

  it('throttle: renders at most once a period with the latest value; mqtt-message still fires for each', async () => {
    const { el, pub } = await dashboard((t) => html`<mqtt-subscribe topic=${t} throttle="400"></mqtt-subscribe>`);
    const seen: unknown[] = [];
    const texts: string[] = [];
    const at: number[] = [];
    el.addEventListener('mqtt-message', (e) => seen.push(e.detail.value));
    new MutationObserver(() => {
      texts.push(el.textContent ?? '');
      at.push(performance.now());
    }).observe(el, { childList: true, characterData: true, subtree: true });
    for (let i = 1; i <= 5; i++) await pub(String(i));
    await waitFor(() => seen.length === 5);
    await waitFor(() => el.textContent === '5', { timeout: 2000 });
    expect(seen).to.deep.equal(['1', '2', '3', '4', '5']);
    // The period between renders, not their count: on a loaded machine (WebKit under Xvfb beside
    // two other browsers) each mosquitto_pub may take longer than a period, and then every message
    // rightly renders; what throttle promises is that no two renders come closer than the period.
    const gaps = at.slice(1).map((t, i) => Math.round(t - at[i]!));
    expect(gaps.every((gap) => gap >= 380), `ms between renders ${texts.join(',')}: ${gaps.join(',')}`).to.equal(true);
    expect(texts.at(-1)).to.equal('5');
  });

  it('receivedAt: each message says when it arrived, by the local clock', async () => {
    const { el, pub } = await dashboard((t) => html`<mqtt-subscribe topic=${t}></mqtt-subscribe>`);
    const before = Date.now();
    let detailAt = 0;
    el.addEventListener('mqtt-message', (e) => (detailAt = e.detail.receivedAt));
    await pub('x');
    await waitFor(() => el.message !== undefined);
    expect(el.message!.receivedAt).to.be.within(before, Date.now());
    expect(detailAt).to.equal(el.message!.receivedAt);
  });
});
