/**
 * Resource bounds on the frontmatter, checked before any YAML is composed: the YAML reader, the
 * Claude Code fallback and the lint rules are linear or close to it only for inputs of sane
 * size, and the `yaml` composer recurses once per nesting level (a few thousand `[` overflow
 * the stack). Real agent files have frontmatter of a few dozen lines and 2 KB; the defaults
 * are far above that and far below where hostile input gets slow.
 *
 * Everything here is linear: the byte and line counts, and the depth, which is read from the
 * `yaml` CST parser (an explicit stack, no recursion) token by token, stopping at the limit.
 * The CST tokens of that pass are returned, so the strict YAML reader does not lex the text again.
 * Frontmatter of plain `key: value` lines (frontmatter/plain.ts) is one level deep by its form
 * and skips the depth pass.
 */
import { DEFAULT_LIMITS, type Limits } from '../config/schema.js';
import type { Report } from '../diagnostics.js';
import type { Locator } from '../util/text.js';
import { parseYamlTokens, type YamlTokens } from './frontmatter/cst.js';
import { PLAIN_DEPTH } from './frontmatter/plain.js';
import type { FrontmatterBlock } from './parse.js';

/** True when the frontmatter is within the byte and line limits; otherwise false, after reporting `frontmatter/too-large`. */
export function checkFrontmatterSize(block: FrontmatterBlock, locator: Locator, report: Report, limits: Partial<Limits> = {}): boolean {
  const maxFrontmatterBytes = limits.maxFrontmatterBytes ?? DEFAULT_LIMITS.maxFrontmatterBytes;
  const maxFrontmatterLines = limits.maxFrontmatterLines ?? DEFAULT_LIMITS.maxFrontmatterLines;
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
  return true;
}

/**
 * The frontmatter's YAML tokens when its nesting is within the limit; otherwise undefined,
 * after reporting `frontmatter/too-large` at the first token past it.
 */
export function checkFrontmatterDepth(block: FrontmatterBlock, locator: Locator, report: Report, limits: Partial<Limits> = {}): YamlTokens | undefined {
  const maxNestingDepth = limits.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth;
  const cst = parseYamlTokens(block.raw, maxNestingDepth);
  if ('tooDeepAt' in cst) {
    report('frontmatter/too-large', `Frontmatter is nested more than ${maxNestingDepth} levels deep (limits.maxNestingDepth)`, locator.point(block.offset + cst.tooDeepAt));
    return undefined;
  }
  return cst.tokens;
}

/** True when the nesting limit allows a flat mapping: plain `key: value` lines need no depth check then (frontmatter/plain.ts). */
export function allowsFlatMapping(limits: Partial<Limits> = {}): boolean {
  return (limits.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth) >= PLAIN_DEPTH;
}

/** Offset of the token at which the YAML nesting first exceeds `max` levels, if it does. */
export function firstTooDeep(raw: string, max: number): number | undefined {
  const cst = parseYamlTokens(raw, max);
  return 'tooDeepAt' in cst ? cst.tooDeepAt : undefined;
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
