/**
 * The tools invariant's last line of defence: an absent `tools` grants every tool, so a tools
 * key the author evidently wrote but no reader took as the field must be an error, not
 * "absent". Found by fuzzing: `tools:Read` (no space), an indented ` tools: Read`, or
 * `Tools: Read` all compiled to an agent with every tool.
 *
 * In strict YAML the top-level keys are exact, so only a key that differs from `tools` /
 * `disallowedTools` by case or spacing, with the exact field absent, is suspicious. In the dialect and recovered readings the
 * line structure is a guess, so any line that starts (after indentation, optional quotes) with
 * such a key and a colon is.
 */
import type { Report } from '../diagnostics.js';
import type { Locator } from '../util/text.js';
import type { Frontmatter } from './frontmatter/index.js';
import type { FrontmatterBlock } from './parse.js';

const FIELDS = ['tools', 'disallowedTools'] as const;
const LOOSE_KEY = /^[ \t]*["']?[ \t]*(tools|disallowed[ _-]?tools)[ \t]*["']?[ \t]*:/i;

/** True when every tools-like key written in the frontmatter was read as its field. */
export function checkToolsWritten(block: FrontmatterBlock, frontmatter: Frontmatter, locator: Locator, report: Report): boolean {
  let ok = true;
  if (frontmatter.mode === 'yaml') {
    for (const key of Object.keys(frontmatter.data)) {
      const field = fieldFor(key);
      if (field === undefined || key === field || Object.hasOwn(frontmatter.data, field)) continue;
      report('agent/tools-unreadable', `\`${key}\` is not \`${field}\` (keys are case-sensitive), so it would grant every tool; write \`${field}:\``, frontmatter.locate([key], 'key'));
      ok = false;
    }
    return ok;
  }
  let offset = 0;
  for (const line of block.raw.split('\n')) {
    const match = LOOSE_KEY.exec(line);
    const field = match ? fieldFor(match[1]!) : undefined;
    if (field !== undefined && !Object.hasOwn(frontmatter.data, field)) {
      report(
        'agent/tools-unreadable',
        `This line looks like \`${field}\` but was not read as the field (the frontmatter is not valid YAML), so the agent would get every tool; write \`${field}: ...\` at the start of a line`,
        locator.point(block.offset + offset),
      );
      ok = false;
    }
    offset += line.length + 1;
  }
  return ok;
}

function fieldFor(key: string): (typeof FIELDS)[number] | undefined {
  const squashed = key.replace(/[\s_-]/g, '').toLowerCase();
  // `tools:Read:` is valid YAML: the key `tools:Read` with no value.
  return FIELDS.find((field) => field.toLowerCase() === squashed || squashed.startsWith(`${field.toLowerCase()}:`));
}
