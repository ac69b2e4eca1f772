// The demo `npm start` serves, as a user sees it: the server with its broker and simulated plant
// (started the way npm start starts them, from vite.config.ts), then every page in Chromium and
// Firefox: no console errors, data from the plant (values and charts), a relay round trip through
// the simulated pump, a switch, a range and a select that follow their devices (state-topic,
// availability-topic), a Sparkplug B gateway's metrics (an Int64 beyond 2^53 exact), the client
// console connecting, subscribing and publishing, the guide's two columns talking to each other,
// every control with an accessible name, and nothing wider than a 390 px phone. The API page shows
// every element, attribute, property, event and slot of custom-elements.json with its
// description. Each page, once it shows live data, is saved as a desktop and a phone screenshot
// in test-results/screenshots/<browser>/ (gitignored).
// BROWSERS=chromium (or firefox) runs one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { startDemoServer } from '../../scripts/demo-server.js';
import { launchBrowser } from '../../scripts/launch-browser.js';
import { BROWSERS } from './support.js';

const PAGES = ['/', '/dashboard.html', '/console.html', '/guide.html', '/api.html'];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const MANIFEST = JSON.parse(readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8'));
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
/** Smaller than this, a screenshot is a blank page rather than a picture of one. */
const MIN_SCREENSHOT_BYTES = 5 * 1024;

/**
 * The browser (scripts/launch-browser.js) with one context for every page, so that they share the
 * HTTP cache as tabs of one browser do; `newPage(viewport)` opens one at that size, its page and
 * console errors in one list.
 */
async function launch(name) {
  const browser = await launchBrowser(name, { oneContext: true, contextOptions: { viewport: DESKTOP } });
  return {
    newPage: async (viewport) => {
      const page = await browser.newPage();
      await page.setViewport(viewport);
      return {
        ...page,
        get errors() {
          return [...page.errors, ...page.consoleErrors];
        },
      };
    },
    close: () => browser.close(),
  };
}

/** A 127.0.0.1 port nothing listens on (bound, then released). */
function closedPort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---- What is checked inside the pages (these functions run in the browser) ----------------------

/** Controls without an accessible name: aria-labelledby, aria-label, a <label>, a title, a button's text. */
function unnamedControls() {
  const name = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    if (el.getAttribute('aria-label')?.trim()) return el.getAttribute('aria-label').trim();
    const labels = [...(el.labels ?? [])].map((l) => l.textContent.trim()).join(' ').trim();
    if (labels) return labels;
    if (el.tagName === 'BUTTON') return el.textContent.trim();
    return el.getAttribute('title')?.trim() ?? '';
  };
  return [...document.querySelectorAll('input, select, textarea, button, meter')]
    .filter((el) => el.type !== 'hidden' && !name(el))
    .map((el) => el.outerHTML.slice(0, 120));
}

/** Resolves after the next frame has been laid out and painted (a resize, a chart's redraw). */
function nextFrames() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.documentElement.scrollWidth))));
}

/** What the API page shows for each element: its heading and text, and the entries of each group by name. */
function renderedApi() {
  return [...document.querySelectorAll('#api .api-element')].map((section) => ({
    tag: section.dataset.tag,
    heading: section.querySelector('h2').textContent,
    text: section.innerText,
    groups: Object.fromEntries(
      [...section.querySelectorAll('.api-group')].map((group) => [
        group.dataset.kind,
        {
          title: group.querySelector('h3').textContent,
          entries: [...group.querySelectorAll('.api-entry')].map((entry) => ({ name: entry.querySelector('.api-name').textContent, text: entry.innerText })),
        },
      ]),
    ),
  }));
}

/** The connection's status is in a polite live region. */
function statusIsAnnounced() {
  const status = document.querySelector('#connection-status, #mqttjs-console');
  return !!status?.closest('[role="status"], [role="log"], [aria-live="polite"]');
}

