/**
 * Stage 3, read frontmatter: strict YAML first; if that fails, Claude Code's own fallback;
 * if Claude Code would drop the file, agentc's reading of the author's intent. Each step down
 * is reported, with the position of the first YAML error.
 */
import type { Point, Report } from '../../diagnostics.js';
import type { Locator } from '../../util/text.js';
import type { FrontmatterBlock } from '../parse.js';
import { readClaudeCodeFallback, rewriteLikeClaudeCode } from './claude-code.js';
import { matchKeyLine, splitLines } from './lines.js';
import { readRecovered } from './recover.js';
import { NotMappingError, readStrictYaml } from './strict.js';
import type { Frontmatter } from './types.js';
import { parseDocument } from 'yaml';

export type { Frontmatter, FrontmatterMode, FieldPath } from './types.js';

export function readFrontmatter(block: FrontmatterBlock, locator: Locator, report: Report): Frontmatter | undefined {
  const strict = readStrictYaml(block.raw, block.offset, locator);
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
    claudeCode = readClaudeCodeFallback(claudeCodeRaw(block), block.offset, locator);
  } catch (notMapping) {
    if (!(notMapping instanceof NotMappingError)) throw notMapping;
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
  const why = whyClaudeCodeDrops(block, locator);
  report('claude-code/not-loaded', `Claude Code will not load this file (${why.reason}); \`agents fix\` rewrites it as valid YAML`, why.at);
  return recovered;
}

/** The frontmatter as Claude Code captures it: up to the closing fence's line break, so a CRLF file's last line keeps its `\r`. */
function claudeCodeRaw(block: FrontmatterBlock): string {
  return block.crlfBeforeClose ? `${block.raw}\r` : block.raw;
}

/** Where and why Claude Code's fallback fails on this frontmatter. */
function whyClaudeCodeDrops(block: FrontmatterBlock, locator: Locator): { reason: string; at: Point } {
  const firstLine = locator.point(block.offset).line;
  if (block.raw.includes('\r')) {
    return { reason: 'its frontmatter is not valid YAML and has CRLF line endings', at: { line: firstLine, column: 1 } };
  }
  const { text } = rewriteLikeClaudeCode(claudeCodeRaw(block));
  const error = parseDocument(text, { prettyErrors: false, uniqueKeys: false }).errors[0];
  // The rewrite changes lines in place, so its line numbers are the file's.
  const index = error ? text.slice(0, error.pos[0]).split('\n').length - 1 : 0;
  const lines = block.raw.split('\n');
  const line = firstLine + index;
  if (/:[ \t]*$/.test(lines[index] ?? '') && matchKeyLine(lines[index] ?? '')?.valueColumn !== (lines[index] ?? '').length) {
    return { reason: `the value on line ${line} ends in \`:\``, at: { line, column: 1 } };
  }
  return { reason: `the value above line ${line} continues onto it`, at: { line, column: 1 } };
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
