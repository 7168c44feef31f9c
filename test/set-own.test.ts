import { describe, expect, it } from 'vitest';
import { setOwn } from '../src/pipeline/frontmatter/types.js';

// setOwn assigns ordinary keys (fast) and defines the ones a prototype has: either way the
// result is an own, enumerable, writable data property, in insertion order.
describe('setOwn', () => {
  it('makes own data keys of __proto__ and Object.prototype names, leaving the prototype alone', () => {
    const target: Record<string, unknown> = {};
    for (const key of ['name', '__proto__', 'toString', 'constructor', 'hasOwnProperty', '0', 'tools']) setOwn(target, key, { key });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['0', 'name', '__proto__', 'toString', 'constructor', 'hasOwnProperty', 'tools']);
    for (const key of Object.keys(target)) {
      expect(Object.getOwnPropertyDescriptor(target, key)).toEqual({ value: { key }, writable: true, enumerable: true, configurable: true });
    }
    expect(JSON.parse(JSON.stringify(target)).__proto__).toEqual({ key: '__proto__' });
  });

  it('defines a key whose inherited property is read-only (as under frozen intrinsics)', () => {
    const proto = Object.freeze({ toString: () => 'frozen' });
    const target = Object.create(proto) as Record<string, unknown>;
    setOwn(target, 'toString', 'mine');
    expect(Object.hasOwn(target, 'toString')).toBe(true);
    expect(target.toString).toBe('mine');
  });

  it('keeps the first position of a key set twice, with the last value', () => {
    const target: Record<string, unknown> = {};
    setOwn(target, 'a', 1);
    setOwn(target, 'b', 2);
    setOwn(target, 'a', 3);
    expect(Object.entries(target)).toEqual([['a', 3], ['b', 2]]);
  });
});
