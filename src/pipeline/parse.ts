/**
 * Stage 2b, parse: text -> the frontmatter block and the body.
 *
 * The block is what remark-parse + remark-frontmatter make the file's `yaml` node: the lines
 * between an opening `---` line and the first closing `---` line (`---` and trailing spaces or
 * tabs; micromark ends lines at LF, CRLF and a lone CR). A line scan finds exactly that when the
 * head has no lone CR (and no NUL, which micromark turns into U+FFFD): test/parse-head.test.ts
 * holds the two to each other over generated heads and the whole corpus. Only a head the scan
 * cannot vouch for is given to the unified processor. remark over every head cost a cold build
 * ~0.55 s of 1.8 s at 1,000 agents and ~1.7 s of 6.5 s at 10,000 (micromark's and
 * mdast-util-from-markdown's fixed cost per call, and V8 optimizing them), for the same block.
 *
 * The body is not parsed either: building an mdast of every body would cost ~20x more, and no
 * stage needs one today. It stays the exact source text after the closing fence line;
 * `bodyTree()` runs the processor over it on demand for the stages that want one.
 */
import type { Root, Yaml } from 'mdast';
import { createRequire } from 'node:module';
import type { Point, Report } from '../diagnostics.js';
import { createLocator, detachString } from '../util/text.js';

// Loaded on first use (a head with a lone CR, a body tree), so most builds never load remark.
// The CLI's bundle drops the next line to bundle these requires (scripts/bundle-cli.mjs).
const require = createRequire(import.meta.url);
let processor: { parse(text: string): Root } | undefined;
/** The pipeline's processor: remark-parse with remark-frontmatter's `yaml` blocks. */
function markdownProcessor(): { parse(text: string): Root } {
  if (!processor) {
    const { unified } = require('unified') as typeof import('unified');
    const remarkParse = (require('remark-parse') as typeof import('remark-parse')).default;
    const remarkFrontmatter = (require('remark-frontmatter') as typeof import('remark-frontmatter')).default;
    processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).freeze();
  }
  return processor;
}

/** Where a text's head is (its first line break, and where the closing fence line starts its line ending), or why it has none. */
export function locateHead(text: string): { firstBreak: number; headEnd: number } | 'missing' | 'unclosed' {
  const firstBreak = text.indexOf('\n');
  if (!FENCE.test(stripCr(firstBreak === -1 ? text : text.slice(0, firstBreak)))) return 'missing';
  const headEnd = closingFenceEnd(text, firstBreak);
  return headEnd === undefined ? 'unclosed' : { firstBreak, headEnd };
}

/** The `yaml` node remark makes of the head, or undefined when it makes none there. */
function frontmatterNode(text: string, headEnd: number): Yaml | undefined {
  const node = markdownProcessor().parse(text.slice(0, headEnd)).children[0];
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

const FENCE = /^---[ \t]*$/;

export function parseSource(text: string, report: Report): ParsedSource | undefined {
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
  let raw = scannedFrontmatter(text, offset, headEnd);
  if (raw === undefined) {
    const node = frontmatterNode(text, headEnd);
    if (!node) {
      // The fence scan and remark-frontmatter disagree: report rather than guess.
      report('frontmatter/missing', 'Could not read the frontmatter block at the top of the file', { line: 1, column: 1 });
      return undefined;
    }
    if (node.position?.end.offset !== headEnd) {
      // A `---` after a lone CR closed remark's block before the fence the scan found: what lies
      // between would be neither frontmatter nor body (a `tools` line there, dropped, would
      // grant every tool; Claude Code, which ends the block at the first `---` anywhere, drops it).
      const loneCr = LONE_CR.exec(text.slice(0, headEnd))?.index ?? 0;
      report(
        'frontmatter/line-ending',
        'This carriage return (CR) without a line feed ends a line, so the `---` after it ends the frontmatter and the lines up to the next `---` line would be neither frontmatter nor prompt; save the file with LF or CRLF line endings',
        createLocator(text).point(loneCr),
      );
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

/**
 * The text between the fences of a head the line scan found (the opening fence line ends before
 * `offset`, the closing one ends at `headEnd`), or undefined when the head holds a character the
 * scan reads differently from micromark: a lone CR (a line ending to micromark, so a `---` after
 * it may close the block earlier) or a NUL (U+FFFD in remark's value).
 */
export function scannedFrontmatter(text: string, offset: number, headEnd: number): string | undefined {
  if (MICROMARK_ONLY.test(text.slice(0, headEnd))) return undefined;
  // The closing fence line starts after the last LF before headEnd; the block ends before that LF (and its CR).
  const closingLine = text.lastIndexOf('\n', headEnd - 1) + 1;
  if (closingLine <= offset) return '';
  // A copy, as remark's value was: values and messages cut from the block (kept to the build's
  // end) must not be views into the file's text, which a one-shot build lets go (released-sources.ts).
  return detachString(text.slice(offset, text.charCodeAt(closingLine - 2) === 0x0d ? closingLine - 2 : closingLine - 1));
}
/** A carriage return that is a line ending of its own to micromark (not the first half of a CRLF). */
const LONE_CR = /\r(?!\n)/;
const MICROMARK_ONLY = new RegExp(`${LONE_CR.source}|\\0`);

/** End offset (exclusive, before its line ending) of the first closing `---` line, if any. */
function closingFenceEnd(text: string, firstBreak: number): number | undefined {
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

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
