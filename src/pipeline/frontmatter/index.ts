/**
 * Stage 3, read frontmatter: strict YAML first; if that fails, Claude Code's own fallback;
 * if Claude Code would drop the file, agentc's reading of the author's intent. Each step down
 * is reported, with the position of the first YAML error.
 */
import type { Report } from '../../diagnostics.js';
import type { Locator } from '../../util/text.js';
import type { FrontmatterBlock } from '../parse.js';
import { readClaudeCodeFallback } from './claude-code.js';
import { matchKeyLine, splitLines } from './lines.js';
import { readRecovered } from './recover.js';
import { readStrictYaml } from './strict.js';
import type { Frontmatter } from './types.js';
import type { YamlTokens } from './cst.js';

export type { Frontmatter, FrontmatterMode, FieldPath } from './types.js';

/** `tokens`: the CST of `block.raw`, when the caller already parsed it (../limits.ts does). */
export function readFrontmatter(block: FrontmatterBlock, locator: Locator, report: Report, tokens?: YamlTokens): Frontmatter | undefined {
  const strict = readStrictYaml(block.raw, block.offset, locator, tokens);
  if (strict.ok) return strict.frontmatter;

  const { error } = strict;
  const errorAt = locator.point(block.offset + error.offset);
  if (error.code === 'NOT_MAPPING') {
    report('frontmatter/not-mapping', `${error.message}; write one \`key: value\` field per line`, errorAt);
    return undefined;
  }
  if (error.code === 'RESOURCE_LIMIT') {
    report('frontmatter/yaml-syntax', `Frontmatter rejected: ${error.message}`, errorAt);
    return undefined;
  }
  const where = `${errorAt.line}:${errorAt.column}`;

  let claudeCode: Frontmatter | undefined;
  try {
    claudeCode = readClaudeCodeFallback(block.raw, block.offset, locator, tokens);
  } catch {
    // Not a mapping, or YAML's own limits (an alias to nothing, too many aliases): not Claude Code's reading either.
    claudeCode = undefined;
  }
  if (claudeCode) {
    report('frontmatter/dialect', `Frontmatter is not valid YAML (${error.message}, at ${where}); read the way Claude Code reads it`, errorAt);
    reportDuplicateKeys(block, locator, report);
    return claudeCode;
  }

  const recovered = readRecovered(block.raw, block.offset, locator);
  if ('error' in recovered) {
    report('frontmatter/yaml-syntax', `${recovered.error} (YAML: ${error.message}, at ${where})`, locator.point(block.offset + recovered.offset));
    return undefined;
  }
  report('frontmatter/dialect', `Frontmatter is not valid YAML (${error.message}, at ${where}); read as the author evidently meant it`, errorAt);
  for (const duplicate of recovered.duplicates) {
    report('frontmatter/duplicate-key', `\`${duplicate.key}\` is set more than once; the last one wins`, duplicate.range);
  }
  return recovered;
}

function reportDuplicateKeys(block: FrontmatterBlock, locator: Locator, report: Report): void {
  const seen = new Set<string>();
  for (const line of splitLines(block.raw)) {
    const key = matchKeyLine(line.text)?.key;
    if (key === undefined) continue;
    if (seen.has(key)) {
      const start = locator.point(block.offset + line.offset);
      report('frontmatter/duplicate-key', `\`${key}\` is set more than once; the last one wins, as in Claude Code`, {
        start,
        end: { line: start.line, column: start.column + key.length },
      });
    }
    seen.add(key);
  }
}
