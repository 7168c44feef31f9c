/**
 * The commonest frontmatter, read and written without the `yaml` package: one `key: value`
 * line per field, every key an identifier and every value a string YAML takes as it is
 * (`name: code-reviewer`, `tools: Read, Grep`, `description: Use it for X's reviews.`). For
 * such text YAML's answer is known: each value is its own string, at its line's positions.
 * Most agents are only such lines, and YAML's lexer, parser and composer (to read) and a
 * Document (to write the claude-code target) were most of the per-agent frontmatter work: over
 * the 10k bench corpus in process, analysis 2.5 -> 1.8 s and the claude-code frontmatter
 * 0.53 -> 0.16 s.
 *
 * Anything else is left to `yaml` (strict.ts, stringify.ts): the test is conservative, and
 * test/plain-yaml.test.ts holds both directions to `yaml` over generated text and the corpus.
 */
import type { Locator } from '../../util/text.js';
import type { FrontmatterBlock } from '../parse.js';
import { splitLines } from './lines.js';
import { setOwn, type FieldPath, type Frontmatter } from './types.js';

/**
 * Starts with a letter, digit or `_` (no YAML indicator, no document marker, no space), then
 * letters, marks, numbers, punctuation, symbols and spaces (no control, format or other space
 * character), and ends with no space.
 */
const PLAIN_TEXT = /^[A-Za-z0-9_](?:[ \p{L}\p{M}\p{N}\p{P}\p{S}]*[\p{L}\p{M}\p{N}\p{P}\p{S}])?$/u;
/** What ends a plain scalar early (`: `, ` #`) or makes the line a mapping (a final `:`). */
const ENDS_PLAIN = /: |:$| #/;
/** The words the core schema reads as a boolean or null. */
const RESERVED_WORDS = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** Only characters a YAML number (core schema: decimal, float, 0x, 0o) can have. */
const NUMBER_CHARACTERS = /^[0-9.+\-eExXoOa-fA-F]*$/;
/** A key YAML writes plain: an identifier, as frontmatter keys are. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/** True when YAML reads `text`, written plain, as exactly this string (and writes it so). */
export function isPlainAsIs(text: string): boolean {
  if (!PLAIN_TEXT.test(text) || ENDS_PLAIN.test(text) || RESERVED_WORDS.test(text)) return false;
  const first = text.charCodeAt(0);
  return !(first >= 0x30 && first <= 0x39 && NUMBER_CHARACTERS.test(text));
}

function isPlainKey(key: string): boolean {
  return PLAIN_KEY.test(key) && !RESERVED_WORDS.test(key);
}

/** A flat mapping's nesting (document, mapping, scalar) in limits.ts's terms: it needs a limit of 2. */
export const PLAIN_DEPTH = 2;

const KEY_LINE = /^([^:]+): (.*)$/;

interface PlainField {
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * What readStrictYaml gives for `block` when every line is a plain `key: value` field (keys
 * unique), else undefined. Positions are the ones yaml reports: the key and value of a field's
 * line, and for a path that is not a field, the whole mapping.
 */
export function readPlainYaml(block: FrontmatterBlock, locator: Locator): Frontmatter | undefined {
  const { raw, offset } = block;
  const data: Record<string, unknown> = {};
  const fields = new Map<string, PlainField>();
  const lines = splitLines(raw);
  // A final line ending leaves an empty last line, which YAML reads as nothing.
  if (lines.length > 1 && lines.at(-1)!.text === '') lines.pop();
  for (const line of lines) {
    const match = line.crlf ? null : KEY_LINE.exec(line.text);
    if (!match) return undefined;
    const [, key, value] = match as unknown as [string, string, string];
    if (!isPlainKey(key) || !isPlainAsIs(value) || fields.has(key)) return undefined;
    setOwn(data, key, value);
    fields.set(key, { keyStart: line.offset, valueStart: line.offset + key.length + 2, valueEnd: line.offset + line.text.length });
  }
  if (fields.size === 0) return undefined;
  const range = (from: number, to: number) => ({ start: locator.point(offset + from), end: locator.point(offset + to) });
  return {
    mode: 'yaml',
    data,
    locate(path: FieldPath, part: 'key' | 'value' = 'value') {
      const field = path.length > 0 ? fields.get(String(path[0])) : undefined;
      // yaml's reading stops at the first segment that is not a field: the mapping itself.
      if (!field) return range(0, raw.length);
      return part === 'key' ? range(field.keyStart, field.valueStart - 2) : range(field.valueStart, field.valueEnd);
    },
  };
}

/** What stringify.ts's yaml writes for `data`, when every key and value is plain as it is; else undefined. */
export function writePlainYaml(data: Record<string, unknown>): string | undefined {
  let text = '';
  for (const key in data) {
    const value = data[key];
    if (typeof value !== 'string' || !isPlainKey(key) || !isPlainAsIs(value)) return undefined;
    text += `${key}: ${value}\n`;
  }
  return text === '' ? undefined : text;
}
