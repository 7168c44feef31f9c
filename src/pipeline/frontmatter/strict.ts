/**
 * Strict YAML: the `yaml` package, with positions for every key and value.
 * A file whose frontmatter parses here gets exactly YAML's values.
 */
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { Point, Range } from '../../diagnostics.js';
import type { Locator } from '../../util/text.js';
import { composeDocument, type YamlTokens } from './cst.js';
import { setOwn, type FieldPath, type Frontmatter, type FrontmatterMode } from './types.js';

export interface YamlError {
  /** First line of the yaml package's message. */
  message: string;
  /** Offset in the frontmatter text. */
  offset: number;
  code: string;
}

export type StrictResult =
  | { ok: true; frontmatter: Frontmatter }
  | { ok: false; error: YamlError };

/** Keeps hostile YAML (alias bombs) bounded: yaml throws past this many alias expansions. */
const TO_JS = { maxAliasCount: 100 } as const;

const STRICT = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/** `tokens`: the CST of `raw` when the caller has it (see ./cst.ts), so `raw` is not lexed again. */
export function readStrictYaml(raw: string, offset: number, locator: Locator, tokens?: YamlTokens): StrictResult {
  const doc = tokens ? composeDocument(raw, tokens, { ...STRICT }) : parseDocument(raw, { ...STRICT });
  const first = doc.errors[0];
  if (first) {
    return { ok: false, error: { message: first.message.split('\n')[0]!, offset: first.pos[0], code: first.code } };
  }
  const unclosed = unclosedDoubleQuote(doc, raw);
  if (unclosed !== undefined) return { ok: false, error: { message: 'Missing closing "quote', offset: unclosed, code: 'MISSING_CHAR' } };
  try {
    return { ok: true, frontmatter: readStrictYamlDocument(doc, 'yaml', (at) => locator.point(offset + at)) };
  } catch (error) {
    if (error instanceof NotMappingError) return { ok: false, error: { message: error.message, offset: error.offset, code: 'NOT_MAPPING' } };
    // yaml throws on resource limits ("Excessive alias count indicates a resource exhaustion attack").
    return { ok: false, error: { message: (error as Error).message, offset: 0, code: 'RESOURCE_LIMIT' } };
  }
}

/**
 * The `yaml` package takes a double-quoted scalar that reaches the end of the text and ends in
 * an escaped quote (`key: "text\\"`) as closed, by that escaped quote. It is not: the text is
 * not valid YAML, and a line after it (`tools: ...`) was swallowed into the string. (Found by
 * fuzzing: such a file lost its tools line, so its agent got every tool.) Returns the offset of
 * the first such scalar.
 */
function unclosedDoubleQuote(doc: Document, raw: string): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (node.type !== 'QUOTE_DOUBLE' || !node.range) return undefined;
      const text = raw.slice(node.range[0], node.range[1]);
      let backslashes = 0;
      for (let i = text.length - 2; i >= 0 && text[i] === '\\'; i--) backslashes++;
      if (text.length < 2 || !text.endsWith('"') || backslashes % 2 === 1) {
        found = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

export class NotMappingError extends Error {
  constructor(readonly offset: number, readonly kind: string) {
    super(`The frontmatter is a ${kind}, not a mapping of fields`);
  }
}

/**
 * Turn a parsed document into Frontmatter. `pointAt` maps an offset of the document's text to
 * a point in the file. Throws NotMappingError when the top level is not a mapping.
 */
export function readStrictYamlDocument(doc: Document, mode: FrontmatterMode, pointAt: (offset: number) => Point): Frontmatter {
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    const kind = isSeq(contents) ? 'list' : isScalar(contents) ? `${typeof contents.value} (${JSON.stringify(String(contents.value).slice(0, 40))})` : 'value';
    throw new NotMappingError(contents.range?.[0] ?? 0, kind);
  }
  const data: Record<string, unknown> = {};
  for (const pair of contents?.items ?? []) {
    setOwn(data, keyText(pair), pair.value === null || pair.value === undefined ? null : (pair.value as Node).toJS(doc, TO_JS));
  }
  return {
    mode,
    data,
    locate: (path, part = 'value') => locateNode(doc, path, part, pointAt),
  };
}

function keyText(pair: Pair): string {
  const key = pair.key;
  return isScalar(key) ? String(key.value) : String(key ?? '');
}

export function locateNode(doc: Document, path: FieldPath, part: 'key' | 'value', pointAt: (offset: number) => Point): Range | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (isMap(node)) {
      // The last pair wins, as in the data (duplicates are allowed in the Claude Code reading).
      const pair = node.items.findLast((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      keyNode = undefined;
      node = node.items[segment];
    } else {
      break;
    }
  }
  const target = (part === 'key' ? (keyNode ?? node) : node) as Node | null | undefined;
  const range = target?.range;
  if (!range) return undefined;
  return { start: pointAt(range[0]), end: pointAt(range[1]) };
}
