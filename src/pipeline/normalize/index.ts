/**
 * Stage 4, normalize: raw frontmatter -> the fields the schema validates, plus summary,
 * examples and `extra`. Shapes are unified here (tool lists, literal `\n`); types are checked
 * by the next stage.
 */
import path from 'node:path';
import type { Report } from '../../diagnostics.js';
import { KNOWN_FIELD_NAMES, type AgentExample } from '../../ir.js';
import type { Frontmatter } from '../frontmatter/index.js';
import { setOwn } from '../frontmatter/types.js';
import { splitDescription } from './description.js';
import { readToolList } from './tools.js';
import { claudeCodeModel } from '../../claude-code/reader.js';

export interface NormalizedAgent {
  /** Known fields, shapes unified, not yet validated. */
  fields: Record<string, unknown>;
  summary: string;
  examples: AgentExample[];
  /** Unknown frontmatter keys, values as read. */
  extra: Record<string, unknown>;
  /** An error was reported: validate the rest (to report everything at once), then drop the agent. */
  failed: boolean;
}

const KNOWN = new Set<string>(KNOWN_FIELD_NAMES);
const TOOL_FIELDS = ['tools', 'disallowedTools'] as const;

export function normalizeAgent(frontmatter: Frontmatter, sourcePath: string, report: Report): NormalizedAgent {
  const fields: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  let ok = true;

  for (const [key, value] of Object.entries(frontmatter.data)) {
    if (!KNOWN.has(key)) {
      setOwn(extra, key, value);
      continue;
    }
    if (value === null && !(TOOL_FIELDS as readonly string[]).includes(key)) {
      report('agent/invalid-field', `\`${key}\` is empty; remove the line or give it a value`, frontmatter.locate([key], 'key'));
      ok = false;
      continue;
    }
    setOwn(fields, key, value);
  }

  if (fields.name === undefined) {
    const fromFile = path.posix.basename(sourcePath).replace(/\.md$/i, '');
    report('agent/name-missing', `No \`name\` field; using the file name \`${fromFile}\``, { line: 1, column: 1 });
    fields.name = fromFile;
  }

  for (const key of TOOL_FIELDS) {
    if (!Object.hasOwn(frontmatter.data, key)) continue;
    const value = frontmatter.data[key];
    if (key === 'tools' && frontmatter.mode !== 'yaml' && typeof value === 'string' && /(?:^|\s)#/.test(value)) {
      // YAML would read `# ...` as a comment, Claude Code's fallback as more tools: don't guess which grant was meant.
      report('agent/tools-unreadable', '`tools` holds ` #`: YAML reads the rest as a comment, Claude Code as more tools; remove the comment', frontmatter.locate([key]));
      delete fields[key];
      ok = false;
      continue;
    }
    const result = readToolList(value);
    if (!result.ok) {
      report('agent/tools-unreadable', `\`${key}\` ${result.reason}`, frontmatter.locate([key, ...(result.path ?? [])]));
      delete fields[key];
      ok = false;
      continue;
    }
    if (result.fromMap) {
      const dropped = result.fromMap.dropped.length > 0 ? `; left out ${result.fromMap.dropped.map((t) => `\`${t}\``).join(', ')}` : '';
      report('agent/tools-map', `\`${key}\` is a map; kept the tools set to true (${result.fromMap.kept.join(', ') || 'none'})${dropped}`, frontmatter.locate([key]));
    }
    fields[key] = result.tools;
  }

  if (typeof fields.model === 'string') fields.model = normalizeModel(fields.model);
  if (typeof fields.skills === 'string') fields.skills = fields.skills.split(',').map((s) => s.trim()).filter(Boolean);

  let summary = '';
  let examples: AgentExample[] = [];
  if (typeof fields.description === 'string') {
    // Claude Code turns every literal `\n` of a description into a newline, valid YAML or not.
    const description = fields.description.replace(/\\n/g, '\n');
    fields.description = description;
    ({ summary, examples } = splitDescription(description));
  }
  return { fields, summary, examples, extra, failed: !ok };
}

/** agentc reads the model as Claude Code does: trimmed, any case of `inherit` as `inherit`. */
export const normalizeModel = claudeCodeModel;
