/**
 * The frontmatter's YAML is lexed and parsed into a CST once: the nesting-depth limit is read
 * from that pass (../limits.ts), and the strict reader composes its document from the same
 * tokens instead of lexing the text a second time (that second pass was ~15% of the per-file
 * analysis). `composeDocument(raw, tokens, options)` gives exactly what
 * `parseDocument(raw, options)` gives when `prettyErrors` is false.
 */
import { Composer, Document, Lexer, Parser, YAMLParseError, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import type { CST } from 'yaml';

type Token = CST.Token;

export type YamlTokens = readonly Token[];

export type CstResult = { tokens: YamlTokens } | { tooDeepAt: number };

/**
 * The top-level CST tokens of `raw`, or the offset of the token at which the nesting first
 * exceeds `maxDepth` levels. The parser keeps an explicit stack (no recursion), so this is
 * linear and stops at the limit.
 */
export function parseYamlTokens(raw: string, maxDepth: number): CstResult {
  const parser = new Parser();
  // The stack holds the document, then one entry per open collection (and a pending scalar).
  const limit = maxDepth + 1;
  const tokens: Token[] = [];
  for (const lexeme of new Lexer().lex(raw)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > limit) return { tooDeepAt: parser.stack.at(-1)?.offset ?? 0 };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

type Options = ParseOptions & DocumentOptions & SchemaOptions & { prettyErrors: false };

/** `parseDocument(raw, options)` (yaml 2, prettyErrors off) over tokens `parseYamlTokens` already made. */
export function composeDocument(raw: string, tokens: YamlTokens, options: Options): Document.Parsed {
  const composer = new Composer(options);
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(tokens, true, raw.length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document.
  return doc!;
}
