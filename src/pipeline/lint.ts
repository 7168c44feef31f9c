/**
 * Stage 5c, lint: advice on agents that compile, after Anthropic's own plugin validator
 * (plugins/plugin-dev/.../validate-agent.sh in anthropics/claude-code): a description long
 * enough to route on, `<example>` blocks, a system prompt that is neither empty nor huge,
 * tool names Claude Code knows, a name that matches its file. Name format, color and model
 * are checked where those fields are read (validate.ts, resolve.ts).
 */
import path from 'node:path';
import type { Point, Range, Report } from '../diagnostics.js';
import type { AgentFields } from '../ir.js';
import { closest } from '../util/closest.js';
import { codePointLength, type Locator } from '../util/text.js';
import type { Frontmatter } from './frontmatter/index.js';

/**
 * Claude Code's tools (code.claude.com/docs/en/tools-reference, 2026), plus names older
 * versions used that real files still list (Task, MultiEdit, LS, NotebookRead, TodoRead, ...).
 */
export const CLAUDE_CODE_TOOLS = [
  'Agent', 'AskUserQuestion', 'Bash', 'BashOutput', 'CronCreate', 'CronDelete', 'CronList', 'Edit', 'EnterPlanMode',
  'EnterWorktree', 'ExitPlanMode', 'ExitWorktree', 'Glob', 'Grep', 'KillBash', 'KillShell', 'LS', 'LSP', 'ListMcpResourcesTool',
  'Monitor', 'MultiEdit', 'NotebookEdit', 'NotebookRead', 'PowerShell', 'Read', 'ReadMcpResourceTool', 'SendMessage', 'Skill',
  'SlashCommand', 'Task', 'TaskCreate', 'TaskGet', 'TaskList', 'TaskOutput', 'TaskStop', 'TaskUpdate', 'TeamCreate', 'TeamDelete',
  'TodoRead', 'TodoWrite', 'ToolSearch', 'WebFetch', 'WebSearch', 'Write',
] as const;

const KNOWN_TOOLS = new Set<string>(CLAUDE_CODE_TOOLS);
/** `mcp__server`, `mcp__server__tool`, `mcp__server__*`. */
const MCP_TOOL = /^mcp__[^\s_]\S*$/;
/** A permission specifier: `Bash(git add:*)`, `Agent(reviewer, tester)`, `Read(./src/**)`. */
const SPECIFIER = /^([A-Za-z]+)\(([\s\S]*)\)$/;

export const DESCRIPTION_MIN = 10;
export const PROMPT_MIN = 20;
export const PROMPT_MAX = 10_000;

export interface LintInput {
  fields: AgentFields;
  frontmatter: Frontmatter;
  /** The whole file's text (for the column of a tool inside a comma-separated value). */
  text: string;
  locator: Locator;
  body: string;
  bodyOffset: number;
  sourcePath: string;
}

/** Why a tool name is not one Claude Code knows, with the closest known form; undefined when it is fine. */
export function checkToolName(tool: string): { suggestion?: string } | undefined {
  if (tool === '*' || KNOWN_TOOLS.has(tool) || MCP_TOOL.test(tool)) return undefined;
  const specifier = SPECIFIER.exec(tool);
  if (specifier) {
    if (KNOWN_TOOLS.has(specifier[1]!)) return undefined;
    const base = closest(specifier[1]!, CLAUDE_CODE_TOOLS);
    return { suggestion: base && `${base}(${specifier[2]})` };
  }
  if (/^mcp_[^_]/i.test(tool) || /^mcp__$/i.test(tool)) return {};
  return { suggestion: closest(tool, CLAUDE_CODE_TOOLS) };
}

