/**
 * Stage 2b, parse: text -> the frontmatter block and the body.
 *
 * The unified processor (remark-parse + remark-frontmatter) parses the head of the file, up to
 * the closing fence a cheap line scan finds: its `yaml` node is the frontmatter. The body is
 * not parsed: building an mdast of every body would cost ~20x more, and no stage needs one
 * today. The body stays the exact source text after the closing fence line; `bodyTree()`
 * builds its mdast on demand for the stages that want one.
 */
import type { Root } from 'mdast';
import { createRequire } from 'node:module';
import type { Point, Report } from '../diagnostics.js';

// Loaded on first use, so commands that parse nothing (--help, a bad config) start fast.
// The CLI's bundle drops the next line to bundle these requires (scripts/bundle-cli.mjs).
const require = createRequire(import.meta.url);
let processor: { parse(text: string): Root } | undefined;
function markdownProcessor(): { parse(text: string): Root } {
  if (!processor) {
    const { unified } = require('unified') as typeof import('unified');
    const remarkParse = (require('remark-parse') as typeof import('remark-parse')).default;
    const remarkFrontmatter = (require('remark-frontmatter') as typeof import('remark-frontmatter')).default;
    processor = frontmatterProcessor(unified, remarkParse, remarkFrontmatter);
  }
  return processor;
}

/*
 * The next functions are self-contained on purpose: the read-ahead thread runs their source
 * text (read-ahead.ts), so it finds heads and reads them exactly as this module does.
 */

/** The pipeline's processor: remark-parse with remark-frontmatter's `yaml` blocks. */
export function frontmatterProcessor(
  unified: typeof import('unified').unified,
  remarkParse: typeof import('remark-parse').default,
  remarkFrontmatter: typeof import('remark-frontmatter').default,
): { parse(text: string): Root } {
  return unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).freeze();
}

/** Where a text's head is (its first line break, and where the closing fence line starts its line ending), or why it has none. */
export function locateHead(text: string): { firstBreak: number; headEnd: number } | 'missing' | 'unclosed' {
  const firstBreak = text.indexOf('\n');
  if (!FENCE.test(stripCr(firstBreak === -1 ? text : text.slice(0, firstBreak)))) return 'missing';
  const headEnd = closingFenceEnd(text, firstBreak);
  return headEnd === undefined ? 'unclosed' : { firstBreak, headEnd };
}

/** The `yaml` node remark makes of the head, or undefined when it makes none there. */
export function frontmatterNode(processor: { parse(text: string): Root }, text: string, headEnd: number): { type: 'yaml'; value: string } | undefined {
  const node = processor.parse(text.slice(0, headEnd)).children[0];
  return node?.type === 'yaml' ? node : undefined;
}

export interface FrontmatterBlock {
  /** The text between the fences, line endings as in the file. */
  raw: string;
  /** Offset of `raw` in the file's text. */
  offset: number;
  /** Where the opening fence is (always 1:1). */
  start: Point;
}

export interface ParsedSource {
  frontmatter: FrontmatterBlock;
  /** Everything after the closing fence line, byte-exact: the system prompt. */
  body: string;
  /** Offset of the body in the file's text. */
  bodyOffset: number;
  /** The body's mdast, parsed the first time it is asked for. */
  bodyTree(): Root;
}

export const FENCE = /^---[ \t]*$/;

/**
 * remark's reading of a text's head, made elsewhere from the same text (the read-ahead thread
 * runs the same processor, see read-ahead.ts): the head it parsed ended at `headEnd`, and its
 * `yaml` node's value is the `rawLength` code units after the opening fence line.
 */
export interface HeadParse {
  headEnd: number;
  rawLength: number;
}

export function parseSource(text: string, report: Report, head?: HeadParse): ParsedSource | undefined {
  const located = locateHead(text);
  if (located === 'missing') {
    report('frontmatter/missing', 'Expected the file to start with a `---` line opening the frontmatter (name, description, ...)', { line: 1, column: 1 });
    return undefined;
  }
  if (located === 'unclosed') {
    report('frontmatter/unclosed', 'The frontmatter opened here is never closed: add a `---` line after the last field', {
      start: { line: 1, column: 1 },
      end: { line: 1, column: 4 },
    });
    return undefined;
  }
  const { firstBreak, headEnd } = located;
  const offset = firstBreak + 1;
  let raw: string;
  // Parsed already, from a head that ends where this scan says: the same input, the same node.
  if (head && head.headEnd === headEnd) raw = text.slice(offset, offset + head.rawLength);
  else {
    const node = frontmatterNode(markdownProcessor(), text, headEnd);
    if (!node) {
      // The fence scan and remark-frontmatter disagree: report rather than guess.
      report('frontmatter/missing', 'Could not read the frontmatter block at the top of the file', { line: 1, column: 1 });
      return undefined;
    }
    raw = node.value;
  }
  let bodyOffset = headEnd;
  if (text[bodyOffset] === '\r' && text[bodyOffset + 1] === '\n') bodyOffset += 2;
  else if (text[bodyOffset] === '\n') bodyOffset += 1;
  const body = text.slice(bodyOffset);
  let tree2: Root | undefined;
  return {
    frontmatter: { raw, offset, start: { line: 1, column: 1 } },
    body,
    bodyOffset,
    bodyTree: () => (tree2 ??= markdownProcessor().parse(body)),
  };
}

/** End offset (exclusive, before its line ending) of the first closing `---` line, if any. */
export function closingFenceEnd(text: string, firstBreak: number): number | undefined {
  if (firstBreak === -1) return undefined;
  let start = firstBreak + 1;
  while (start <= text.length) {
    const next = text.indexOf('\n', start);
    const end = next === -1 ? text.length : next;
    // Only lines starting with `---` are sliced and tested: long description lines are not copied.
    if (text.startsWith('---', start) && FENCE.test(stripCr(text.slice(start, end)))) return text[end - 1] === '\r' ? end - 1 : end;
    if (next === -1) return undefined;
    start = next + 1;
  }
  return undefined;
}

export function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
