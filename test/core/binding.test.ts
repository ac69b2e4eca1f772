import { expect } from '@open-wc/testing';
import { attributeValue, propertyValue, sinkText, unsafeBindingReason, unsafeTargetReason, unsafeValueReason } from '../../src/core/binding.js';

describe('core/binding', () => {
  describe('unsafeBindingReason', () => {
    for (const name of ['innerHTML', 'outerHTML', 'srcdoc', 'srcDoc', 'INNERHTML', 'innerhtml', ' innerHTML ']) {
      it(`refuses ${JSON.stringify(name)}: it would parse the payload as HTML`, () => {
        expect(unsafeBindingReason(name)).to.be.a('string').and.match(/never parsed as HTML/);
      });
    }

    for (const name of ['onclick', 'ONCLICK', 'onClick', 'onload', 'onerror', 'onmouseover', 'on', ' onfocus']) {
      it(`refuses ${JSON.stringify(name)}: it would become an event handler`, () => {
        expect(unsafeBindingReason(name)).to.be.a('string').and.match(/event handlers/);
      });
    }

    it('names the refused binding as it was written', () => {
      expect(unsafeBindingReason('ONCLICK')).to.include('"ONCLICK"');
      expect(unsafeBindingReason('innerHTML')).to.include('"innerHTML"');
    });

    for (const name of ['textContent', 'innerText', 'value', 'checked', 'class', 'className', 'title', 'data-x', 'hidden', 'open', 'disabled']) {
      it(`allows ${JSON.stringify(name)}`, () => {
        expect(unsafeBindingReason(name)).to.equal(undefined);
      });
    }

    it('has nothing to say about no name', () => {
      expect(unsafeBindingReason(undefined)).to.equal(undefined);
      expect(unsafeBindingReason('')).to.equal(undefined);
    });
  });

  describe('propertyValue', () => {
    it('gives textContent and innerText the display text', () => {
      expect(propertyValue('textContent', { a: 1 })).to.equal('{"a":1}');
      expect(propertyValue('textContent', 21.5)).to.equal('21.5');
      expect(propertyValue('textContent', undefined)).to.equal('');
      expect(propertyValue('textContent', new Uint8Array([1, 255]))).to.equal('01 ff');
      expect(propertyValue('innerText', true)).to.equal('true');
      expect(propertyValue('innerText', '<i>x</i>')).to.equal('<i>x</i>');
    });

    it('gives other properties the value itself', () => {
      const object = { a: 1 };
      expect(propertyValue('value', 42)).to.equal(42);
      expect(propertyValue('checked', true)).to.equal(true);
      expect(propertyValue('checked', false)).to.equal(false);
      expect(propertyValue('data', object)).to.equal(object);
      expect(propertyValue('value', undefined)).to.equal(undefined);
      expect(propertyValue('value', null)).to.equal(null);
    });
  });

  describe('attributeValue', () => {
    it('makes true a present, empty attribute', () => {
      expect(attributeValue(true)).to.equal('');
    });

    it('removes the attribute for false, null and undefined', () => {
      expect(attributeValue(false)).to.equal(null);
      expect(attributeValue(null)).to.equal(null);
      expect(attributeValue(undefined)).to.equal(null);
    });

    it('writes strings as they are', () => {
      expect(attributeValue('on')).to.equal('on');
      expect(attributeValue('')).to.equal('');
      expect(attributeValue('"><script>')).to.equal('"><script>');
    });

    it('writes numbers as text', () => {
      expect(attributeValue(42)).to.equal('42');
      expect(attributeValue(0)).to.equal('0');
    });

    it('writes objects and arrays as JSON', () => {
      expect(attributeValue({ a: [1, 'b'] })).to.equal('{"a":[1,"b"]}');
      expect(attributeValue([1, 2])).to.equal('[1,2]');
    });

    it('writes bytes as hex', () => {
      expect(attributeValue(new Uint8Array([0xde, 0xad]))).to.equal('de ad');
    });
  });
});

describe('unsafeValueReason', () => {
  it('refuses javascript: URLs for URL-taking sinks, however the scheme is disguised', () => {
    for (const value of ['javascript:alert(1)', 'JavaScript:alert(1)', '  javascript:x', '\u0001java\tscript:x', 'java\nscript:x']) {
      expect(unsafeValueReason('href', value), value).to.equal('a "javascript:" value for "href" is refused: payloads never become script');
      expect(unsafeValueReason('src', value), value).to.equal('a "javascript:" value for "src" is refused: payloads never become script');
    }
  });

  it('lets other values and the text sinks through', () => {
    expect(unsafeValueReason('href', 'https://example.com/')).to.equal(undefined);
    expect(unsafeValueReason('href', '/relative')).to.equal(undefined);
    expect(unsafeValueReason('textContent', 'javascript:alert(1)')).to.equal(undefined);
    expect(unsafeValueReason('innerText', 'javascript:alert(1)')).to.equal(undefined);
    expect(unsafeValueReason('href', 42)).to.equal(undefined);
    expect(unsafeValueReason('href', null)).to.equal(undefined);
    expect(unsafeValueReason('href', 'data:image/png;base64,AAAA')).to.equal(undefined);
    expect(unsafeValueReason('href', ['https://a', 'javascript:x'])).to.equal(undefined);
  });

  it('checks the value as the sink receives it: arrays join, whatever their depth', () => {
    // Issue 18: `{"link":["javascript:…"]}` bound to `href` as a property became a javascript: URL.
    for (const value of [['javascript:x'], [['javascript:x']], [[[' javascript:x']]], ['javascript:x', 'y']]) {
      expect(unsafeValueReason('href', value), JSON.stringify(value)).to.match(/"javascript:" value for "href" is refused/);
    }
    expect(unsafeValueReason('formAction', { toString: () => 'javascript:x' })).to.match(/refused/);
    expect(unsafeValueReason('textContent', ['javascript:x'])).to.equal(undefined);
  });

  it('refuses vbscript: and data: documents too', () => {
    expect(unsafeValueReason('src', 'VBScript:msgbox')).to.match(/"vbscript:" value for "src"/);
    expect(unsafeValueReason('src', 'data:text/html,<script>x</script>')).to.match(/"data:text\/html"/);
    expect(unsafeValueReason('data', 'DATA:Text/HTML;base64,PHNjcmlwdD4=')).to.match(/"data:text\/html"/);
    expect(unsafeValueReason('src', 'data:image/svg+xml,<svg onload=x>')).to.match(/refused/);
    expect(unsafeValueReason('src', 'data:application/xhtml+xml,<x/>')).to.match(/refused/);
  });
});

describe('sinkText', () => {
  it('is the string a setter makes of a value', () => {
    expect(sinkText('a')).to.equal('a');
    expect(sinkText(['a', ['b', 'c']])).to.equal('a,b,c');
    expect(sinkText({ a: 1 })).to.equal('[object Object]');
    expect(sinkText(7)).to.equal('7');
    expect(sinkText(null)).to.equal(undefined);
    expect(sinkText(undefined)).to.equal(undefined);
    expect(sinkText({ toString: () => { throw new Error('no'); } })).to.equal(undefined);
  });
});

describe('unsafeTargetReason', () => {
  it('refuses a <script> whatever its case, and nothing else', () => {
    expect(unsafeTargetReason('script')).to.match(/<script>/);
    expect(unsafeTargetReason('SCRIPT')).to.match(/<script>/);
    for (const name of ['div', 'a', 'iframe', 'style', 'noscript']) expect(unsafeTargetReason(name), name).to.equal(undefined);
  });
});
