/**
 * agentc's reading of frontmatter that neither YAML nor Claude Code can read: the author's
 * evident intent, line by line.
 *
 * - A `key:` line at column 0 starts a field, unless it is a continuation that only looks
 *   like one: a dialogue label (`user:`, `assistant:`, `Context:`, ...) or any line inside an
 *   `<example>` block that is still open. Known agent fields always start a field.
 * - The lines after a field that do not start another belong to its value.
 * - A field whose value is only an indented block (`hooks:` + nested YAML) is read as YAML.
 * - A one-line value is read as a YAML scalar or flow collection when it is one (so
 *   `tools: [Read, Grep]` stays a list), else as text, verbatim.
 * - Text values: indented continuation lines fold like YAML plain scalars (joined by spaces);
 *   column-0 continuation keeps its line breaks. (A literal `\n` in a description becomes a
 *   newline in the normalize stage, as in Claude Code; other fields keep it.)
 */
import { isCollection, isScalar, parseDocument } from 'yaml';
import type { Range } from '../../diagnostics.js';
import type { Locator } from '../../util/text.js';
import { matchKeyLine, splitLines, type Line } from './lines.js';
import { claudeCodeQuotes } from '../../claude-code/reader.js';
import { locateNode } from './strict.js';
import { setOwn, type FieldPath, type Frontmatter } from './types.js';

/** Fields Claude Code documents, plus ones common in the wild: always a new field at column 0. */
export const KNOWN_FIELDS = new Set([
  'name', 'description', 'tools', 'disallowedTools', 'model', 'permissionMode', 'maxTurns', 'skills',
  'mcpServers', 'hooks', 'memory', 'background', 'effort', 'isolation', 'color', 'initialPrompt',
  'category', 'version', 'author', 'tags', 'context_window', 'temperature', 'metadata',
]);

/** Labels of `<example>` dialogue that authors write at column 0 inside a description. */
const DIALOGUE_LABELS = new Set(['user', 'assistant', 'context', 'commentary', 'example', 'examples', 'human', 'ai', 'agent']);

interface FieldLines {
  key: string;
  keyLine: Line;
  valueColumn: number;
  continuation: Line[];
}

export interface RecoveredFrontmatter extends Frontmatter {
  /** Keys that appeared more than once, with the range of the later (winning) occurrence. */
  duplicates: { key: string; range: Range }[];
}

