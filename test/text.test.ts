import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLength } from '../src/util/text.js';

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
