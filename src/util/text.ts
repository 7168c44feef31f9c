import { location } from 'vfile-location';
import type { Point } from '../diagnostics.js';

/** Maps string offsets of one text to 1-based line/column points (columns in UTF-16 code units). */
export interface Locator {
  point(offset: number): Point;
}

export function createLocator(text: string): Locator {
  const place = location(text);
  return {
    point(offset) {
      const p = place.toPoint(Math.max(0, Math.min(offset, text.length)));
      return p ? { line: p.line, column: p.column } : { line: 1, column: 1 };
    },
  };
}

/** Compare strings by UTF-16 code units: never by locale, so order is the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** `[...text].length` (code points; a lone surrogate counts as one) without building the array. */
export function codePointLength(text: string): number {
  // Each well-formed pair is one code point. The regex scan is native (instant for Latin-1
  // strings, which V8 stores one byte per character), unlike a charCodeAt loop.
  return text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
}

/** Line `n` (1-based) of the text, without its newline, found without splitting all of it. */
export function lineAt(text: string, n: number): string | undefined {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

/**
 * `value` with every string in it (object keys aside) copied, so that none shares memory with
 * the text it was cut from. V8 keeps a substring of 13 or more characters as a view into its
 * parent (a "sliced string"), which keeps the whole parent alive: an agent's `name` read from
 * its file would hold the file's text for as long as the agent, and a one-shot build lets the
 * texts go once each agent's files are written (released-sources.ts). A concatenation that
 * must be flattened before it is sliced leaves no reference to the original.
 */
export function detachStrings<T>(value: T): T {
  return copyJson(value, detachString);
}

/** detachStrings of one string: a copy that shares no memory with the text it was cut from. */
export function detachString<T>(value: T): T {
  return (typeof value === 'string' && value.length >= 13 ? (' ' + value).slice(1) : value) as T;
}

/**
 * A deep copy of JSON data (arrays, plain objects), each other value through `leaf`. Keys are
 * assigned, but a `__proto__` key is defined: it stays an own data property (as setOwn keeps it).
 */
export function copyJson<T>(value: T, leaf: (value: unknown) => unknown): T {
  if (value === null || typeof value !== 'object') return leaf(value) as T;
  if (Array.isArray(value)) return value.map((item) => copyJson(item, leaf)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key], leaf);
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out as T;
}