export function readRecovered(raw: string, offset: number, locator: Locator): RecoveredFrontmatter | { error: string; offset: number } {
  const lines = splitLines(raw);
  const fields: FieldLines[] = [];
  let current: FieldLines | undefined;
  for (const line of lines) {
    const keyLine = matchKeyLine(line.text);
    if (keyLine && (!current || startsField(keyLine.key, current))) {
      current = { key: keyLine.key, keyLine: line, valueColumn: keyLine.valueColumn, continuation: [] };
      fields.push(current);
    } else if (current) {
      current.continuation.push(line);
    } else if (line.text.trim() !== '' && !line.text.trimStart().startsWith('#')) {
      return { error: `Expected a \`key: value\` field, found ${JSON.stringify(line.text.slice(0, 40))}`, offset: line.offset };
    }
  }

  for (const field of fields) {
    // A quoted value that YAML could not close is a typo, not a dialect: don't guess where it ends.
    const first = field.keyLine.text.slice(field.valueColumn).trimStart();
    if (/^["']/.test(first) && trimBlankTail(field.continuation).length > 0) {
      return { error: `The quoted value of \`${field.key}\` is never closed`, offset: field.keyLine.offset + field.valueColumn };
    }
  }

  const data: Record<string, unknown> = {};
  const ranges = new Map<string, { key: Range; value: Range; nested?: NestedLocate }>();
  const duplicates: RecoveredFrontmatter['duplicates'] = [];
  const point = (at: number) => locator.point(offset + at);
  for (const field of fields) {
    const value = readValue(field, raw, point);
    const keyRange: Range = { start: point(field.keyLine.offset), end: point(field.keyLine.offset + field.key.length) };
    if (Object.hasOwn(data, field.key)) duplicates.push({ key: field.key, range: keyRange });
    setOwn(data, field.key, value.value);
    const last = lastContentLine(field);
    ranges.set(field.key, {
      key: keyRange,
      value: { start: point(value.offset), end: point(last.offset + last.text.length) },
      nested: value.nested,
    });
  }

  return {
    mode: 'recovered',
    data,
    duplicates,
    locate(path: FieldPath, part = 'value') {
      const entry = ranges.get(String(path[0]));
      if (!entry) return undefined;
      if (path.length === 1) return part === 'key' ? entry.key : entry.value;
      return entry.nested?.(path.slice(1), part) ?? entry.value;
    },
  };
}

function startsField(key: string, current: FieldLines): boolean {
  if (KNOWN_FIELDS.has(key)) return true;
  if (DIALOGUE_LABELS.has(key.toLowerCase())) return false;
  return !insideOpenExample(current);
}

function insideOpenExample(field: FieldLines): boolean {
  const text = [field.keyLine.text, ...field.continuation.map((l) => l.text)].join('\n');
  const opened = text.match(/<example>/gi)?.length ?? 0;
  const closed = text.match(/<\/example>/gi)?.length ?? 0;
  return opened > closed;
}

function lastContentLine(field: FieldLines): Line {
  for (let i = field.continuation.length - 1; i >= 0; i--) {
    if (field.continuation[i]!.text.trim() !== '') return field.continuation[i]!;
  }
  return field.keyLine;
}

type NestedLocate = (path: FieldPath, part: 'key' | 'value') => Range | undefined;

interface ReadValue {
  value: unknown;
  /** Offset in the frontmatter where the value starts. */
  offset: number;
  nested?: NestedLocate;
}

function readValue(field: FieldLines, raw: string, point: (at: number) => Range['start']): ReadValue {
  const first = field.keyLine.text.slice(field.valueColumn);
  const firstOffset = field.keyLine.offset + field.valueColumn;
  const continuation = trimBlankTail(field.continuation);
  if (continuation.length === 0) return { value: readOneLine(first), offset: firstOffset };

  const indented = continuation.every((l) => l.text.trim() === '' || /^[ \t]/.test(l.text));
  if (first.trim() === '' && indented) {
    const blockStart = continuation[0]!.offset;
    const last = continuation[continuation.length - 1]!;
    const block = raw.slice(blockStart, last.offset + last.text.length);
    const doc = parseDocument(block, { prettyErrors: false, uniqueKeys: false, strict: true });
    if (doc.errors.length === 0) {
      return {
        value: doc.toJS({ maxAliasCount: 100 }),
        offset: blockStart,
        nested: (path, part) => locateNode(doc, path, part, (at) => point(blockStart + at)),
      };
    }
  }
  const text = indented
    ? foldPlain([first, ...continuation.map((l) => l.text)])
    : [first, ...continuation.map((l) => l.text)].join('\n');
  return { value: text.trim(), offset: first.trim() === '' ? continuation[0]!.offset : firstOffset };
}

function trimBlankTail(lines: Line[]): Line[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(0, end);
}

/**
 * A one-line value, read as Claude Code's rewrite reads it: verbatim text where Claude Code
 * would quote it (`: `, `#`, `[`, `**`, ...), else YAML's scalar (so `tools: [Read, Grep]`
 * stays a list and `maxTurns: 5` a number).
 */
function readOneLine(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (claudeCodeQuotes(trimmed)) return trimmed;
  const doc = parseDocument(trimmed, { prettyErrors: false, strict: true });
  if (doc.errors.length === 0 && (isScalar(doc.contents) || (isCollection(doc.contents) && doc.contents.flow))) {
    return doc.toJS({ maxAliasCount: 100 });
  }
  return trimmed;
}

function foldPlain(lines: string[]): string {
  let out = '';
  let pendingBreaks = 0;
  for (const line of lines.map((l) => l.trim())) {
    if (line === '') {
      pendingBreaks++;
      continue;
    }
    if (out !== '') out += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
    out += line;
    pendingBreaks = 0;
  }
  return out;
}
