/**
 * parseSource finds the frontmatter block with a line scan; remark-parse + remark-frontmatter is
 * the reference for what the block is (the design's parse stage), and the processor itself reads
 * the heads the scan cannot vouch for (a lone CR, a NUL). These tests hold the two to each other:
 * hand-made heads, generated ones, and every real file of ../shared/corpus and the probes.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { locateHead, parseSource, scannedFrontmatter } from '../src/pipeline/parse.js';
import { CORPUS, SHARED } from './helpers/project.js';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).freeze();

function viaRemark(text: string): { raw: string; bodyOffset: number } | undefined {
  const node = processor.parse(text).children[0];
  if (node?.type !== 'yaml' || node.position?.end.offset === undefined) return undefined;
  let bodyOffset = node.position.end.offset;
  if (text.startsWith('\r\n', bodyOffset)) bodyOffset += 2;
  else if (text[bodyOffset] === '\n') bodyOffset += 1;
  return { raw: node.value, bodyOffset };
}

function viaParseSource(text: string): { raw: string; bodyOffset: number } | undefined {
  const parsed = parseSource(text, () => undefined);
  return parsed && { raw: parsed.frontmatter.raw, bodyOffset: parsed.bodyOffset };
}

/** Whether the scan alone read the block (no remark). */
function scanned(text: string): boolean {
  const located = locateHead(text);
  return typeof located !== 'string' && scannedFrontmatter(text, located.firstBreak + 1, located.headEnd) !== undefined;
}

const LONE_CR_OR_NUL = /\r(?!\n)|\0/;

describe('parseSource frontmatter block', () => {
  it.each([
    ['plain', '---\nname: a\ndescription: b\n---\nbody\n'],
    ['CRLF', '---\r\nname: a\r\n---\r\nbody\r\n'],
    ['empty block', '---\n---\nbody'],
    ['empty CRLF block', '---\r\n---\r\n'],
    ['blank block', '---\n\n---\n'],
    ['blank CRLF block', '---\r\n\r\n---\r\n'],
    ['blank first and last lines', '---\n\nname: a\n\n---\nbody'],
    ['fences with trailing blanks', '--- \t\nname: a\n---  \nbody'],
    ['no body', '---\nname: a\n---'],
    ['dashes inside', '---\na: ----\n -- -\n---\n---\n'],
    ['tabs and wide characters', '---\n\tname: ü 漢字 😀\n\u2028x: "\u00a0"\n---\nbody'],
  ])('the scan reads what remark-frontmatter reads: %s', (_, text) => {
    expect(scanned(text)).toBe(true);
    expect(viaParseSource(text)).toEqual(viaRemark(text));
  });

  it.each([
    // micromark ends a line at a lone CR (a `---` after one closes the block: see the next test).
    ['a lone CR inside a value', '---\nname: a\rb\n---\nbody'],
    ['a lone CR at the end of a value', '---\nname: a\ndescription: b\r \n---\nbody'],
    // micromark reads NUL as U+FFFD.
    ['a NUL', '---\nname: a\u0000b\n---\nbody'],
  ])('a head the scan cannot vouch for is read by remark: %s', (_, text) => {
    expect(scanned(text)).toBe(false);
    expect(parseSource(text, () => undefined)?.frontmatter.raw).toBe(viaRemark(text)?.raw);
  });

  it('refuses a head whose lone CR makes remark close the block before the scan\'s fence, at that CR', () => {
    // remark would end the block after `description`, and the `tools` line would be in neither
    // the frontmatter nor the body: the agent would get every tool.
    const reports: [string, unknown][] = [];
    const text = '---\nname: a\ndescription: b\r---\ntools: Read\n---\nbody';
    expect(viaRemark(text)?.raw).toBe('name: a\ndescription: b');
    expect(parseSource(text, (rule, _message, at) => reports.push([rule, at]))).toBeUndefined();
    expect(reports).toEqual([['frontmatter/line-ending', { line: 3, column: 15 }]]);
    // A lone CR that does not move the end of the block is remark's to read, and no error.
    const inside: string[] = [];
    expect(parseSource('---\nname: a\rb\n---\nbody', (rule) => inside.push(rule))?.frontmatter.raw).toBe('name: a\rb');
    expect(inside).toEqual([]);
  });

  it('matches remark-frontmatter on arbitrary heads', () => {
    const piece = fc.constantFrom('-', '-', '---', '\n', '\n', '\r\n', '\r', ' ', '\t', 'a', ':', '\u2028', '\f', '\u00a0', '\v', '\0', '\n---\n', '\r\n---');
    fc.assert(
      fc.property(fc.constantFrom('---\n', '---\r\n', '--- \n', '---\t\r\n'), fc.array(piece, { maxLength: 40 }), (open, rest) => {
        const text = open + rest.join('');
        const ours = viaParseSource(text);
        if (!LONE_CR_OR_NUL.test(text)) {
          // The scan reports an unclosed block where remark sees none: both say "no frontmatter".
          if (ours === undefined) expect(viaRemark(text)).toBeUndefined();
          else expect(ours).toEqual(viaRemark(text));
          expect(ours === undefined || scanned(text)).toBe(true);
        } else if (ours !== undefined) {
          // Where the scan finds a head that holds a lone CR or NUL, the block is remark's.
          if (LONE_CR_OR_NUL.test(text.slice(0, (locateHead(text) as { headEnd: number }).headEnd))) expect(scanned(text)).toBe(false);
          expect(ours.raw).toBe(viaRemark(text)?.raw);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('reads every file of the corpus and the probes as remark-frontmatter does, by the scan alone', () => {
    const texts = [CORPUS, path.join(SHARED, 'claude-code-probe')].flatMap((root) =>
      readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.md'))
        .map((file) => readFileSync(path.join(root, file), 'utf8').replace(/^\uFEFF/, '')),
    );
    expect(texts.length).toBeGreaterThan(570);
    let blocks = 0;
    for (const text of texts) {
      const ours = viaParseSource(text);
      if (ours === undefined) continue;
      blocks++;
      expect(scanned(text)).toBe(true);
      expect(ours).toEqual(viaRemark(text));
    }
    expect(blocks).toBeGreaterThan(560);
  });

  it('builds the body tree on demand, positioned in the body', () => {
    const parsed = parseSource('---\nname: a\n---\n# Title\n\nSome *text*.\n', () => undefined)!;
    const tree = parsed.bodyTree();
    expect(tree.children.map((node) => node.type)).toEqual(['heading', 'paragraph']);
    expect(tree.children[0]!.position?.start).toMatchObject({ line: 1, column: 1 });
    expect(parsed.bodyTree()).toBe(tree);
  });
});
