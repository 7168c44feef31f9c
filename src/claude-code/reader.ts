/**
 * How Claude Code 2.1.330 reads an agent file, reproduced exactly: the reference agentc is
 * measured against (test/parity.test.ts checks it against the real Claude Code's recorded
 * answers for 632 files). agentc's own reading may differ on purpose (it reads files Claude
 * Code drops); ../pipeline/claude-code-check.ts reports every such difference.
 *
 * What Claude Code does (from its bundled source):
 * 1. Strip a BOM. The frontmatter runs from a leading `---` line to the FIRST `---` anywhere
 *    after it, even mid-line: /^---\s*\n([\s\S]*?)---\s*\n?/.
 * 2. Parse it as YAML (Bun.YAML: duplicate keys allowed, the last wins).
 * 3. If that throws: every `key: value` line (key [a-zA-Z_-]+ at column 0) whose value holds
 *    a character YAML trips on ({ } [ ] * & # ! | > % @ backtick, or `: `) is rewritten as a
 *    double-quoted string, verbatim, unless it is already quoted at both ends or is a `[...]`
 *    that parses as a list; leading tabs become two spaces each; then it parses again.
 * 4. If that throws too, the file is silently not loaded. So is a file whose `name` is not a
 *    non-empty string, starts with `-` or holds `:`, or whose `description` is not a string.
 * 5. Every literal `\n` in the description becomes a newline; the model is trimmed, and any
 *    case of `inherit` is `inherit`.
 */
import { parse, parseDocument } from 'yaml';

const FRONTMATTER = /^---\s*\n([\s\S]*?)---\s*\n?/;
const KEY_VALUE_LINE = /^([a-zA-Z_-]+):\s+(\S.*)$/;
const NEEDS_QUOTES = /[{}[\]*&#!|>%@`]|: /;

export type ClaudeCodeReading =
  | { loaded: true; name: string; description: string; model: string | null; /** Offset of the frontmatter text Claude Code read. */ offset: number; raw: string }
  | { loaded: false; why: NotLoadedCode; reason: string; /** Offset in the file where Claude Code's reading fails, when it is one place. */ offset?: number };

export type NotLoadedCode = 'no-frontmatter' | 'yaml' | 'name' | 'description';

/** Claude Code's YAML: like `yaml`, but duplicate keys are allowed (Bun.YAML). */
export function parseYamlLikeClaudeCode(text: string): { ok: true; value: unknown } | { ok: false; offset: number; message: string } {
  // Bun.YAML rejects a NUL byte (recorded: fixtures/nul-byte); the `yaml` package does not.
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return { ok: false, offset: nul, message: 'NUL byte' };
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const error = doc.errors[0];
  if (error) return { ok: false, offset: error.pos[0], message: error.message.split('\n')[0]! };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    return { ok: false, offset: 0, message: (e as Error).message };
  }
}

export interface RewrittenLine {
  /** 0-based line index. */
  index: number;
  /** The value was wrapped in quotes: it started at this column of the original line. */
  quotedAt?: number;
  /** Number of leading tabs replaced by two spaces each. */
  tabs?: number;
}

/** Whether Claude Code's rewrite turns this one-line value into a verbatim string. */
export function claudeCodeQuotes(value: string): boolean {
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) return false;
  if (value.startsWith('[') && value.endsWith(']')) {
    try {
      if (Array.isArray(parse(value))) return false;
    } catch {
      // Not a list: quoted, as in Claude Code.
    }
  }
  return NEEDS_QUOTES.test(value);
}

