// Property-based: controls that follow the device (README, Control panels) under what a hostile or
// broken device says, with a fake connection (no broker: hundreds of cases in seconds; the same
// features against mosquitto are in mqtt-publish-state.broker.test.ts and
// device-availability.broker.test.ts). Random state payloads (JSON of every shape, bytes, huge,
// deep), random availability payloads and random commands, interleaved, into every kind of control
// `<mqtt-publish state-topic>` drives (checkbox, radio, select, range, number, text, textarea),
// with random `payload-on`/`payload-off`, `state-path`, `optimistic` and `confirm-timeout`.
// Whatever comes: nothing run or parsed, nothing uncaught, every error coded; `available` is what
// the device said last; the controls are disabled exactly while it is unavailable; nothing is
// sent then; every command settles, and none is left waiting.
import { expect, html } from '@open-wc/testing';
import fc from 'fast-check';
import '../../src/index.js';
import { isMqttElementsError, type MqttPublishElement } from '../../src/index.js';
import { FakeConnection } from '../support/fake-connection.js';
import { hostileJson, hostilePayload, hostileString, PARSED, reportRuns, runsAsUrl } from '../support/hostile.js';
import { mount } from '../support/mount.js';
import { waitFor } from '../support/wait.js';

type Hit = { __xss?: unknown };

/** The controls, as a page writes them inside `<mqtt-publish>`. */
const CONTROLS: Record<string, string> = {
  checkbox: '<input type="checkbox">',
  radio: '<input type="radio" name="r" value="eco"><input type="radio" name="r" value="javascript:window.__xss=1">',
  select: '<select><option>eco</option><option>boost</option><option value="javascript:window.__xss=2">x</option></select>',
  range: '<input type="range" min="0" max="100">',
  number: '<input type="number">',
  text: '<input type="text" value="start">',
  textarea: '<textarea>start</textarea>',
};

/** What a case does, in order. */
type Step = { state: string | Uint8Array } | { availability: string } | { command: unknown };

