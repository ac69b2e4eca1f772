// Rows per topic (README, `<mqtt-subscribe>`): a <template> inside <mqtt-subscribe> gives a row per
// distinct topic, updated in place, against mosquitto. Text only: the XSS corpus goes through
// values and levels. A burst of thousands of topics never makes more than `limit` rows.
import { expect, html } from '@open-wc/testing';
import '../../src/index.js';
import type { MqttConnectionElement, MqttSubscribeElement } from '../../src/index.js';
import { getBrokers, mosquittoPub, uid, waitFor } from '../support/brokers.js';
import { connected, mount, subscribed } from '../support/mount.js';
import { XSS_CORPUS, XSS_ELEMENTS, xssRan } from '../support/xss.js';

async function rows(attributes: { limit?: number; staleAfter?: number; throttle?: number } = {}) {
  const { mosquitto } = await getBrokers();
  const id = uid('rows');
  const m = await mount(html`
    <mqtt-connection url=${mosquitto.url} client-id=${id}>
      <ul>
        <mqtt-subscribe topic="${id}/+/temperature" format="json" path="c" decimals="1" thresholds="20 25"
          limit=${attributes.limit ?? 100} stale-after=${attributes.staleAfter ?? ''} throttle=${attributes.throttle ?? 0}>
          <template><li><b data-topic-level="1"></b>: <span data-value></span> °C <small data-topic></small></li></template>
        </mqtt-subscribe>
      </ul>
    </mqtt-connection>`);
  await connected(m.$<MqttConnectionElement>('mqtt-connection'));
  const el = m.$<MqttSubscribeElement>('mqtt-subscribe');
  await subscribed(el);
  const pub = (room: string, payload: string, retain = false) =>
    mosquittoPub({ topic: `${id}/${room}/temperature`, payload, qos: 1, retain });
  const items = () => [...el.querySelectorAll('li')];
  const shown = () => items().map((li) => `${li.querySelector('b')!.textContent}=${li.querySelector('[data-value]')!.textContent}`);
  const connection = m.$<MqttConnectionElement>('mqtt-connection');
  return { ...m, id, el, connection, pub, items, shown };
}

