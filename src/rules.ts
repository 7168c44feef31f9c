/**
 * Every diagnostic agentc can report, with a stable id and its default severity.
 * The config's `rules` map can set any of them to 'off', 'info', 'warn' or 'error'.
 */
export type Severity = 'error' | 'warning' | 'info';

interface RuleInfo {
  readonly severity: Severity;
  readonly description: string;
  /** Guards an invariant (file safety, the tools invariant): the config cannot change it. */
  readonly locked?: true;
}

export const RULES = {
  'file/unreadable': { severity: 'error', locked: true, description: 'The file could not be read (permissions, deleted, not a file).' },
  'file/too-large': { severity: 'error', locked: true, description: 'The file is larger than `limits.maxFileBytes`.' },
  'file/encoding': { severity: 'error', locked: true, description: 'The file is not valid UTF-8.' },
  'file/nul-byte': { severity: 'error', locked: true, description: 'The file contains a NUL byte (binary data).' },
  'file/empty': { severity: 'error', locked: true, description: 'The file is empty.' },
  'file/bom': { severity: 'info', description: 'The file starts with a byte order mark, which is ignored.' },
  'frontmatter/missing': { severity: 'error', locked: true, description: 'The file does not start with a `---` frontmatter block.' },
  'frontmatter/unclosed': { severity: 'error', locked: true, description: 'The frontmatter block has no closing `---` line.' },
  'frontmatter/line-ending': { severity: 'error', locked: true, description: 'A carriage return without a line feed lets a `---` end the frontmatter before the line that closes it.' },
  'frontmatter/yaml-syntax': { severity: 'error', locked: true, description: 'The frontmatter is neither YAML nor readable as the Claude Code dialect.' },
  'frontmatter/too-large': { severity: 'error', locked: true, description: 'The frontmatter exceeds `limits.maxFrontmatterBytes`, `maxFrontmatterLines` or `maxNestingDepth`; it is not parsed.' },
  'frontmatter/not-mapping': { severity: 'error', locked: true, description: 'The frontmatter is not a mapping of `key: value` fields.' },
  'frontmatter/dialect': { severity: 'warning', description: 'The frontmatter is not valid YAML; it was read the way Claude Code reads it. `agents fix` rewrites it.' },
  'frontmatter/duplicate-key': { severity: 'warning', description: 'A key appears twice; the last one wins, as in Claude Code.' },
  'claude-code/not-loaded': { severity: 'warning', description: 'Claude Code silently ignores this file as written; agentc compiled its evident intent.' },
  'claude-code/differs': { severity: 'warning', description: 'Claude Code loads this file but reads its name, description or model differently from agentc (e.g. a `---` inside the frontmatter ends it early for Claude Code).' },
  'agent/name-missing': { severity: 'warning', description: 'No `name`; the file name is used.' },
  'agent/name-format': { severity: 'warning', description: 'The name is not 3-50 lowercase letters, digits and hyphens, starting and ending alphanumeric (Claude Code\'s convention).' },
  'agent/name-unsafe': { severity: 'error', locked: true, description: 'The name cannot become a file name: only letters, digits, `.`, `_` and `-` (1-128, starting and ending alphanumeric), no device names like `con`.' },
  'agent/duplicate-name': { severity: 'error', locked: true, description: 'Two files define the same agent name (compared case-insensitively: they would collide on macOS and Windows).' },
  'agent/required': { severity: 'error', locked: true, description: 'A required field (`description`) is missing or empty.' },
  'agent/invalid-field': { severity: 'error', locked: true, description: 'A field has the wrong type or an unknown value.' },
  'agent/tools-unreadable': { severity: 'error', locked: true, description: 'A `tools`/`disallowedTools` value cannot be read as a list of tool names; it is never treated as absent.' },
  'agent/tools-map': { severity: 'warning', description: 'A `{ tool: true }` map was read as the list of its true entries.' },
  'agent/unknown-color': { severity: 'warning', description: 'A `color` Claude Code does not know.' },
  'model/unknown': { severity: 'warning', description: 'A `model` that is neither `inherit`, a configured alias, nor a full model id.' },
  'agent/unknown-tool': { severity: 'warning', description: 'A `tools`/`disallowedTools` entry that is not a Claude Code tool, `mcp__server__tool`, `mcp__server__*`, `mcp__server` or `Tool(specifier)`; suggests the closest tool.' },
  'agent/description-short': { severity: 'warning', description: 'The description is shorter than 10 characters: too little for Claude Code to route on.' },
  'agent/no-examples': { severity: 'info', description: 'The description has no `<example>` blocks (recommended by Anthropic\'s plugin validator).' },
  'agent/prompt-short': { severity: 'warning', description: 'The system prompt (the body) is empty or shorter than 20 characters.' },
  'agent/prompt-long': { severity: 'warning', description: 'The system prompt is longer than 10,000 characters.' },
  'agent/name-mismatch': { severity: 'info', description: 'The `name` differs from the file name (without `.md`).' },
  'fix/unverified': { severity: 'error', locked: true, description: '`agents fix` could not prove that its rewrite keeps every value (strict YAML re-read, body, compiled agent, Claude Code\'s reading), so it left the file as it is.' },
  'fix/write-failed': { severity: 'error', locked: true, description: '`agents fix` could not write the fixed file (read-only file or folder); it is left as it was.' },
  'target/dropped-field': { severity: 'info', description: 'A target has no place for a field (the Claude Agent SDK has no `color`, `hooks`, `isolation` or unknown keys); that target leaves it out and names it.' },
  'target/dropped-permission-mode': { severity: 'warning', description: 'The claude-agent-sdk target cannot express the agent\'s `permissionMode` (e.g. `manual`): the subagent would run in its parent\'s mode, which may allow more.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;
export type RuleSetting = 'off' | 'info' | 'warn' | 'error';
export type RuleSettings = Partial<Record<RuleId, RuleSetting>>;

/** The severity a rule reports with under the given settings, or undefined when it is off. */
export function severityOf(ruleId: RuleId, settings: RuleSettings | undefined): Severity | undefined {
  const rule: RuleInfo = RULES[ruleId];
  const setting = settings?.[ruleId];
  if (setting === undefined || rule.locked) return rule.severity;
  if (setting === 'off') return undefined;
  return setting === 'warn' ? 'warning' : setting;
}
