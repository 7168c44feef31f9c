/**
 * Claude Code's own fallback for frontmatter that is not valid YAML, reproduced exactly so
 * agentc reads such files the way Claude Code does (see test/fixtures/claude-code-parity.json).
 *
 * Claude Code 2.1.330: every line `key: value` at column 0 whose value holds characters YAML
 * would trip on is rewritten as a double-quoted scalar (its backslashes and quotes escaped, so
 * the text is kept verbatim), then the whole block is parsed as YAML again, with duplicate keys
 * allowed (the last wins). If that still fails, Claude Code does not load the file at all.
 * The regex's `.` does not match `\r`, so CRLF lines are never rewritten: that is why invalid
 * frontmatter with CRLF line endings is always dropped.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import type { Locator } from '../../util/text.js';
import { readStrictYamlDocument } from './strict.js';
import type { Frontmatter } from './types.js';

const KEY_VALUE_LINE = /^([a-zA-Z_-]+):\s+(.+)$/;
/** Characters that make a plain YAML scalar fail or mean something else. */
const NEEDS_QUOTES = /[:#{}[\],&*!|>'"%@`]/;

export interface QuotedLine {
  /** Line index in the frontmatter. */
  index: number;
  /** Column (0-based) where the value starts in the original line. */
  valueColumn: number;
}

export function rewriteLikeClaudeCode(raw: string): { text: string; quoted: QuotedLine[] } {
  const quoted: QuotedLine[] = [];
  const lines = raw.split('\n').map((line, index) => {
    const match = KEY_VALUE_LINE.exec(line);
    if (!match) return line;
    const [, key, value] = match as unknown as [string, string, string];
    if (!NEEDS_QUOTES.test(value)) return line;
    quoted.push({ index, valueColumn: line.length - value.length });
    return `${key}: "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return { text: lines.join('\n'), quoted };
}

/**
 * Read `raw` the way Claude Code's fallback does, or return undefined when Claude Code
 * would not load the file.
 */
export function readClaudeCodeFallback(raw: string, offset: number, locator: Locator): Frontmatter | undefined {
  const { text, quoted } = rewriteLikeClaudeCode(raw);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: true });
  if (doc.errors.length > 0) return undefined;
  if (doc.contents !== null && !isMap(doc.contents)) return undefined;
  if (doc.contents && doc.contents.items.some((pair) => !isScalar(pair.key))) return undefined;
  // Offsets in the rewritten text map back to the file: only quoted lines shifted, by the
  // inserted quote and escapes, and all of their value maps to where the value starts.
  const rawLineStarts = lineStarts(raw);
  const textLineStarts = lineStarts(text);
  const quotedByLine = new Map(quoted.map((q) => [q.index, q.valueColumn]));
  const toRawOffset = (textOffset: number): number => {
    const index = lastAtOrBefore(textLineStarts, textOffset);
    const column = textOffset - textLineStarts[index]!;
    const valueColumn = quotedByLine.get(index);
    const rawColumn = valueColumn !== undefined && column > valueColumn ? valueColumn : column;
    return rawLineStarts[index]! + rawColumn;
  };
  return readStrictYamlDocument(doc, 'claude-code', (textOffset) => locator.point(offset + toRawOffset(textOffset)));
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
