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

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** `[...text].length` (code points; a lone surrogate counts as one) without building the array. */
export function codePointLength(text: string): number {
  // Most text has no surrogates; the regex answers that without a JS loop (at once for
  // Latin-1 strings, which V8 stores one byte per character).
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