const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('property: controls that follow a hostile device (fake connection)', () => {
  afterEach(() => {
    delete (window as Hit).__xss;
  });

  it('<mqtt-publish state-topic availability-topic>: any reports, availability and commands into any control', async function () {
    this.timeout(120000);
    let runs = 0;
    const settings = fc.record({
      control: fc.constantFrom(...Object.keys(CONTROLS)),
      payloadOn: option(fc.oneof(fc.constantFrom('ON', '1', 'true', '{"on":true}'), hostileString)),
      payloadOff: option(fc.oneof(fc.constantFrom('OFF', '0', 'false'), hostileString)),
      statePath: option(fc.oneof(fc.constantFrom('state', 'a.0.b', '__proto__.polluted', 'constructor.prototype', '0'), fc.string({ maxLength: 8 }))),
      optimistic: fc.boolean(),
      // Short, so that waiting commands time out within the case (an unreadable one, which makes the
      // default 5 s apply, is mqtt-publish-state.broker.test.ts's and the attribute property's).
      confirmTimeout: fc.constantFrom('1', '20', '50'),
      payloadAvailable: option(hostileString),
      payloadNotAvailable: option(hostileString),
    });
    const availability = (s: { payloadAvailable?: string | undefined; payloadNotAvailable?: string | undefined }) =>
      fc.oneof(fc.constantFrom('online', 'offline', s.payloadAvailable ?? 'online', s.payloadNotAvailable ?? 'offline'), hostileString);
    const steps = (s: Parameters<typeof availability>[0]) =>
      fc.array(
        fc.oneof(
          hostilePayload.map((state): Step => ({ state })),
          availability(s).map((text): Step => ({ availability: text })),
          fc.oneof(hostileJson, fc.boolean()).map((command): Step => ({ command })),
        ),
        { minLength: 1, maxLength: 8 },
      );
    const cases = settings.chain((s) => steps(s).map((list) => [s, list] as const));
    await fc.assert(
      fc.asyncProperty(cases, async ([s, list]) => {
        runs++;
        const label = `case ${runs}`;
        const publish = document.createElement('mqtt-publish') as MqttPublishElement;
        const attributes: Array<[string, string | undefined]> = [
          ['topic', 'cmd'],
          ['state-topic', 'state'],
          ['availability-topic', 'avail'],
          ['payload-on', s.payloadOn],
          ['payload-off', s.payloadOff],
          ['state-path', s.statePath],
          ['confirm-timeout', s.confirmTimeout],
          ['payload-available', s.payloadAvailable],
          ['payload-not-available', s.payloadNotAvailable],
          ['optimistic', s.optimistic ? '' : undefined],
        ];
        for (const [name, value] of attributes) if (value !== undefined) publish.setAttribute(name, value);
        // The page's own markup: written by the test, not by a payload.
        const template = document.createElement('template');
        template.innerHTML = CONTROLS[s.control]!;
        publish.append(template.content);
        const fake = new FakeConnection();
        const m = await mount(html`${publish}`, { provide: fake.connection });
        try {
          await waitFor(() => fake.held.some((x) => x.filter === 'state') && fake.held.some((x) => x.filter === 'avail'), { message: `${label}: the device part subscribed` });
          const parsedBefore = m.root.querySelectorAll(PARSED).length;
          const controls = [...publish.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')];
          let available = true;
          const settled: Array<Promise<unknown>> = [];
          for (const step of list) {
            if ('state' in step) {
              fake.deliver('state', step.state);
            } else if ('availability' in step) {
              fake.deliver('avail', step.availability);
              // The device's last word decides (README: the latest payload, compared as text with the
              // surrounding whitespace ignored, available first); anything else says nothing.
              const said = step.availability.trim();
              if (said === (s.payloadAvailable ?? 'online').trim()) available = true;
              else if (said === (s.payloadNotAvailable ?? 'offline').trim()) available = false;
            } else {
              const sentBefore = fake.publishes.length;
              const command = publish.publish(step.command as never);
              settled.push(
                command.then(
                  () => undefined,
                  (e: unknown) => expect(isMqttElementsError(e), `${label}: a command failed with ${String(e)}`).to.equal(true),
                ),
              );
              if (!available) {
                const refused = await command.then(
                  () => 'sent',
                  (e: { code?: string }) => e.code,
                );
                expect(refused, `${label}: a command while unavailable`).to.equal('publish-failed');
                expect(fake.publishes.length, `${label}: nothing sent while unavailable`).to.equal(sentBefore);
              }
            }
            await publish.updateComplete;
            expect(publish.available, `${label}: available after ${JSON.stringify(step).slice(0, 80)}`).to.equal(available);
            expect(publish.hasAttribute('unavailable'), `${label}: the unavailable attribute`).to.equal(!available);
            for (const control of controls) expect(control.disabled, `${label}: <${control.localName}> disabled`).to.equal(!available);
          }
          // Every command settles (confirmed, sent, refused or not-confirmed): none is left waiting.
          await Promise.race([Promise.all(settled), new Promise((_, reject) => setTimeout(() => reject(new Error(`${label}: a command never settled`)), 2000))]);
          await publish.updateComplete;
          expect(m.uncaught, `${label}: uncaught`).to.deep.equal([]);
          expect((window as Hit).__xss, `${label}: a payload ran`).to.equal(undefined);
          expect(m.root.querySelectorAll(PARSED).length, `${label}: elements parsed from a payload`).to.be.at.most(parsedBefore);
          expect(['idle', 'pending', 'sent', 'confirmed', 'error']).to.include(publish.status);
          expect(publish.status, `${label}: nothing waits once every command settled`).to.not.equal('pending');
          for (const e of m.errors) expect(isMqttElementsError(e.detail.error), `${label}: ${String(e.detail.error)}`).to.equal(true);
          for (const control of controls) {
            for (const a of control.attributes) {
              expect(a.name.startsWith('on'), `${label}: handler ${a.name}`).to.equal(false);
              if (a.name !== 'value') expect(runsAsUrl(a.value), `${label}: <${control.localName} ${a.name}>`).to.equal(false);
            }
          }
          expect(Object.prototype).to.not.have.property('polluted');
        } finally {
          m.root.remove();
        }
      }),
      { numRuns: 150, includeErrorInReport: true },
    );
    reportRuns('<mqtt-publish state-topic>: reports × availability × commands × controls', runs);
  });
});
