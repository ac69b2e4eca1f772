// Property-based (issue 18, item 9): the one guarded writer, with every JSON shape, bytes and
// hostile string, into every sink name, on every kind of target. Whatever it is given, it never
// throws, a refused write changes nothing, and nothing it writes can run: no handler attribute,
// no markup, no script or document URL in any attribute or URL property.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { writeValue } from '../../src/elements/internal/write-value.js';
import { isMqttElementsError } from '../../src/errors.js';
import { hostileJson, hostileString, PARSED, reportRuns, runsAsUrl, sinkName, targetTag } from '../support/hostile.js';

type Hit = { __xss?: unknown };

/** Every attribute value and every string-valued URL property of `el`, as the browser holds them. */
function written(el: Element): string[] {
  const values = [...el.attributes].map((a) => a.value);
  for (const name of ['href', 'src', 'action', 'formAction', 'data', 'poster', 'ping', 'background']) {
    const v = (el as unknown as Record<string, unknown>)[name];
    if (typeof v === 'string') values.push(v);
  }
  return values;
}

describe('property: writeValue (the one guarded writer)', () => {
  let sandbox: HTMLElement;
  beforeEach(() => {
    sandbox = document.createElement('div');
    document.body.append(sandbox);
  });
  afterEach(() => {
    sandbox.remove();
    delete (window as Hit).__xss;
  });

  it('never throws, never writes markup, handlers or script URLs, and a refusal changes nothing', () => {
    let runs = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        targetTag,
        sinkName,
        fc.boolean(),
        fc.oneof(hostileJson, fc.uint8Array({ maxLength: 16 })),
        (tag, name, asAttribute, value) => {
          runs++;
          sandbox.replaceChildren();
          const el = sandbox.appendChild(document.createElement(tag));
          const before = el.outerHTML;
          const sink = asAttribute ? { property: 'textContent', attribute: name } : { property: name || 'textContent' };
          let result: ReturnType<typeof writeValue> = true;
          expect(() => (result = writeValue(el, sink, value))).to.not.throw();
          if (result !== true) {
            refused++;
            const error = result as Exclude<ReturnType<typeof writeValue>, true>;
            expect(isMqttElementsError(error) && ['unsafe-binding', 'binding-failed'].includes(error.code), String(error)).to.equal(true);
            if (error.code === 'unsafe-binding') expect(el.outerHTML, 'a refused write writes nothing').to.equal(before);
          }
          expect(el.querySelectorAll(PARSED).length, 'no markup parsed').to.equal(0);
          expect([...el.attributes].filter((a) => a.name.startsWith('on')), 'no handler attribute').to.deep.equal([]);
          if (tag === 'script') expect(el.textContent, 'nothing written into a script').to.equal('');
          for (const v of written(el)) expect(runsAsUrl(v), `${tag} ${JSON.stringify(sink)} holds ${v.slice(0, 60)}`).to.equal(false);
          expect((window as Hit).__xss).to.equal(undefined);
        },
      ),
      { numRuns: 1500, includeErrorInReport: true },
    );
    reportRuns('writeValue: value × sink × target', runs);
    expect(refused, 'the hostile cases were refused, not all written').to.be.greaterThan(0);
  });

  it('a script URL hidden in an array at any depth is refused for a URL property', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom('href', 'src', 'action', 'formAction', 'data'), fc.integer({ min: 1, max: 6 }), hostileString, (name, depth, tail) => {
        runs++;
        let value: unknown = `javascript:window.__xss=1//${tail}`;
        for (let i = 0; i < depth; i++) value = [value];
        const el = sandbox.appendChild(document.createElement('a'));
        const result = writeValue(el, { property: name }, value);
        expect(result !== true && result.code === 'unsafe-binding').to.equal(true);
        expect(el.hasAttribute(name.toLowerCase())).to.equal(false);
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    reportRuns('writeValue: nested arrays into URL properties', runs);
  });
});
