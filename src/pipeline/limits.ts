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
 */
import { DEFAULT_LIMITS, type Limits } from '../config/schema.js';
import type { Report } from '../diagnostics.js';
import type { Locator } from '../util/text.js';
import { parseYamlTokens, type YamlTokens } from './frontmatter/cst.js';
import type { FrontmatterBlock } from './parse.js';

/**
 * The frontmatter's YAML tokens when it is within the limits; otherwise undefined, after
 * reporting `frontmatter/too-large` at the first place past one.
 */
export function checkFrontmatterLimits(block: FrontmatterBlock, locator: Locator, report: Report, limits: Partial<Limits> = {}): YamlTokens | undefined {
  const maxFrontmatterBytes = limits.maxFrontmatterBytes ?? DEFAULT_LIMITS.maxFrontmatterBytes;
  const maxFrontmatterLines = limits.maxFrontmatterLines ?? DEFAULT_LIMITS.maxFrontmatterLines;
  const maxNestingDepth = limits.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth;
  const { raw, offset } = block;

  let lines = 1;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) {
    if (++lines > maxFrontmatterLines) {
      report('frontmatter/too-large', `Frontmatter has more than ${maxFrontmatterLines} lines (limits.maxFrontmatterLines)`, locator.point(offset + i + 1));
      return undefined;
    }
  }

  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > maxFrontmatterBytes) {
    report('frontmatter/too-large', `Frontmatter is ${bytes} bytes; the limit is ${maxFrontmatterBytes} (limits.maxFrontmatterBytes)`, locator.point(offset + charsWithinBytes(raw, maxFrontmatterBytes)));
    return undefined;
  }

  const cst = parseYamlTokens(raw, maxNestingDepth);
  if ('tooDeepAt' in cst) {
    report('frontmatter/too-large', `Frontmatter is nested more than ${maxNestingDepth} levels deep (limits.maxNestingDepth)`, locator.point(offset + cst.tooDeepAt));
    return undefined;
  }
  return cst.tokens;
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
