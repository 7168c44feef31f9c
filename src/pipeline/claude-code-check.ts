/**
 * Stage 5b: compare agentc's reading with Claude Code's (../claude-code/reader.ts) and say
 * where they part: a file Claude Code silently ignores, or a field it reads differently.
 * agentc keeps its own reading (the author's evident intent); the warning tells the author
 * what Claude Code will do with the file as written.
 */
import type { Report } from '../diagnostics.js';
import { readLikeClaudeCode } from '../claude-code/reader.js';
import type { Locator } from '../util/text.js';
import type { Frontmatter } from './frontmatter/index.js';
import type { FrontmatterBlock } from './parse.js';
import { normalizeModel } from './normalize/index.js';

export interface AgentcReading {
  /** The name as written (undefined when agentc took the file name). */
  name: unknown;
  /** The description after normalization (literal `\n` as newlines). */
  description: unknown;
  /** The model as written. */
  model: unknown;
}

export function checkClaudeCode(text: string, block: FrontmatterBlock, frontmatter: Frontmatter, reading: AgentcReading, locator: Locator, report: Report): void {
  // YAML and Claude Code's fallback are the readings Claude Code itself makes of the same text
  // (duplicate keys: the last wins in both), so their values need not be parsed a second time.
  // The fallback's only if the text is the same to the byte: a last line that ends in `\r` for
  // Claude Code (CRLF) is not rewritten, so there its reading differs.
  const claudeCode = readLikeClaudeCode(text, known(block, frontmatter));
  if (!claudeCode.loaded) {
    // agentc reports a missing or mistyped description itself, as an error.
    if (claudeCode.why === 'description' && typeof reading.description !== 'string') return;
    const at = claudeCode.offset !== undefined ? { line: locator.point(claudeCode.offset).line, column: 1 } : { line: 1, column: 1 };
    const advice =
      claudeCode.why === 'yaml' ? '`agents fix` rewrites it as valid YAML' : claudeCode.why === 'name' && reading.name === undefined ? 'add a `name` field' : 'agentc compiled it anyway';
    report('claude-code/not-loaded', `Claude Code will not load this file: ${claudeCode.reason}; ${advice}`, at);
    return;
  }
  const model = typeof reading.model === 'string' ? normalizeModel(reading.model) : null;
  const differences: [field: string, theirs: string | null][] = [];
  if (claudeCode.name !== reading.name) differences.push(['name', claudeCode.name]);
  if (claudeCode.description !== reading.description) differences.push(['description', claudeCode.description]);
  if (claudeCode.model !== model) differences.push(['model', claudeCode.model]);
  if (differences.length === 0) return;
  const cut = claudeCode.raw.length + 3 < block.raw.length ? ` (it ends the frontmatter at the \`---\` on line ${locator.point(claudeCode.offset + claudeCode.raw.length).line})` : '';
  const detail = differences.map(([field, theirs]) => `\`${field}\` as ${JSON.stringify(theirs && theirs.length > 60 ? `${theirs.slice(0, 60)}…` : theirs)}`).join(', ');
  const advice = cut ? 'avoid `---` inside frontmatter values' : '`agents fix` rewrites it so both read the same';
  report('claude-code/differs', `Claude Code reads this file differently${cut}: ${detail}; ${advice}`, frontmatter.locate([differences[0]![0]], 'key')?.start ?? { line: 1, column: 1 });
}

function known(block: FrontmatterBlock, frontmatter: Frontmatter): { raw: string; value: unknown; exact?: boolean } | undefined {
  if (frontmatter.mode === 'yaml') return { raw: block.raw, value: frontmatter.data };
  if (frontmatter.mode === 'claude-code') return { raw: `${block.raw}\n`, value: frontmatter.data, exact: true };
  return undefined;
}
