/**
 * frozenJsFromJson: the ts target makes each agent module's value from the agent's JSON text;
 * it must be exactly what jsValue gives for the same data (the text compared byte for byte),
 * for any JSON value: escapes and backslash runs before quotes, `__proto__` as a key and as a
 * string, empty and nested containers, U+2028/U+2029, every number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenJsFromJson, jsValue } from '../../src/targets/js.js';

const text = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('\\', '"', '\\"', '\\\\"', ':', '{', '}', '[', ']', ',', '\n', '\u2028', '\u2029', '__proto__', '"__proto__":', 'a', '🙂', '\u0000', '/* @__PURE__ */') }),
);
const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', '', '1', '0', '__proto__ ', 'prompt'));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('frozenJsFromJson', () => {
  it('is jsValue(value, { freeze: true }) for any JSON value, byte for byte', () => {
    fc.assert(
      fc.property(json, (value) => {
        // What jsValue sees in the ts target: the data after a JSON round trip.
        const data = JSON.parse(JSON.stringify(value)) as unknown;
        expect(frozenJsFromJson(JSON.stringify(value, null, 2))).toBe(jsValue(data, { freeze: true }));
      }),
      { numRuns: 2000 },
    );
  });

  it('handles the cases by hand', () => {
    const cases: unknown[] = [
      {},
      [],
      { a: [], b: {}, c: [[{}]] },
      JSON.parse('{"__proto__": {"__proto__": "__proto__"}, "x": ["\\"__proto__\\":", "\\\\", "\\\\\\""]}'),
      { s: 'line\u2028sep\u2029para', '\u2028': 1 },
      { n: [-0, 1e21, 5e-324, 0.1, -1.5] },
    ];
    for (const value of cases) expect(frozenJsFromJson(JSON.stringify(value, null, 2))).toBe(jsValue(JSON.parse(JSON.stringify(value)), { freeze: true }));
    // An own `__proto__` key stays an own key when the code runs.
    const code = frozenJsFromJson(JSON.stringify(JSON.parse('{"__proto__": {"polluted": true}}'), null, 2));
    const value = new Function(`return ${code};`)() as object;
    expect(Object.getOwnPropertyNames(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
