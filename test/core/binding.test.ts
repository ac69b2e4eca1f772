import { expect } from '@open-wc/testing';
import { attributeValue, propertyValue, unsafeBindingReason, unsafeValueReason } from '../../src/core/binding.js';

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
  });
});
