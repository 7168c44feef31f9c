/**
 * The `claude-code` target: dist/claude-code/<name>.md, one canonical file per agent that Claude
 * Code reads exactly as agentc did. The frontmatter is valid YAML (so Claude Code takes YAML's
 * values, never its line-by-line fallback), `tools` is a comma-separated string, the model is
 * the resolved one (so the config's pins and overrides hold in Claude Code too), and the body
 * is the prompt byte for byte. Files Claude Code ignores as written come out repaired.
 */
import { Document, visit } from 'yaml';
import type { Agent } from '../ir.js';
import { roundTrips, stringifyFrontmatter } from '../pipeline/frontmatter/stringify.js';
import { readToolList } from '../pipeline/normalize/tools.js';
import { outputFromChunks, type OutputFile, type Target } from './types.js';
import { memoByIdentity } from '../util/memo.js';

export const CLAUDE_CODE_DIR = 'claude-code';

/** The frontmatter fields of an agent, in the order Claude Code's docs list them. */
export function claudeCodeFields(agent: Agent): [string, unknown][] {
  const fields: [string, unknown][] = [
    ['name', agent.name],
    ['description', agent.description],
  ];
  if (agent.tools) fields.push(['tools', toolList(agent.tools)]);
  if (agent.disallowedTools) fields.push(['disallowedTools', toolList(agent.disallowedTools)]);
  if (agent.model.resolved !== 'inherit') fields.push(['model', agent.model.resolved]);
  const optional = ['permissionMode', 'maxTurns', 'skills', 'mcpServers', 'hooks', 'memory', 'background', 'effort', 'isolation', 'initialPrompt', 'color'] as const;
  for (const key of optional) if (agent[key] !== undefined) fields.push([key, agent[key]]);
  for (const [key, value] of Object.entries(agent.extra)) fields.push([key, value]);
  return fields;
}

/**
 * A comma-separated string where agentc's reader (which splits like Claude Code: commas and
 * spaces outside parentheses) reads it back to the same list; else a YAML list whose items
 * each read back to themselves. Never a form that could read as more or other tools.
 */
function toolList(tools: readonly string[]): string | string[] {
  const joined = tools.join(', ');
  if (tools.length > 0 && readsAs(joined, tools)) return joined;
  if (readsAs([...tools], tools)) return [...tools];
  throw new Error(`claude-code target: the tool list ${JSON.stringify(tools)} has no form that reads back the same`);
}

function readsAs(value: unknown, tools: readonly string[]): boolean {
  const read = readToolList(value);
  return read.ok && read.tools.length === tools.length && read.tools.every((tool, i) => tool === tools[i]);
}

/**
 * Claude Code ends the frontmatter at the first `---` anywhere after the opening fence, even
 * inside a value. When a value holds `---`, every string is written double-quoted (so the text
 * outside quotes is only YAML structure, which never has three dashes in a row) and every
 * third dash of a run becomes the escape `\x2d`, which YAML reads back as `-`.
 */
export function claudeCodeFrontmatter(fields: Iterable<readonly [string, unknown]>): string {
  const entries = [...fields];
  const text = stringifyFrontmatter(entries);
  if (!text.includes('---')) return text;
  const doc = new Document(Object.fromEntries(entries), { keepUndefined: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
    },
  });
  const quoted = doc.toString({ lineWidth: 0, minContentWidth: 0, doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER });
  const broken = quoted.replace(/-{3,}/g, (run) => [...run].map((dash, i) => (i % 3 === 2 ? '\\x2d' : dash)).join(''));
  if (broken.includes('---') || !roundTrips(broken, Object.fromEntries(entries))) {
    throw new Error('claude-code target: cannot write frontmatter without `---` that reads back the same');
  }
  return broken;
}

export function claudeCodeFile(agent: Agent): string {
  return claudeCodePieces(agent).join('');
}

/** The file as its frontmatter and the prompt, written as they are (joined, the text would be copied whole to be written). */
const claudeCodePieces = memoByIdentity((agent: Agent): readonly [string, string] => [`---\n${claudeCodeFrontmatter(claudeCodeFields(agent))}---\n`, agent.prompt]);

export const claudeCodeTarget: Target = {
  name: 'claude-code',
  emit(agents, context) {
    return agents.flatMap((agent) => claudeCodeTarget.emitAgent!(agent, context));
  },
  emitAgent(agent): OutputFile[] {
    return [outputFromChunks(`${CLAUDE_CODE_DIR}/${agent.name}.md`, claudeCodePieces(agent))];
  },
  emitShared() {
    return [];
  },
};

