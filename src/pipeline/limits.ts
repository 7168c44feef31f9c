/**
 * Resource bounds on the frontmatter, checked before any YAML is composed: the YAML reader, the
 * Claude Code fallback and the lint rules are linear or close to it only for inputs of sane
 * size, and the `yaml` composer recurses once per nesting level (a few thousand `[` overflow
 * the stack). Real agent files have frontmatter of a few dozen lines and 2 KB; the defaults
 * are far above that and far below where hostile input gets slow.
 *
 * Everything here is linear: the byte and line counts, and the depth, which is read from the
 * `yaml` CST parser (an explicit stack, no recursion) token by token, stopping at the limit.
 */
import { Lexer, Parser } from 'yaml';
import { DEFAULT_LIMITS, type Limits } from '../config/schema.js';
import type { Report } from '../diagnostics.js';
import type { Locator } from '../util/text.js';
import type { FrontmatterBlock } from './parse.js';

/** True when the frontmatter is within the limits; otherwise reports `frontmatter/too-large` at the first place past one. */
export function checkFrontmatterLimits(block: FrontmatterBlock, locator: Locator, report: Report, limits: Partial<Limits> = {}): boolean {
  const { maxFrontmatterBytes, maxFrontmatterLines, maxNestingDepth } = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  const { raw, offset } = block;

  let lines = 1;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) {
    if (++lines > maxFrontmatterLines) {
      report('frontmatter/too-large', `Frontmatter has more than ${maxFrontmatterLines} lines (limits.maxFrontmatterLines)`, locator.point(offset + i + 1));
      return false;
    }
  }

  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > maxFrontmatterBytes) {
    report('frontmatter/too-large', `Frontmatter is ${bytes} bytes; the limit is ${maxFrontmatterBytes} (limits.maxFrontmatterBytes)`, locator.point(offset + charsWithinBytes(raw, maxFrontmatterBytes)));
    return false;
  }

  const deep = firstTooDeep(raw, maxNestingDepth);
  if (deep !== undefined) {
    report('frontmatter/too-large', `Frontmatter is nested more than ${maxNestingDepth} levels deep (limits.maxNestingDepth)`, locator.point(offset + deep));
    return false;
  }
  return true;
}

/** Offset of the token at which the YAML nesting first exceeds `max` levels, if it does. */
export function firstTooDeep(raw: string, max: number): number | undefined {
  const parser = new Parser();
  // The stack holds the document, then one entry per open collection (and a pending scalar).
  const limit = max + 1;
  for (const token of new Lexer().lex(raw)) {
    for (const _ of parser.next(token));
    if (parser.stack.length > limit) return parser.stack.at(-1)?.offset ?? 0;
  }
  return undefined;
}

/** How many UTF-16 code units of `text` fit in `bytes` UTF-8 bytes. */
function charsWithinBytes(text: string, bytes: number): number {
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (used + size > bytes) return i;
    used += size;
    if (code >= 0x10000) i++;
  }
  return text.length;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