describe('<mqtt-subscribe> rows per topic (mosquitto)', () => {
  it('one row per topic in order of arrival, updated in place, formatted, with data-topic and level per row', async () => {
    const { id, pub, items, shown } = await rows();
    await pub('kitchen', '{"c":21.44}');
    await pub('bath', '{"c":19}');
    await waitFor(() => shown().length === 2);
    const kitchen = items()[0]!;
    await pub('kitchen', '{"c":26}');
    await waitFor(() => shown()[0] === 'kitchen=26.0');
    expect(shown()).to.deep.equal(['kitchen=26.0', 'bath=19.0']);
    expect(items()[0], 'the same row, updated in place').to.equal(kitchen);
    expect(kitchen.getAttribute('data-topic')).to.equal(`${id}/kitchen/temperature`);
    expect(kitchen.querySelector('small')!.textContent).to.equal(`${id}/kitchen/temperature`);
    expect(items().map((li) => li.getAttribute('level'))).to.deep.equal(['2', '0']);
  });

  it('a zero-length (retained-clearing) payload removes its topic\'s row, and is no error', async () => {
    const { el, pub, shown } = await rows();
    await pub('kitchen', '{"c":20}');
    await pub('bath', '{"c":22}');
    await waitFor(() => shown().length === 2);
    await pub('kitchen', '');
    await waitFor(() => shown().length === 1);
    expect(shown()).to.deep.equal(['bath=22.0']);
    expect(el.error).to.equal(undefined);
    expect(el.status).to.equal('subscribed');
  });

  it('limit: beyond it, the row updated longest ago goes', async () => {
    const { pub, shown } = await rows({ limit: 2 });
    await pub('a', '{"c":1}');
    await pub('b', '{"c":2}');
    await waitFor(() => shown().length === 2);
    await pub('a', '{"c":3}'); // a is now the most recent; b the oldest
    await waitFor(() => shown()[0] === 'a=3.0');
    await pub('c', '{"c":4}');
    await waitFor(() => shown().includes('c=4.0'));
    expect(shown()).to.deep.equal(['a=3.0', 'c=4.0']);
  });

  it('a burst of 5,000 topics with limit 100: 100 rows, the newest, and never more than 100 made at once', async () => {
    // throttle makes the burst land in few renders, each with thousands of topics queued: the
    // case where rows made first and removed after would show as thousands of rows at once.
    const throttle = 500;
    const { el, id, connection, items, shown } = await rows({ limit: 100, throttle });
    let live = 0;
    let most = 0;
    let made = 0;
    const count = (records: MutationRecord[]) => {
      for (const record of records) {
        const added = [...record.addedNodes].filter((n) => n.nodeName === 'LI').length;
        live += added - [...record.removedNodes].filter((n) => n.nodeName === 'LI').length;
        made += added;
        most = Math.max(most, live);
      }
    };
    const observer = new MutationObserver(count);
    observer.observe(el, { childList: true });
    const topics = 5000;
    const started = performance.now();
    await Promise.all(Array.from({ length: topics }, (_, i) => connection.publish(`${id}/d${i}/temperature`, `{"c":${i % 100}}`, { qos: 0 })));
    // Values under 1,000: no grouping separator in the formatted text, whatever the locale.
    const row = (i: number) => `d${i}=${(i % 100).toFixed(1)}`;
    await waitFor(() => shown().at(-1) === row(topics - 1), { timeout: 15_000, message: 'the last topic has its row' });
    const renders = Math.ceil((performance.now() - started) / throttle) + 1;
    count(observer.takeRecords());
    observer.disconnect();
    expect(items()).to.have.length(100);
    expect(shown()).to.deep.equal(Array.from({ length: 100 }, (_, i) => row(topics - 100 + i)));
    expect(most, 'rows on the page at any time').to.be.at.most(100);
    expect(made, `rows made in ${renders} renders at most`).to.be.at.most(100 * renders);
    expect(made).to.be.below(topics);
  });

  it('stale-after: each row goes stale on its own, and its next message makes it fresh', async () => {
    const { pub, items } = await rows({ staleAfter: 0.4 });
    await pub('a', '{"c":1}');
    await waitFor(() => items().length === 1);
    await waitFor(() => items()[0]!.hasAttribute('stale'), { timeout: 2000, message: 'row a stale' });
    await pub('b', '{"c":2}');
    await waitFor(() => items().length === 2);
    expect(items()[1]!.hasAttribute('stale')).to.equal(false);
    await pub('a', '{"c":5}');
    await waitFor(() => !items()[0]!.hasAttribute('stale'));
  });

  it('the XSS corpus in values and in topic levels is only ever text', async () => {
    const { el, id, items } = await rows();
    for (const [i, hostile] of XSS_CORPUS.entries()) {
      await mosquittoPub({ topic: `${id}/${hostile.replaceAll('/', '_').replaceAll('+', '_').replaceAll('#', '_')}/temperature`, payload: JSON.stringify({ c: hostile }), qos: 1 });
      await waitFor(() => items().length === i + 1);
    }
    for (const [i, li] of items().entries()) {
      expect(li.querySelector('[data-value]')!.textContent).to.equal(XSS_CORPUS[i]);
    }
    expect(el.querySelectorAll(`li ${XSS_ELEMENTS.split(', ').map((t) => `:is(${t}):not(b)`).join(', ')}`)).to.have.length(0);
    expect([...el.querySelectorAll('li > b')].map((b) => b.children.length)).to.deep.equal(Array(XSS_CORPUS.length).fill(0));
    expect(xssRan()).to.equal(false);
  });
});
