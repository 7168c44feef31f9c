/** Lint rules: each fires at the right place with a useful message, and the config can tune them. */
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../src/pipeline/analyze.js';
import { checkToolName } from '../src/pipeline/lint.js';
import { RULES, type RuleSettings } from '../src/rules.js';
import { closest, editDistance } from '../src/util/closest.js';
import { configFor } from './helpers/project.js';

const config = configFor('/project');
const DESCRIPTION = `'Use this agent to review code. <example>user: "review" assistant: "ok"</example>'`;
const BODY = 'You review code and say what to change.\n';

function lint(text: string, file = 'agents/rev.md', rules: RuleSettings = {}) {
  const vfile = new VFile({ path: file, value: text });
  const agent = analyzeText(vfile, text, '', { ...config, rules });
  const messages = vfile.messages.map((m) => ({ rule: m.ruleId, line: m.line, column: m.column, severity: m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info', reason: m.reason }));
  return { agent, messages };
}

const agentFile = (fields: string, body = BODY) => `---\nname: rev\ndescription: ${DESCRIPTION}\n${fields}---\n${body}`;
const only = (text: string, rule: string, file?: string) => lint(text, file).messages.filter((m) => m.rule === rule);

describe('lint', () => {
  it('a good agent has no messages', () => {
    expect(lint(agentFile('tools: Read, Grep\nmodel: sonnet\ncolor: blue\n')).messages).toEqual([]);
  });

  it('agent/unknown-tool: a typo, with the closest tool, at the tool itself', () => {
    const text = agentFile('tools: Read, Grpe, WebFecth\n');
    expect(only(text, 'agent/unknown-tool')).toEqual([
      { rule: 'agent/unknown-tool', line: 4, column: 14, severity: 'warning', reason: '`tools`: Claude Code has no tool `Grpe`; did you mean `Grep`?' },
      { rule: 'agent/unknown-tool', line: 4, column: 20, severity: 'warning', reason: '`tools`: Claude Code has no tool `WebFecth`; did you mean `WebFetch`?' },
    ]);
  });

  it('agent/unknown-tool: wrong case, block lists, disallowedTools, and names with no close match', () => {
    const text = agentFile('tools:\n  - Read\n  - bash\ndisallowedTools: [Wirte]\n');
    expect(only(text, 'agent/unknown-tool').map((m) => [m.line, m.column, m.reason])).toEqual([
      [6, 5, '`tools`: Claude Code has no tool `bash`; did you mean `Bash`?'],
      [7, 19, '`disallowedTools`: Claude Code has no tool `Wirte`; did you mean `Write`?'],
    ]);
    expect(only(agentFile('tools: Read, sequential-thinking\n'), 'agent/unknown-tool')[0]!.reason).toBe(
      '`tools`: Claude Code has no tool `sequential-thinking` (Claude Code tools, `mcp__server__tool`, `mcp__server__*` or `Tool(specifier)`)',
    );
  });

  it('accepts every form Claude Code accepts', () => {
    for (const tool of ['Read', 'Task', 'Agent', 'MultiEdit', 'LS', 'TodoWrite', 'NotebookEdit', 'ExitPlanMode', 'Skill', 'AskUserQuestion', '*', 'mcp__github', 'mcp__github__*', 'mcp__github__create_issue', 'mcp__plugin_x_y__do-it', 'Agent(reviewer, tester)', 'Task(explorer)', 'Bash(git add:*)', 'Read(./src/**)', 'WebFetch(domain:example.com)']) {
      expect(checkToolName(tool), tool).toBeUndefined();
    }
    expect(checkToolName('Bsh(git:*)')).toEqual({ suggestion: 'Bash(git:*)' });
    expect(checkToolName('mcp_github')).toEqual({});
    expect(checkToolName('mcp__')).toEqual({});
    const text = agentFile('tools: Read, Agent(a, b), mcp__srv__*, Bash(npm run:*)\n');
    expect(only(text, 'agent/unknown-tool')).toEqual([]);
  });

  it('agent/description-short: under 10 characters', () => {
    const text = `---\nname: rev\ndescription: Reviews\n---\n${BODY}`;
    expect(only(text, 'agent/description-short')).toEqual([
      { rule: 'agent/description-short', line: 3, column: 14, severity: 'warning', reason: 'The description is 7 characters; Claude Code routes tasks on it, so say when to use this agent (at least 10)' },
    ]);
    expect(only(`---\nname: rev\ndescription: Reviews it\n---\n${BODY}`, 'agent/description-short')).toEqual([]);
  });

  it('agent/no-examples: info at the description key', () => {
    const text = `---\nname: rev\ndescription: Use this agent to review code.\n---\n${BODY}`;
    expect(only(text, 'agent/no-examples')).toEqual([
      { rule: 'agent/no-examples', line: 3, column: 1, severity: 'info', reason: 'The description has no `<example>` blocks; examples of when to use the agent make Claude Code pick it reliably' },
    ]);
  });

  it('agent/prompt-short: empty or under 20 characters, at the start of the body', () => {
    expect(only(agentFile('', ''), 'agent/prompt-short')).toEqual([
      { rule: 'agent/prompt-short', line: 5, column: 1, severity: 'warning', reason: 'The system prompt (the body after the frontmatter) is empty; write at least 20 characters of instructions' },
    ]);
    expect(only(agentFile('', '\n  You review.  \n'), 'agent/prompt-short')[0]!.reason).toContain('is 11 characters');
    expect(only(agentFile('', 'You review code here.'), 'agent/prompt-short')).toEqual([]);
  });

  it('agent/prompt-long: past 10,000 characters', () => {
    expect(only(agentFile('', 'x'.repeat(10_000)), 'agent/prompt-long')).toEqual([]);
    expect(only(agentFile('', `${'x'.repeat(9_999)}é\n`), 'agent/prompt-long')[0]!.reason).toBe('The system prompt is 10,001 characters, over 10,000; a long prompt costs context on every call');
  });

  it('agent/name-mismatch: info when the name is not the file name', () => {
    expect(only(agentFile(''), 'agent/name-mismatch', 'agents/reviewer.md')).toEqual([
      { rule: 'agent/name-mismatch', line: 2, column: 7, severity: 'info', reason: 'The name `rev` differs from the file name `reviewer`; naming the file `rev.md` makes the agent easy to find' },
    ]);
    // No name at all: agent/name-missing says so; no second message.
    expect(only(`---\ndescription: ${DESCRIPTION}\n---\n${BODY}`, 'agent/name-mismatch', 'agents/reviewer.md')).toEqual([]);
  });

  it('agent/name-format: Claude Code\'s convention (3-50 of a-z, 0-9, -)', () => {
    for (const name of ['ab', 'Reviewer', 'code_reviewer', 'a.b', `a${'b'.repeat(50)}`]) {
      expect(only(agentFile('').replace('name: rev', `name: ${name}`), 'agent/name-format'), name).toHaveLength(1);
    }
    expect(only(agentFile('').replace('name: rev', 'name: code-reviewer-2'), 'agent/name-format')).toEqual([]);
  });

  it('agent/unknown-color: says which known color was meant', () => {
    expect(only(agentFile('color: Blue\n'), 'agent/unknown-color')[0]).toEqual({ rule: 'agent/unknown-color', line: 4, column: 8, severity: 'warning', reason: 'Claude Code does not know the color "Blue"; did you mean `blue`?' });
    expect(only(agentFile('color: purpel\n'), 'agent/unknown-color')[0]!.reason).toContain('did you mean `purple`?');
    expect(only(agentFile('color: magenta\n'), 'agent/unknown-color')[0]!.reason).toBe('Claude Code does not know the color "magenta" (it knows red, blue, green, yellow, purple, orange, pink, cyan)');
  });

  it('model/unknown: suggests the alias for a typo', () => {
    expect(only(agentFile('model: sonet\n'), 'model/unknown')[0]!.reason).toContain('did you mean `sonnet`?');
    expect(only(agentFile('model: gpt-4o\n'), 'model/unknown')[0]!.reason).not.toContain('did you mean');
    expect(only(agentFile('model: claude-opus-4-1\n'), 'model/unknown')).toEqual([]);
  });

  it('the config sets any lint rule to off, info, warn or error', () => {
    const text = agentFile('tools: Grpe\n', 'Hi.\n');
    const severities = (rules: RuleSettings) => lint(text, 'agents/rev.md', rules).messages.map((m) => `${m.rule}:${m.severity}`).sort();
    expect(severities({})).toEqual(['agent/prompt-short:warning', 'agent/unknown-tool:warning']);
    expect(severities({ 'agent/unknown-tool': 'off', 'agent/prompt-short': 'error' })).toEqual(['agent/prompt-short:error']);
    expect(severities({ 'agent/unknown-tool': 'info' })).toEqual(['agent/prompt-short:warning', 'agent/unknown-tool:info']);
    // A lint error does not drop the agent: it compiles, and the build fails on the error count.
    expect(lint(text, 'agents/rev.md', { 'agent/prompt-short': 'error' }).agent?.name).toBe('rev');
  });

  it('lint rules are not locked; fix/unverified is', () => {
    for (const id of ['agent/unknown-tool', 'agent/description-short', 'agent/no-examples', 'agent/prompt-short', 'agent/prompt-long', 'agent/name-mismatch'] as const) {
      expect('locked' in RULES[id], id).toBe(false);
    }
    expect(RULES['fix/unverified']).toMatchObject({ severity: 'error', locked: true });
  });
});

describe('closest', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('Taks', 'Task')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    // Bounded: stops early and answers max + 1 when the distance is larger.
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(editDistance('Taks', 'Task', 1)).toBe(1);
    expect(editDistance('x'.repeat(60_000), 'Read', 3)).toBe(4);
  });

  it('prefers a case-insensitive match, then the nearest within a few edits', () => {
    expect(closest('READ', ['Read', 'Reed'])).toBe('Read');
    expect(closest('Gerp', ['Glob', 'Grep'])).toBe('Grep');
    expect(closest('xyz', ['Read', 'Grep'])).toBeUndefined();
  });
});

describe('the README rules table', () => {
  it('has exactly one row per rule, with its default severity and description from src/rules.ts', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO } = await import('./helpers/project.js');
    const readme = readFileSync(`${REPO}/README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('\n## Rules\n'), readme.indexOf('\n## ', readme.indexOf('\n## Rules\n') + 1));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const expected = Object.entries(RULES).map(([id, rule]) => `| \`${id}\` | ${rule.severity}${'locked' in rule && rule.locked ? ' (locked)' : ''} | ${rule.description} |`);
    expect([...rows].sort()).toEqual([...expected].sort());
  });
});
