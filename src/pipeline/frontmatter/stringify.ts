/**
 * The inverse of reading: frontmatter fields -> valid YAML that the `yaml` package (and so
 * Claude Code) reads back to exactly the same values. Used by the `claude-code` target and by
 * `agents fix`. Key order is kept; long lines are never folded; strings YAML would misread
 * (`: `, `**`, `#`, leading quotes, `yes`-like words, numbers) are quoted.
 */
import { Document, parse, visit } from 'yaml';
import { writePlainYaml } from './plain.js';

export function stringifyFrontmatter(entries: Iterable<readonly [string, unknown]>): string {
  const data = Object.fromEntries(entries);
  // Most agents' fields are plain `key: value` lines: written directly (./plain.ts), exactly as yaml would.
  return writePlainYaml(data) ?? yamlFrontmatter(data);
}

/** What `yaml` writes for the data (the general case). */
export function yamlFrontmatter(data: Record<string, unknown>): string {
  const doc = new Document(data, { keepUndefined: false });
  // Multi-line strings as `|` blocks read best; YAML keeps them exact (chomping chosen by yaml).
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.includes('\n') && !/[\r\t]|[ \t]\n|[^\S\n]$|^\s/.test(node.value) && !/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/.test(node.value)) {
        node.type = 'BLOCK_LITERAL';
      }
    },
  });
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER });
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** True when `text` parses as YAML to exactly `expected` (a plain-data deep comparison). */
export function roundTrips(text: string, expected: Record<string, unknown>): boolean {
  try {
    return deepEqual(parse(text, { uniqueKeys: true, strict: true }) ?? {}, expected);
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key, i) => key === keysB[i] && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