export function lintAgent(input: LintInput, report: Report): void {
  const { fields, frontmatter } = input;

  const description = fields.description.trim();
  if (description.length < DESCRIPTION_MIN) {
    report('agent/description-short', `The description is ${description.length} characters; Claude Code routes tasks on it, so say when to use this agent (at least ${DESCRIPTION_MIN})`, frontmatter.locate(['description']));
  }
  if (!/<example>/i.test(fields.description)) {
    report('agent/no-examples', 'The description has no `<example>` blocks; examples of when to use the agent make Claude Code pick it reliably', frontmatter.locate(['description'], 'key'));
  }

  const prompt = input.body.trim();
  if (prompt.length < PROMPT_MIN) {
    const what = prompt.length === 0 ? 'is empty' : `is ${prompt.length} characters`;
    report('agent/prompt-short', `The system prompt (the body after the frontmatter) ${what}; write at least ${PROMPT_MIN} characters of instructions`, input.locator.point(input.bodyOffset));
  }
  // A body of at most PROMPT_MAX code units has at most that many code points: only longer
  // bodies are counted (the count walks every character; most bodies are short).
  const length = input.body.length > PROMPT_MAX ? codePointLength(input.body) : input.body.length;
  if (length > PROMPT_MAX) {
    report('agent/prompt-long', `The system prompt is ${thousands(length)} characters, over ${thousands(PROMPT_MAX)}; a long prompt costs context on every call`, input.locator.point(input.bodyOffset));
  }

  // Split once, only when a tool needs a position: a hostile file may list thousands of names.
  let lines: string[] | undefined;
  const textLines = () => (lines ??= input.text.split('\n'));
  for (const key of ['tools', 'disallowedTools'] as const) {
    for (const tool of fields[key] ?? []) {
      const problem = checkToolName(tool);
      if (!problem) continue;
      const hint = problem.suggestion ? `; did you mean \`${problem.suggestion}\`?` : ' (Claude Code tools, `mcp__server__tool`, `mcp__server__*` or `Tool(specifier)`)';
      report('agent/unknown-tool', `\`${key}\`: Claude Code has no tool \`${tool}\`${hint}`, toolRange(input, key, tool, textLines()));
    }
  }

  const written = frontmatter.data.name;
  const fileName = path.posix.basename(input.sourcePath).replace(/\.md$/i, '');
  if (typeof written === 'string' && written !== fileName) {
    report('agent/name-mismatch', `The name \`${written}\` differs from the file name \`${fileName}\`; naming the file \`${written}.md\` makes the agent easy to find`, frontmatter.locate(['name']));
  }
}

/** Where `tool` is written inside the value of `key`: its own list item, or its place in the comma-separated text. */
function toolRange(input: LintInput, key: string, tool: string, lines: readonly string[]): Range | undefined {
  const raw = input.frontmatter.data[key];
  const index = Array.isArray(raw) ? itemIndex(raw, tool) : -1;
  const value = (index >= 0 ? input.frontmatter.locate([key, index]) : undefined) ?? input.frontmatter.locate([key]);
  if (!value) return undefined;
  const last = value.end?.line ?? value.start.line;
  for (let line = value.start.line; line <= last && line <= lines.length; line++) {
    const from = line === value.start.line ? value.start.column - 1 : 0;
    const column = lines[line - 1]!.indexOf(tool, from);
    if (column !== -1) {
      const start: Point = { line, column: column + 1 };
      return { start, end: { line, column: column + 1 + tool.length } };
    }
  }
  return value;
}

/** Which list item wrote `tool` (`- Read, Grep` items hold several). Indexed once per list: lists may be long. */
const itemIndexes = new WeakMap<unknown[], Map<string, number>>();
function itemIndex(items: unknown[], tool: string): number {
  let index = itemIndexes.get(items);
  if (!index) {
    index = new Map();
    for (const [i, item] of items.entries()) {
      if (typeof item !== 'string') continue;
      for (const piece of [item.trim(), ...item.split(',').map((p) => p.trim())]) if (!index.has(piece)) index.set(piece, i);
    }
    itemIndexes.set(items, index);
  }
  return index.get(tool) ?? items.findIndex((item) => typeof item === 'string' && item.includes(tool));
}

/** 12345 -> "12,345", without locale data (the same on every machine). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
