/**
 * Tool lists: a comma-separated string, a flow or block list, or an opencode-style
 * `{ Tool: true }` map, all -> string[].
 *
 * Security invariant: absent means "every tool", so a value that cannot be read is an error,
 * never "absent", and nothing is ever added to what the author wrote.
 */
export type ToolListResult =
  | { ok: true; tools: string[]; fromMap?: { kept: string[]; dropped: string[] } }
  | { ok: false; reason: string; path?: (string | number)[] };

export function readToolList(value: unknown): ToolListResult {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^[[{]/.test(trimmed)) {
      return { ok: false, reason: `looks like a list or map but is not valid YAML (${JSON.stringify(trimmed.slice(0, 40))})` };
    }
    if (trimmed === '') return { ok: false, reason: 'is an empty string; write `[]` for no tools, or remove the field for all tools' };
    return { ok: true, tools: splitComma(trimmed) };
  }
  if (Array.isArray(value)) {
    const tools: string[] = [];
    for (const [index, item] of value.entries()) {
      if (typeof item !== 'string' || item.trim() === '') {
        return { ok: false, reason: `item ${index} is ${describe(item)}, not a tool name`, path: [index] };
      }
      // `- Read, Grep` inside a block list: still a comma list.
      tools.push(...splitComma(item));
    }
    return { ok: true, tools: dedupe(tools) };
  }
  if (value !== null && typeof value === 'object') {
    const kept: string[] = [];
    const dropped: string[] = [];
    for (const [tool, enabled] of Object.entries(value)) {
      // An empty name is no tool; as a list it could not even be written back (found by fuzzing).
      if (tool.trim() === '') return { ok: false, reason: 'has an empty tool name', path: [tool] };
      // A key is read like a list item (`Read, Bash: true` is two tools; ` Read` is `Read`), so
      // every tool name is one the other forms could also produce and write back.
      if (enabled === true) kept.push(...splitComma(tool));
      else if (enabled === false) dropped.push(...splitComma(tool));
      else return { ok: false, reason: `\`${tool}\` maps to ${describe(enabled)}; a tool map needs true or false`, path: [tool] };
    }
    return { ok: true, tools: dedupe(kept), fromMap: { kept: dedupe(kept), dropped } };
  }
  if (value === null) return { ok: false, reason: 'is empty; write `[]` for no tools, or remove the field for all tools' };
  return { ok: false, reason: `is ${describe(value)}, not a list of tool names` };
}

function splitComma(text: string): string[] {
  // As Claude Code does: commas and spaces separate tools, except inside parentheses, which
  // belong to the tool: `Agent(a, b)`, `Bash(git diff:*)`.
  const tools: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (((ch === ',' || ch === ' ' || ch === '\t') && depth === 0) || i === text.length) {
      const tool = text.slice(start, i).trim();
      if (tool !== '') tools.push(tool);
      start = i + 1;
    }
  }
  return dedupe(tools);
}

function dedupe(tools: string[]): string[] {
  return [...new Set(tools)];
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}
