/**
 * Resource bounds: hostile or accidental input ends in bounded time and memory with a clear,
 * positioned error. No timing asserts (the suite's rule); each case runs under the test's
 * timeout, and each input here took seconds to minutes before its bound existed (100k keys:
 * 384 s; 100k unclosed `<example>`: 66 s; a 60 KB tool name: 15 s; 3k-deep YAML: a stack
 * overflow read as "dialect").
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { compile } from '../../src/compile.js';
import { DEFAULT_LIMITS } from '../../src/config/schema.js';
import { analyzeFile, analyzeText } from '../../src/pipeline/analyze.js';
import { firstTooDeep } from '../../src/pipeline/limits.js';
import { cleanupTempDirs, configFor, makeProject } from '../helpers/project.js';

afterAll(cleanupTempDirs);

const config = configFor('/nonexistent');
const HEAD = '---\nname: big-agent\ndescription: Use this agent for tests\n';

function analyze(text: string | Uint8Array, limits = config.limits) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return analyzeFile({ path: 'agents/p.md', absolutePath: '/nonexistent/agents/p.md', bytes }, { ...config, limits });
}

function messages(file: VFile) {
  return file.messages.filter((m) => m.fatal).map((m) => ({ line: m.line, column: m.column, ruleId: m.ruleId, reason: m.reason }));
}

describe('resource bounds', () => {
  it('documents the defaults in the config schema', () => {
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toEqual({ maxFileBytes: 1048576, maxFrontmatterBytes: 65536, maxFrontmatterLines: 1000, maxNestingDepth: 32 });
    // Partial user limits keep the other defaults.
    expect(configFor('/x', { limits: { maxFileBytes: 10 } }).limits).toEqual({ ...DEFAULT_LIMITS, maxFileBytes: 10 });
  });

  it('rejects a 10 MB file without reading it (size from stat), and the same bytes in hand', async () => {
    const root = await makeProject({ 'agents/.keep': '' });
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    big.write(HEAD + '---\n');
    await writeFile(path.join(root, 'agents/huge.md'), big);
    const result = await compile(configFor(root));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'agents/huge.md', line: 1, column: 1, ruleId: 'file/too-large', severity: 'error', message: 'File is 10485760 bytes; the limit is 1048576 (limits.maxFileBytes)' }),
    ]);
    expect(result.output).toEqual([]);
    const inHand = await analyze(big);
    expect(messages(inHand.file).map((m) => [m.ruleId, m.reason])).toEqual([['file/too-large', 'File is 10485760 bytes; the limit is 1048576 (limits.maxFileBytes)']]);
  });

  it('rejects 100k lines of frontmatter at the first line past the limit', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `k${i}: v`).join('\n');
    const { file, agent } = await analyze(`${HEAD}${lines}\n---\nBody\n`);
    expect(agent).toBeUndefined();
    // The frontmatter starts on line 2; its 1001st line is file line 1002.
    expect(messages(file)).toEqual([{ line: 1002, column: 1, ruleId: 'frontmatter/too-large', reason: 'Frontmatter has more than 1000 lines (limits.maxFrontmatterLines)' }]);
  });

  it('rejects frontmatter over maxFrontmatterBytes at the first byte past it, counting UTF-8 bytes', async () => {
    // 3 bytes per character: the limit falls inside the description.
    const description = '€'.repeat(30_000);
    const { file } = await analyze(`---\nname: big-agent\ndescription: ${description}\n---\nBody\n`);
    const before = Buffer.byteLength('name: big-agent\ndescription: ');
    const fit = Math.floor((65536 - before) / 3);
    expect(messages(file)).toEqual([{ line: 3, column: 'description: '.length + fit + 1, ruleId: 'frontmatter/too-large', reason: `Frontmatter is ${before + 90_000 + 0} bytes; the limit is 65536 (limits.maxFrontmatterBytes)` }]);
  });

  it('accepts frontmatter just under every limit', async () => {
    const keys = Array.from({ length: 990 }, (_, i) => `key${i}: value`).join('\n');
    const deep = `nested: ${'['.repeat(30)}${']'.repeat(30)}`;
    const { file, agent } = await analyze(`${HEAD}${keys}\n${deep}\n---\nBody of the agent, long enough for lint.\n`);
    expect(messages(file)).toEqual([]);
    expect(agent?.extra.key989).toBe('value');
  });

  // Deep enough to overflow the YAML composer's recursion (~1000 levels), small enough to pass the byte limit.
  const DEPTH = 10_000;
  const deepCases: Record<string, { text: string; line: number; column: number }> = {
    // `x:` is level 1; the 32nd `[` opens level 33.
    'flow sequences': { text: `x: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`, line: 4, column: 4 + 31 },
    'flow mappings': { text: `x: ${'{a: '.repeat(DEPTH / 2)}1${'}'.repeat(DEPTH / 2)}`, line: 4, column: 4 + 31 * 4 },
    'block mappings': { text: `x:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1`, line: 5 + 31, column: 33 },
    'block sequences': { text: `x:\n  ${'- '.repeat(300)}1`, line: 5, column: 3 + 31 * 2 },
  };
  for (const [name, { text, line, column }] of Object.entries(deepCases)) {
    it(`rejects deeply nested YAML (${name}) with a positioned error, never a stack overflow`, async () => {
      const { file, agent } = await analyze(`${HEAD}${text}\n---\nBody\n`);
      expect(agent).toBeUndefined();
      const [message, ...rest] = messages(file);
      expect(rest).toEqual([]);
      expect(message).toEqual({ ruleId: 'frontmatter/too-large', reason: 'Frontmatter is nested more than 32 levels deep (limits.maxNestingDepth)', line, column });
    });
  }

  it('measures depth as collections open (linear, no recursion)', () => {
    expect(firstTooDeep('a: 1\nb: [1, 2]\nc: {d: e}', 3)).toBeUndefined();
    // The mapping is level 1, so the third `[` (offset 5) opens level 4.
    expect(firstTooDeep('a: [[[[x]]]]', 3)).toBe(5);
    expect(firstTooDeep('a: "[[[[[[["', 3)).toBeUndefined();
    expect(firstTooDeep(`a: ${'['.repeat(1_000_000)}`, 32)).toBeGreaterThan(0);
  });

  it('stops YAML alias bombs ("billion laughs") with a positioned error', async () => {
    const lol = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) lol.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const { file, agent } = await analyze(`${HEAD}${lol.join('\n')}\n---\nBody\n`);
    expect(agent).toBeUndefined();
    // Positioned at the frontmatter's start: yaml's exception carries no offset.
    expect(messages(file)).toEqual([{ line: 2, column: 1, ruleId: 'frontmatter/yaml-syntax', reason: 'Frontmatter rejected: Excessive alias count indicates a resource exhaustion attack' }]);
  });

  it('stops an alias chain that doubles 60 times', async () => {
    const chain = ['b0: &b0 [x]'];
    for (let i = 1; i < 60; i++) chain.push(`b${i}: &b${i} [*b${i - 1}, *b${i - 1}]`);
    const { file } = await analyze(`${HEAD}${chain.join('\n')}\n---\nBody\n`);
    expect(messages(file).map((m) => m.ruleId)).toEqual(['frontmatter/yaml-syntax']);
  });

  it('reports random bytes as not text, with a position', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const bytes = randomBytes(4096);
      const { file, agent } = await analyze(bytes);
      expect(agent).toBeUndefined();
      const fatal = messages(file);
      expect(fatal.length).toBeGreaterThan(0);
      expect(['file/encoding', 'file/nul-byte', 'frontmatter/missing']).toContain(fatal[0]!.ruleId);
      expect(fatal[0]!.line).toBeGreaterThanOrEqual(1);
    }
  });

  // Inputs that were slow before their fix (regex backtracking or O(n*m) loops), each at the
  // largest size the frontmatter limit allows.
  const slow: Record<string, string> = {
    'unclosed <example> tags': `---\nname: big-agent\ndescription: ${'<example>'.repeat(7000)}\n---\nBody\n`,
    'long runs of spaces in a description': `---\nname: big-agent\ndescription: a${' '.repeat(60_000)}b\n---\nBody\n`,
    'long runs of spaces in an example': `---\nname: big-agent\ndescription: <example>user: a${' '.repeat(60_000)}b assistant: c</example>\n---\nBody\n`,
    'a 60 KB tool name': `---\nname: big-agent\ndescription: Use it\ntools: ${'A('.repeat(30_000)}\n---\nBody\n`,
    '900 keys of strict YAML': `${HEAD}${Array.from({ length: 900 }, (_, i) => `k${i}: v`).join('\n')}\n---\nBody\n`,
  };
  for (const [name, text] of Object.entries(slow)) {
    it(`compiles ${name} without blowing up`, async () => {
      const { file } = await analyze(text);
      expect(messages(file).filter((m) => m.ruleId === 'frontmatter/too-large')).toEqual([]);
    });
  }

  it('limits are configurable and enforced from the config', async () => {
    const { file } = await analyze(`${HEAD}x: [[1]]\n---\nBody\n`, { ...config.limits, maxNestingDepth: 2 });
    expect(messages(file)).toEqual([{ line: 4, column: 5, ruleId: 'frontmatter/too-large', reason: 'Frontmatter is nested more than 2 levels deep (limits.maxNestingDepth)' }]);
    // Plain `key: value` lines (read without the CST pass) obey the nesting limit too: a flat
    // mapping is two levels in its terms, so a limit of 1 refuses it and 2 takes it.
    const flat = await analyze(`${HEAD}---\nBody\n`, { ...config.limits, maxNestingDepth: 1 });
    expect(messages(flat.file)).toEqual([{ line: 2, column: 7, ruleId: 'frontmatter/too-large', reason: 'Frontmatter is nested more than 1 levels deep (limits.maxNestingDepth)' }]);
    expect((await analyze(`${HEAD}---\nBody\n`, { ...config.limits, maxNestingDepth: 2 })).agent?.name).toBe('big-agent');
    const small = await analyze(`${HEAD}---\nBody\n`, { ...config.limits, maxFrontmatterLines: 1 });
    expect(messages(small.file)).toEqual([{ line: 3, column: 1, ruleId: 'frontmatter/too-large', reason: 'Frontmatter has more than 1 lines (limits.maxFrontmatterLines)' }]);
    // analyzeText without limits (public API) applies the defaults.
    const file2 = new VFile({ path: 'agents/p.md' });
    expect(analyzeText(file2, `${HEAD}x: ${'['.repeat(50)}\n---\n`, '', { rules: {}, models: config.models })).toBeUndefined();
    expect(file2.messages[0]!.ruleId).toBe('frontmatter/too-large');
  });
});
