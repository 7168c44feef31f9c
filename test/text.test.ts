import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLength, detachStrings } from '../src/util/text.js';

describe('codePointLength', () => {
  it('counts like [...text].length, lone surrogates included', () => {
    const unit = fc.constantFrom('a', '\u00e9', '🙂', '\ud83d', '\ude42', '\udc00\ud800', '\n');
    fc.assert(fc.property(fc.array(unit, { maxLength: 30 }), (units) => {
      const text = units.join('');
      expect(codePointLength(text)).toBe([...text].length);
    }));
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('🙂🙂')).toBe(2);
  });
});

describe('detachStrings', () => {
  it('gives the same JSON data, in the same key order, `__proto__` keys kept as data', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copy = detachStrings(value);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      expect(copy).toEqual(value);
    }));
    const text = 'name: a-name-long-enough-to-be-a-view\n';
    const withProto = JSON.parse(`{"__proto__": {"polluted": true}, "name": ${JSON.stringify(text.slice(6, -1))}}`);
    const copy = detachStrings(withProto);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'name']);
    expect(copy.name).toBe('a-name-long-enough-to-be-a-view');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
