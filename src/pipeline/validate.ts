/**
 * Stage 5, validate: zod checks the normalized fields; every issue becomes a diagnostic at
 * the offending key or value, in the file's own line numbers.
 */
import type { Report } from '../diagnostics.js';
import { AgentFieldsSchema, CLAUDE_CODE_COLORS, type AgentFields } from '../ir.js';
import type { Frontmatter } from './frontmatter/index.js';
import { closest } from '../util/closest.js';

/** Claude Code's convention (Anthropic's plugin validator): 3-50 of [a-z0-9-], alphanumeric ends. */
const NAME_FORMAT = /^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/;
/** What may become a file name on every OS: dist/agents/<name>.json. */
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

export function validateFields(fields: Record<string, unknown>, frontmatter: Frontmatter, report: Report): AgentFields | undefined {
  const parsed = AgentFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const missing = issue.code === 'invalid_type' && fields[key] === undefined;
      if (missing) {
        report('agent/required', `Missing required field \`${key}\``, { line: 1, column: 1 });
      } else {
        const at = frontmatter.locate(issue.path as (string | number)[]) ?? frontmatter.locate([key]);
        report('agent/invalid-field', `\`${issue.path.join('.')}\`: ${issue.message}`, at);
      }
    }
    return undefined;
  }
  const agent = parsed.data;
  // zod rebuilds records and skips a `__proto__` key: keep the validated input itself, so such
  // keys stay own data instead of being dropped silently.
  for (const key of ['hooks', 'mcpServers'] as const) {
    if (fields[key] !== undefined) Object.defineProperty(agent, key, { value: fields[key], writable: true, enumerable: true, configurable: true });
  }
  // Located only when reported: most names are fine.
  const nameAt = () => frontmatter.locate(['name']) ?? { line: 1, column: 1 };
  if (!SAFE_NAME.test(agent.name) || WINDOWS_RESERVED.test(agent.name)) {
    const why = WINDOWS_RESERVED.test(agent.name) ? 'it is a reserved device name on Windows' : 'only letters, digits, `.`, `_` and `-` are allowed, starting and ending with a letter or digit';
    report('agent/name-unsafe', `Name ${JSON.stringify(agent.name)} cannot become a file name: ${why}`, nameAt());
    return undefined;
  }
  if (!NAME_FORMAT.test(agent.name)) {
    report('agent/name-format', `Name ${JSON.stringify(agent.name)} should be 3-50 lowercase letters, digits and hyphens, starting and ending with a letter or digit`, nameAt());
  }
  if (agent.color !== undefined && !(CLAUDE_CODE_COLORS as readonly string[]).includes(agent.color)) {
    const close = closest(agent.color, CLAUDE_CODE_COLORS);
    report(
      'agent/unknown-color',
      `Claude Code does not know the color ${JSON.stringify(agent.color)}${close ? `; did you mean \`${close}\`?` : ` (it knows ${CLAUDE_CODE_COLORS.join(', ')})`}`,
      frontmatter.locate(['color']),
    );
  }
  return agent;
}
