/**
 * Frontmatter that is not valid YAML, read with Claude Code's own fallback (see
 * ../../claude-code/reader.ts for what it does): first YAML with duplicate keys allowed, then
 * Claude Code's quoting rewrite. Positions are mapped back from the rewritten text to the file.
 */
import { isMap, parseDocument } from 'yaml';
import { rewriteLikeClaudeCode, type RewrittenLine } from '../../claude-code/reader.js';
import type { Locator } from '../../util/text.js';
import { composeDocument, type YamlTokens } from './cst.js';
import { readStrictYamlDocument } from './strict.js';
import type { Frontmatter } from './types.js';

/** `tokens`: the CST of `raw` when the caller has it (see ./cst.ts), so `raw` is not lexed again. */
export function readClaudeCodeFallback(raw: string, offset: number, locator: Locator, tokens?: YamlTokens): Frontmatter | undefined {
  const asIs = parseLoose(raw, tokens);
  if (asIs) return readStrictYamlDocument(asIs, 'claude-code', (at) => locator.point(offset + at));
  const { text, changed } = rewriteLikeClaudeCode(raw);
  const doc = parseLoose(text);
  if (!doc) return undefined;
  const toRawOffset = offsetMapper(raw, text, changed);
  return readStrictYamlDocument(doc, 'claude-code', (at) => locator.point(offset + toRawOffset(at)));
}

const LOOSE = { prettyErrors: false, uniqueKeys: false, strict: true } as const;

function parseLoose(text: string, tokens?: YamlTokens) {
  const doc = tokens ? composeDocument(text, tokens, { ...LOOSE }) : parseDocument(text, { ...LOOSE });
  if (doc.errors.length > 0) return undefined;
  if (doc.contents !== null && !isMap(doc.contents)) return undefined;
  return doc;
}

/** Offsets in the rewritten text -> offsets in the original: lines keep their index; quoting shifts the value, tabs widen the indent. */
function offsetMapper(raw: string, text: string, changed: RewrittenLine[]): (offset: number) => number {
  const rawStarts = lineStarts(raw);
  const textStarts = lineStarts(text);
  const byLine = new Map(changed.map((c) => [c.index, c]));
  return (offset) => {
    const index = lastAtOrBefore(textStarts, offset);
    let column = offset - textStarts[index]!;
    const change = byLine.get(index);
    if (change?.tabs) column = column < change.tabs * 2 ? Math.floor(column / 2) : column - change.tabs;
    if (change?.quotedAt !== undefined && column > change.quotedAt) column = change.quotedAt;
    return rawStarts[index]! + column;
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lastAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