/** Claude Code's rescue rewrite of YAML that failed to parse (step 3 above). */
export function rewriteLikeClaudeCode(raw: string): { text: string; changed: RewrittenLine[] } {
  const changed = new Map<number, RewrittenLine>();
  const lines = raw.split('\n').map((line, index) => {
    const match = KEY_VALUE_LINE.exec(line);
    if (!match) return line;
    const key = match[1]!;
    const value = match[2]!;
    if (!claudeCodeQuotes(value)) return line;
    changed.set(index, { index, quotedAt: line.length - value.length });
    return `${key}: "${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  const text = lines.join('\n').replace(/^\t+/gm, (tabs) => '  '.repeat(tabs.length));
  lines.forEach((line, index) => {
    const tabs = /^\t+/.exec(line)?.[0].length;
    if (tabs) changed.set(index, { ...(changed.get(index) ?? { index }), tabs });
  });
  return { text, changed: [...changed.values()] };
}

/** The frontmatter text exactly as Claude Code cuts it out of a file (and its offset in `text`), or undefined. */
export function claudeCodeFrontmatter(text: string): { raw: string; offset: number } | undefined {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = bom ? text.slice(1) : text;
  if (source.indexOf('---', 3) < 0) return undefined;
  const match = FRONTMATTER.exec(source);
  if (!match) return undefined;
  const raw = match[1]!;
  // The opening `---\s*\n` is all that precedes the captured text.
  return { raw, offset: bom + match[0].indexOf(raw, 3) };
}

/**
 * Read a file's text as Claude Code does. `known` lets a caller that already parsed the same
 * frontmatter text as valid YAML skip a second parse.
 */
export function readLikeClaudeCode(text: string, known?: { raw: string; value: unknown; exact?: boolean }): ClaudeCodeReading {
  const frontmatter = claudeCodeFrontmatter(text);
  if (frontmatter === undefined) return { loaded: false, why: 'no-frontmatter', reason: 'it has no frontmatter block' };
  const { raw, offset } = frontmatter;
  let value: unknown;
  // The same text up to its closing line break parses to the same values (YAML ignores that break).
  if (known && (raw === known.raw || (!known.exact && (isWithEnd(raw, known.raw, '\n') || isWithEnd(raw, known.raw, '\r\n'))))) {
    value = known.value;
  } else {
    const first = parseYamlLikeClaudeCode(raw);
    if (first.ok) {
      value = first.value;
    } else {
      const rewritten = rewriteLikeClaudeCode(raw).text;
      const second = parseYamlLikeClaudeCode(rewritten);
      if (!second.ok) {
        const line = rewritten.slice(0, second.offset).split('\n').length - 1;
        const lineOffset = raw.split('\n').slice(0, line).reduce((n, l) => n + l.length + 1, 0);
        return { loaded: false, why: 'yaml', reason: whyNotYaml(raw, line), offset: offset + lineOffset };
      }
      value = second.value;
    }
  }
  const fields = readFields(value);
  if (!fields.loaded) return fields;
  return { loaded: true, name: fields.name, description: fields.description, model: fields.model, offset, raw };
}

/** `text === start + end`, without building the concatenation (frontmatter is compared once per file). */
function isWithEnd(text: string, start: string, end: string): boolean {
  // A slice compared with `===` is V8's flat-string compare; startsWith walks character by character.
  return text.length === start.length + end.length && text.endsWith(end) && text.slice(0, start.length) === start;
}

type Fields = { loaded: true; name: string; description: string; model: string | null } | { loaded: false; why: NotLoadedCode; reason: string };

function readFields(value: unknown): Fields {
  const fields = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const { name, description, model } = fields;
  if (!name || typeof name !== 'string') return { loaded: false, why: 'name', reason: name === undefined ? 'it has no `name`' : '`name` is not a non-empty string' };
  if (name.startsWith('-') || name.includes(':')) return { loaded: false, why: 'name', reason: '`name` starts with `-` or contains `:`' };
  if (typeof description !== 'string') return { loaded: false, why: 'description', reason: description === undefined || description === null ? 'it has no `description`' : '`description` is not a string' };
  const readModel = typeof model === 'string' && model.trim().length > 0 ? claudeCodeModel(model) : null;
  return { loaded: true, name, description: description.replaceAll('\\n', '\n'), model: readModel };
}

function whyNotYaml(raw: string, line: number): string {
  if (raw.includes('\r')) return 'its frontmatter is not valid YAML and has CRLF line endings';
  const lines = raw.split('\n');
  // A value ending in `:` is not rewritten, and YAML reads it as a nested mapping.
  if (/^[A-Za-z_-]+:\s+\S.*:[ \t]*$/.test(lines[line] ?? '') || /^[A-Za-z_-]+:\s+\S.*:[ \t]*$/.test(lines[line - 1] ?? '')) {
    return 'a value ends in `:`';
  }
  return 'its frontmatter is not valid YAML, and a value continues onto the next line';
}


/** Claude Code trims the model and reads any case of `inherit` as `inherit`. */
export function claudeCodeModel(model: string): string {
  const trimmed = model.trim();
  return trimmed.toLowerCase() === 'inherit' ? 'inherit' : trimmed;
}