describe('demo (npm start): the server, its broker and the simulated plant', () => {
  let demo;
  before(async () => {
    demo = await startDemoServer();
  });
  after(() => demo?.close());

  it('serves the home page, the three pages, the API page and the broker at /mqtt', async () => {
    for (const path of PAGES) {
      const response = await fetch(demo.base + path);
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), path === '/api.html' ? /<script type="module" src="\.\/api\.ts">/ : /<mqtt-connection/, path);
    }
    const home = await (await fetch(`${demo.base}/`)).text();
    for (const page of ['dashboard.html', 'console.html', 'guide.html', 'api.html']) assert.match(home, new RegExp(`href="${page}"`));
  });

  for (const browserName of BROWSERS) {
    describe(browserName, () => {
      let browser;
      before(async () => {
        browser = await launch(browserName);
      });
      after(() => browser?.close());

      const shots = `${SCREENSHOTS}${browserName}/`;
      before(() => {
        // This run's pictures only: a page that no longer gets as far as its screenshot leaves no old one behind.
        rmSync(shots, { recursive: true, force: true });
        mkdirSync(shots, { recursive: true });
      });

      /** Saves the viewport as `<name>-<size>.png` and checks it is a PNG of that size, more than a blank page. */
      async function screenshot(page, name, size, viewport) {
        // WebKit says which viewport it got (it has no phone-narrow window: webkit-pages.js).
        const got = (await page.setViewport(viewport)) ?? viewport;
        // The top of the page, wherever the test's clicks left it scrolled.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.evaluate(nextFrames);
        await page.screenshot(`${shots}${name}-${size}.png`);
        const png = readFileSync(`${shots}${name}-${size}.png`);
        assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${name}-${size}.png is a PNG`);
        assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, got, `${name}-${size}.png's size`);
        assert.ok(png.length > MIN_SCREENSHOT_BYTES, `${name}-${size}.png is ${png.length} B`);
      }

      /**
       * Opens `path` at `viewport`, waits for `ready`, runs `body(page)`, then checks the page's
       * controls and live status, its width at 390 px, and that there were no console errors.
       * With `shot`, saves it (showing what `body` waited for) at desktop and at phone width.
       */
      async function onPage(path, viewport, body, { allowErrors = () => false, shot, connection = true, ready = () => customElements.get('mqtt-connection') !== undefined } = {}) {
        const page = await browser.newPage(viewport);
        try {
          await page.goto(demo.base + path);
          await page.waitFor(ready);
          await body(page);
          // Every control named, the status in a live region, nothing wider than a phone.
          assert.deepEqual(await page.evaluate(unnamedControls), [], `unnamed controls on ${path}`);
          if (connection && path !== '/') assert.ok(await page.evaluate(statusIsAnnounced), `status in a live region on ${path}`);
          if (shot) await screenshot(page, shot, 'desktop', DESKTOP);
          const phone = (await page.setViewport(PHONE)) ?? PHONE;
          const width = await page.evaluate(nextFrames);
          assert.ok(width <= phone.width, `${path} is ${width} px wide at ${phone.width}`);
          if (shot) await screenshot(page, shot, 'phone', PHONE);
          assert.deepEqual(page.errors.filter((e) => !allowErrors(e)), [], `console errors on ${path}`);
        } finally {
          await page.close();
        }
      }

      it('home: links the pages, shows the plant live', async () => {
        await onPage('/', PHONE, async (page) => {
          await page.waitFor(() => [...document.querySelectorAll('.live mqtt-subscribe')].every((s) => /\d|on|off/.test(s.textContent)));
          await page.waitFor(() => document.querySelector('.live mqtt-chart[sparkline]').series.length === 1);
          assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.pages a')].map((a) => a.getAttribute('href'))), ['dashboard.html', 'console.html', 'guide.html']);
          assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.site nav a')].map((a) => a.getAttribute('href'))), ['./', 'dashboard.html', 'console.html', 'guide.html', 'api.html']);
        }, { shot: 'home' });
      });

      it('dashboard: plant values with decimals and levels, rows per device, a relay and a setpoint confirmed by the device', async () => {
        await onPage('/dashboard.html', DESKTOP, async (page) => {
          await page.waitFor(() => document.getElementById('connection-status').textContent === 'connected');
          // A reading with one decimal and a level from its thresholds.
          await page.waitFor(() => /^\d+\.\d$/.test(document.getElementById('boiler-temperature').textContent));
          assert.match(await page.evaluate(() => document.getElementById('boiler-temperature').getAttribute('level')), /^[0-2]$/);
          // A row per room (with its level) and per device (online, from the retained status).
          // The simulated cellar cuts its power 15 s in every minute (scripts/plant-simulator.js):
          // a browser whose turn comes then waits the cut out (20 s) instead of failing on it.
          await page.waitFor(() => document.querySelectorAll('#rooms .row[level]').length === 3, undefined, 20000);
          await page.waitFor(() => document.querySelectorAll('#devices .row').length === 6);
          const rooms = await page.evaluate(() => [...document.querySelectorAll('#rooms .row')].map((r) => r.textContent));
          assert.ok(rooms.some((r) => /office\s*\d+\.\d °C/i.test(r)), rooms.join(' | '));
          // Live charts: a line per room, the boiler's and the pump's, and the tank's sparkline.
          await page.waitFor(
            () =>
              document.getElementById('rooms-chart').series.length === 3 &&
              ['boiler-chart', 'pump-chart', 'tank-sparkline'].every((id) => document.getElementById(id).series[0]?.points.length > 0),
          );

          // The relay: pending (the publish, then the pump's own state) until the pump confirms.
          await page.waitFor(() => !document.getElementById('relay-control').hasAttribute('data-pending'));
          const before = await page.evaluate(() => {
            window.pendingSeen = false;
            const control = document.getElementById('relay-control');
            const look = () => {
              if (control.hasAttribute('data-pending') || control.querySelector('mqtt-publish').getAttribute('status') === 'pending') window.pendingSeen = true;
            };
            new MutationObserver(look).observe(control, { attributes: true, subtree: true, attributeFilter: ['status', 'data-pending'] });
            return document.getElementById('relay').checked;
          });
          await page.click('#relay');
          await page.waitFor(
            (on) =>
              document.getElementById('relay').checked === on &&
              !document.getElementById('relay-control').hasAttribute('data-pending') &&
              document.getElementById('relay-state').textContent.includes(on ? 'on,' : 'off,') &&
              document.getElementById('relay-state').textContent.includes('confirmed by the pump'),
            !before,
          );
          assert.equal(await page.evaluate(() => window.pendingSeen), true, 'the relay showed pending before the pump confirmed');
          await page.click('#relay'); // back as it was, for whoever looks next
          await page.waitFor((on) => document.getElementById('relay').checked === on && !document.getElementById('relay-control').hasAttribute('data-pending'), before);

          // The setpoint, from the keyboard: an arrow key moves the slider, the boiler confirms.
          const setpoint = Number(await page.evaluate(() => document.getElementById('setpoint').value));
          const step = setpoint < 80 ? 'ArrowRight' : 'ArrowLeft';
          const wanted = setpoint < 80 ? setpoint + 1 : setpoint - 1;
          await page.focus('#setpoint');
          await page.press(step);
          await page.waitFor(
            (value) => document.getElementById('setpoint-state').textContent.replace(/\s+/g, ' ').includes(`${value} °C, confirmed by the boiler`),
            wanted,
          );
          await page.press(step === 'ArrowRight' ? 'ArrowLeft' : 'ArrowRight');
          await page.waitFor((value) => document.getElementById('setpoint-state').textContent.replace(/\s+/g, ' ').includes(`${value} °C, confirmed`), setpoint);
        }, { shot: 'dashboard' });
      });

      // Needs issue 24's <mqtt-publish state-topic availability-topic payload-on payload-off> and
      // format="sparkplug" (README, "Control panels: controls that follow the device", "Payload formats").
      it('dashboard: controls that follow the device, a device gone offline, and the Sparkplug B gateway', async () => {
        await onPage('/dashboard.html', DESKTOP, async (page) => {
          await page.waitFor(() => document.getElementById('connection-status').textContent === 'connected');

          // Sparkplug B (scripts/plant-sparkplug.js): a Double, a Boolean through labels, a row per line.
          await page.waitFor(() => /^\d+\.\d$/.test(document.getElementById('line-1-temperature').textContent), undefined, 20000);
          await page.waitFor(() => ['running', 'stopped'].includes(document.getElementById('line-1-running').textContent));
          await page.waitFor(() => document.querySelectorAll('#lines .row').length === 2);
          // The Int64 counter runs from 2^53 − 8 to 2^53 + 7 and over again (a DDATA a second): a
          // number while a double holds it exactly, then a BigInt; an odd one beyond 2^53 is exact.
          // 30 s: its 16 s round, and the gateway's power cut (up to 10 s) if it falls in it.
          const counter = () => {
            const element = document.getElementById('line-1-counter');
            return { type: typeof element.value, value: String(element.value), text: element.textContent };
          };
          await page.waitFor(() => typeof document.getElementById('line-1-counter').value === 'number', undefined, 30000);
          await page.waitFor(() => {
            const { value } = document.getElementById('line-1-counter');
            return typeof value === 'bigint' && value % 2n === 1n;
          }, undefined, 30000);
          const beyond = await page.evaluate(counter);
          assert.equal(beyond.type, 'bigint');
          assert.ok(BigInt(beyond.value) > 2n ** 53n && BigInt(beyond.value) < 2n ** 53n + 8n, beyond.value);
          assert.equal(beyond.text.replace(/\D/g, ''), beyond.value, 'shown digit for digit');

          // The controls (scripts/plant-device.js): each shows what its device reports. A command is
          // pending, the control still showing the reported state, until the device reports the
          // commanded one (confirmed, within 1.5 s) or, for the one command in eight it ignores, until
          // confirm-timeout (5 s: error, the control at the reported state). Either way the control
          // ends where the device says.
          await page.evaluate(() => {
            // What a control shows, in the words of its device's reported state on the page.
            window.shown = (id) => {
              const control = document.getElementById(id);
              return control.type === 'checkbox' ? (control.checked ? 'on' : 'off') : control.value;
            };
          });
          const follows = async (id, act) => {
            const ids = { publish: `${id}-publish`, control: id, reported: `${id}-reported` };
            // Available, and showing the reported state (the simulated devices drop off now and then, for up to 12 s).
            await page.waitFor(
              (i) => {
                const reported = document.getElementById(i.reported).textContent;
                return !document.getElementById(i.publish).hasAttribute('unavailable') && reported !== '–' && window.shown(i.control) === reported;
              },
              ids,
              20000,
            );
            const before = await page.evaluate((i) => document.getElementById(i.reported).textContent, ids);
            await act();
            await page.waitFor(
              ({ i, b }) => document.getElementById(i.publish).getAttribute('status') === 'pending' && window.shown(i.control) === b,
              { i: ids, b: before },
            );
            await page.waitFor((i) => ['confirmed', 'error'].includes(document.getElementById(i.publish).getAttribute('status')), ids, 10000);
            const after = await page.evaluate(
              (i) => ({
                status: document.getElementById(i.publish).getAttribute('status'),
                reported: document.getElementById(i.reported).textContent,
                shown: window.shown(i.control),
              }),
              ids,
            );
            assert.equal(after.shown, after.reported, `${id} shows what the device reports (${after.status})`);
            if (after.status === 'confirmed') assert.notEqual(after.reported, before, `${id}: the device carried the command out`);
            return after;
          };
          // The hall lights: a switch, checked by ON and unchecked by OFF (payload-on, payload-off).
          await follows('hall-lights', () => page.click('#hall-lights'));
          // The office dimmer: a range, from the keyboard.
          await follows('office-dimmer', async () => {
            const value = Number(await page.evaluate(() => document.getElementById('office-dimmer').value));
            await page.focus('#office-dimmer');
            await page.press(value < 100 ? 'ArrowRight' : 'ArrowLeft');
          });
          // The ventilation: a select, changed as a person changes it.
          await follows('ventilation', () =>
            page.evaluate(() => {
              const select = document.getElementById('ventilation');
              select.value = select.value === 'high' ? 'low' : 'high';
              select.dispatchEvent(new Event('change', { bubbles: true }));
            }),
          );

          // Offline (what fan 1's last will says, published here): the select is disabled; online
          // again, it is back. (Retained as the device's own; the device says online itself when it
          // next connects.)
          const say = (text) => page.evaluate((t) => document.getElementById('plant').publish('plant/fan-1/availability', t, { qos: 1, retain: true }), text);
          await say('offline');
          await page.waitFor(() => document.getElementById('ventilation-publish').hasAttribute('unavailable') && document.getElementById('ventilation').disabled);
          await say('online');
          await page.waitFor(() => !document.getElementById('ventilation-publish').hasAttribute('unavailable') && !document.getElementById('ventilation').disabled);
        });
      });

      it('dashboard: ?url= points it at another broker, and a broker that is not there is explained in words', async () => {
        const url = `ws://127.0.0.1:${await closedPort()}/mqtt`;
        await onPage(
          `/dashboard.html?url=${encodeURIComponent(url)}`,
          DESKTOP,
          async (page) => {
            assert.equal(await page.evaluate(() => document.getElementById('plant').getAttribute('url')), url);
            await page.waitFor(() => document.getElementById('connection-error').textContent.includes('could not connect'));
            assert.equal(await page.evaluate(() => document.getElementById('connection-status').textContent), 'cannot connect');
          },
          // The browser's own report of the refused WebSocket.
          { allowErrors: (e) => e.includes(url) },
        );
      });

      it('client console: connects, subscribes and unsubscribes at run time, publishes, logs', async () => {
        await onPage('/console.html', DESKTOP, async (page) => {
          await page.waitFor(() => document.getElementById('connection-status').textContent.startsWith('connected to ws://'));
          // The subscription it starts with, and the plant's messages in the log.
          await page.waitFor(() => document.querySelector('#subscriptions li')?.textContent.includes('subscribed'));
          await page.waitFor(() => document.querySelectorAll('#log li.in').length >= 3);

          // A new subscription at QoS 1, and a publish to it (QoS 1, acknowledged).
          const topic = `demo-test/${Math.random().toString(16).slice(2, 10)}`;
          await page.evaluate((t) => {
            document.getElementById('sub-topic').value = t;
            document.getElementById('sub-qos').value = '1';
          }, topic);
          await page.click('#subscribe-form button[type="submit"]');
          await page.waitFor((t) => [...document.querySelectorAll('#subscriptions li')].some((li) => li.textContent.includes(t) && li.textContent.includes('QoS 1 · subscribed')), topic);
          await page.evaluate((t) => {
            document.getElementById('pub-topic').value = t;
            document.getElementById('pub-payload').value = '{"hello": "console"}';
            document.querySelector('input[name="format"][value="json"]').checked = true;
          }, topic);
          await page.click('#publish-form button[type="submit"]');
          await page.waitFor((t) => [...document.querySelectorAll('#log li.out')].some((li) => li.textContent.includes(t) && li.textContent.includes('acknowledged')), topic);
          await page.waitFor((t) => [...document.querySelectorAll('#log li.in')].some((li) => li.textContent.includes(t) && li.textContent.includes('{"hello": "console"}')), topic);

          // JSON that does not parse is refused before it is sent.
          await page.evaluate(() => (document.getElementById('pub-payload').value = '{not json'));
          await page.click('#publish-form button[type="submit"]');
          await page.waitFor(() => document.getElementById('publish-problem').textContent.startsWith('The payload is not JSON'));

          // Unsubscribe: the item and its element go.
          await page.evaluate((t) => [...document.querySelectorAll('#subscriptions li')].find((li) => li.textContent.includes(t)).querySelector('button').click(), topic);
          await page.waitFor((t) => ![...document.querySelectorAll('#subscriptions mqtt-subscribe')].some((s) => s.topic === t), topic);
        }, { shot: 'console' });
      });

      it('client console: a password never goes to a broker that only a ?url= link named, until the person confirms it', async () => {
        // A stranger's "broker": it records every byte a page sends it, and answers nothing.
        const stranger = new WebSocketServer({ host: '127.0.0.1', port: 0 });
        await new Promise((resolve) => stranger.on('listening', resolve));
        const received = [];
        stranger.on('connection', (socket) => socket.on('message', (data) => received.push(Buffer.from(data).toString('latin1'))));
        const url = `ws://127.0.0.1:${stranger.address().port}/mqtt`;
        const sent = (text) => received.some((bytes) => bytes.includes(text));
        try {
          await onPage(`/console.html?url=${encodeURIComponent(url)}`, DESKTOP, async (page) => {
            assert.equal(await page.evaluate(() => document.getElementById('url').value), url);
            await page.evaluate(() => {
              document.getElementById('username').value = 'me';
              document.getElementById('password').value = 'hunter2-secret';
            });
            await page.click('#connect');
            await page.waitFor(() => !document.getElementById('trust-url-field').hidden);
            assert.match(await page.evaluate(() => document.getElementById('connection-error').textContent), /came from the link you opened/);
            assert.equal(await page.evaluate(() => document.getElementById('trust-url-host').textContent), new URL(url).host);
            assert.equal(sent('hunter2-secret'), false, 'no password before the person confirmed the address');
            // Confirmed by the person: now it goes (which shows the stranger would have seen it).
            await page.click('#trust-url');
            await page.click('#connect');
            const deadline = Date.now() + 10000;
            while (!sent('hunter2-secret') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
          }, { connection: false, allowErrors: (e) => e.includes(url) });
          assert.ok(sent('hunter2-secret'), 'the CONNECT after the box was ticked carried the password');
        } finally {
          for (const client of stranger.clients) client.terminate();
          await new Promise((resolve) => stranger.close(resolve));
        }
      });

      it('guide: the MQTT.js code and the elements both connect, and a publish on either side reaches both', async () => {
        await onPage('/guide.html', DESKTOP, async (page) => {
          await page.waitFor(() => document.getElementById('mqttjs-console').textContent.includes('Client connected: mqttjs_'));
          await page.waitFor(() => document.getElementById('elements-connection').status === 'connected');
          await page.waitFor(() => document.querySelector('#elements-live mqtt-subscribe').getAttribute('status') === 'subscribed');
          assert.match(await page.evaluate(() => document.getElementById('mqttjs-source').textContent), /mqtt\.connect\(host, options\)/);
          assert.match(await page.evaluate(() => document.getElementById('elements-source').textContent), /<mqtt-subscribe topic="testtopic"/);

          const received = () => ({
            mqttjs: (document.getElementById('mqttjs-console').textContent.match(/Received Message: ws connection demo\.\.\.!/g) ?? []).length,
            elements: document.querySelectorAll('#elements-live mqtt-subscribe li').length,
          });
          const start = await page.evaluate(received);
          await page.click('#elements-live mqtt-publish button');
          await page.click('#mqttjs-publish');
          await page.waitFor(
            (s) => {
              const mqttjs = (document.getElementById('mqttjs-console').textContent.match(/Received Message: ws connection demo\.\.\.!/g) ?? []).length;
              const items = [...document.querySelectorAll('#elements-live mqtt-subscribe li')].filter((li) => li.textContent === 'ws connection demo...!');
              return mqttjs >= s.mqttjs + 2 && items.length >= 2;
            },
            start,
          );
        }, { shot: 'guide' });
      });

      it('API page: every element of custom-elements.json, with each attribute, property, method, event, slot and CSS hook, described', async () => {
        const norm = (text) => text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
        const isPublic = (m) => !m.privacy || m.privacy === 'public';
        // What the page must show, read here from the manifest: [group, its heading, entries as [shown name, must-have texts]].
        const expected = MANIFEST.modules
          .flatMap((m) => m.declarations ?? [])
          .filter((d) => d.tagName)
          .map((d) => ({
            declaration: d,
            groups: [
              ['attributes', 'Attributes', (d.attributes ?? []).map((a) => [a.name, a.description, a.type?.text, a.default])],
              ['properties', 'Properties', (d.members ?? []).filter((m) => m.kind === 'field' && !m.static && isPublic(m)).map((f) => [f.name, f.description, f.type?.text, f.default])],
              ['methods', 'Methods', (d.members ?? []).filter((m) => m.kind === 'method' && isPublic(m)).map((m) => [m.name, m.description, m.return?.type?.text])],
              ['events', 'Events', (d.events ?? []).map((e) => [e.name, e.description, e.type?.text])],
              ['slots', 'Slots', (d.slots ?? []).map((s) => [s.name || '(default)', s.description])],
              ['css-parts', 'CSS parts', (d.cssParts ?? []).map((p) => [`::part(${p.name})`, p.description])],
              ['css-properties', 'CSS custom properties', (d.cssProperties ?? []).map((p) => [p.name, p.description])],
            ].filter(([, , entries]) => entries.length > 0),
          }));
        assert.ok(expected.length >= 4, `the manifest declares ${expected.length} elements`);
        await onPage(
          '/api.html',
          DESKTOP,
          async (page) => {
            const shown = await page.evaluate(renderedApi);
            assert.deepEqual(shown.map((s) => s.tag).sort(), expected.map((e) => e.declaration.tagName).sort(), 'one section per element');
            for (const { declaration, groups } of expected) {
              const tag = declaration.tagName;
              const section = shown.find((s) => s.tag === tag);
              assert.equal(section.heading, `<${tag}>`);
              for (const text of [declaration.name, declaration.summary, declaration.description]) {
                assert.ok(text, `${tag} has a name, summary and description in the manifest`);
                assert.ok(norm(section.text).includes(norm(text)), `${tag} shows ${JSON.stringify(text.slice(0, 60))}`);
              }
              assert.deepEqual(Object.keys(section.groups), groups.map(([kind]) => kind), `${tag}'s groups`);
              for (const [kind, title, entries] of groups) {
                const group = section.groups[kind];
                assert.equal(group.title, title, `${tag} ${kind}`);
                assert.deepEqual(group.entries.map((e) => e.name), entries.map(([name]) => name), `${tag}'s ${kind}, in the manifest's order`);
                for (const [name, description, ...facts] of entries) {
                  assert.ok(description, `${tag} ${kind} ${name} is described in the manifest`);
                  const text = norm(group.entries.find((e) => e.name === name).text);
                  for (const must of [description, ...facts].filter((t) => t !== undefined)) {
                    assert.ok(text.includes(norm(must)), `${tag} ${kind} ${name} shows ${JSON.stringify(must)}: ${text}`);
                  }
                }
              }
            }
          },
          { shot: 'api', connection: false, ready: () => document.getElementById('api')?.getAttribute('aria-busy') === 'false' },
        );
      });

      it('saved a desktop and a phone screenshot of every page', () => {
        const names = ['home', 'dashboard', 'console', 'guide', 'api'];
        assert.equal(names.length, PAGES.length);
        assert.deepEqual(readdirSync(shots).sort(), names.flatMap((n) => [`${n}-desktop.png`, `${n}-phone.png`]).sort());
      });
    });
  }
});
