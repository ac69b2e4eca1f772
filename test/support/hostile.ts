// fast-check arbitraries for issue 18's property-based tests: what a hostile device, broker or
// page author can hand the elements. Shared by the property tests of the writer, the payloads and
// the attributes (test/elements/*.property.test.ts).
import fc from 'fast-check';
import { XSS_CORPUS } from './xss.js';

/** Ways to spell a scheme that runs or makes a document, as browsers still read them. */
const SCRIPT_SCHEMES = ['javascript:', 'JaVaScRiPt:', ' \u0001javascript:', 'java\tscript:', 'java\nscript:', 'vbscript:', 'data:text/html,', 'DATA:text/html;base64,', 'data:image/svg+xml,'];

/**
 * Random text that can only ever be a relative URL: without `:`, `/` or `\\` it names no other
 * host (`http:evil`, `//evil` and `\\\\evil` would), so a test that writes it into an `<img src>`
 * fetches from the test server at most, never from the network.
 */
const localText = (maxLength: number, unit?: 'binary') => fc.string({ maxLength, ...(unit ? { unit } : {}) }).map((s) => s.replace(/[:/\\]/g, '_'));

/** A string meant to run if any sink took it as code, HTML or a URL. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...XSS_CORPUS),
  fc.tuple(fc.constantFrom(...SCRIPT_SCHEMES), fc.constantFrom('window.__xss=1', 'parent.__xss=2', '<script>parent.__xss=3</script>')).map(([a, b]) => a + b),
  localText(40),
  localText(20, 'binary'),
);

/** JSON of every shape, with hostile strings inside and arrays of them (which a URL sink joins). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('link', 'html', 'value', '__proto__', 'constructor', 'toString'), localText(6)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Deeply nested arrays: parsers and stringifiers that recurse meet their limits. */
const deep = fc.integer({ min: 100, max: 20000 }).map((n) => '['.repeat(n) + '"javascript:window.__xss=9"' + ']'.repeat(n));

/** A payload as the broker delivers it: text of JSON, bytes, huge, deep, or not JSON at all. */
export const hostilePayload: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.integer({ min: 1 << 16, max: 1 << 20 }).map((n) => JSON.stringify(['javascript:x', 'a'.repeat(n)])) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** Sink names: the ones that must be refused, URL ones, harmless ones, and names the DOM refuses. */
export const sinkName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'textContent', 'innerText', 'value', 'checked', 'title', 'className', 'hidden',
    'href', 'src', 'action', 'formAction', 'data', 'poster', 'ping', 'xlink:href', 'background', 'srcset',
    'innerHTML', 'outerHTML', 'srcdoc', 'srcDoc', 'onclick', 'ONERROR', 'onload', ' innerHTML',
    'valueAsNumber', 'valueAsDate', 'a b', '1x', '', '__proto__', 'style', 'outerText',
  ),
  localText(12),
);

/** The elements a value may be bound to. */
export const targetTag = fc.constantFrom('a', 'iframe', 'form', 'button', 'input', 'object', 'img', 'video', 'div', 'p', 'script', 'embed', 'area', 'output');

/** Elements a payload would create if anything parsed it as HTML. */
export const PARSED = 'img, script, svg, iframe, b, object, embed, style, link, meta, math, form, base';

/** Whether `text` would run as a URL: the browsers' own reading of a scheme (controls and spaces dropped). */
export function runsAsUrl(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what browsers drop
  const start = text.slice(0, 256).replace(/[\u0000-\u0020]/g, '').toLowerCase();
  return /^(javascript:|vbscript:|data:(text\/html|application\/xhtml\+xml|image\/svg\+xml))/.test(start);
}

/** How many cases a property ran, for the log (the issue asks each run to say). */
export function reportRuns(name: string, runs: number): void {
  console.log(`fast-check: ${name}: ${runs} cases`);
}
