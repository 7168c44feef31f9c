/**
 * Plain `key: value` frontmatter (src/pipeline/frontmatter/plain.ts) is read and written
 * without the `yaml` package, and must give exactly what `yaml` gives, or decline:
 * - writing: the claude-code target's text, byte for byte, for generated values (every mix of
 *   the characters the fast path allows, and the words and numbers it must leave to YAML) and
 *   for every agent of ../shared/corpus;
 * - reading: the strict reader's data (values, key order) and every position it reports, for
 *   generated frontmatter and every file of the corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import type { Agent } from '../src/ir.js';
import { readPlainYaml, writePlainYaml } from '../src/pipeline/frontmatter/plain.js';
import { readStrictYaml } from '../src/pipeline/frontmatter/strict.js';
import { stringifyFrontmatter, yamlFrontmatter } from '../src/pipeline/frontmatter/stringify.js';
import type { FieldPath, Frontmatter } from '../src/pipeline/frontmatter/types.js';
import { parseSource, type FrontmatterBlock } from '../src/pipeline/parse.js';
import { claudeCodeFields } from '../src/targets/claude-code.js';
import { createLocator } from '../src/util/text.js';
import { CORPUS, configFor } from './helpers/project.js';

function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

/** Values YAML must not take as they are (other types, quoting), then generated ones. */
const SPECIAL_VALUES = [
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', 'yes', 'no', 'on', 'off', '~',
  '0', '12', '-1', '+1', '1.5', '1.', '.5', '1e5', '1e+5', '1E-5', '0x1f', '0o17', '0b101', '1_000', '.inf', '.nan',
  '1-agent', '2024-01-01', 'a b', 'a  b', 'a - b', 'a -', '- a', 'a,b', '(x', 'x)', 'Read, Write, Bash', 'mcp__github__x',
  '__proto__', 'a: b', 'a:b', 'a #b', 'a#b', ' a', 'a ', '', "it's", '"q"', 'a\tb', 'a\rb', '[a]', '{a}', '&a', '*a', '!a', '|', '>', '%a', '@a', '`a',
];

function generatedValues(count: number, seed: number): string[] {
  const alphabet = [...'aAeEfFxXoOtTnNlLrRsSuUyYzZ_0159 .,;()/+-:#"\'!&*[]{}|>%@`?=<~^$\\\té—漢😀\u00a0\u2028\u0085\ufeff', '\ud800'];
  const next = random(seed);
  const values = [...SPECIAL_VALUES];
  for (let i = 0; i < count; i++) {
    let value = '';
    const length = 1 + next(10);
    for (let j = 0; j < length; j++) value += alphabet[next(alphabet.length)];
    values.push(value);
  }
  return values;
}

/** The positions a reader reports, for every path a diagnostic may ask about. */
function positionsOf(frontmatter: Frontmatter): unknown[] {
  const paths: FieldPath[] = [[], ['missing'], [0]];
  for (const key of Object.keys(frontmatter.data)) paths.push([key], [key, 0], [key, 'x', 1]);
  return paths.flatMap((p) => [frontmatter.locate(p, 'key'), frontmatter.locate(p, 'value'), frontmatter.locate(p)]);
}

/** readPlainYaml's reading of the frontmatter of `text`, and the strict reader's. */
function bothReadings(text: string): { plain: Frontmatter | undefined; strict: ReturnType<typeof readStrictYaml>; block: FrontmatterBlock } | undefined {
  const parsed = parseSource(text, () => {});
  if (!parsed) return undefined;
  const locator = createLocator(text);
  const block = parsed.frontmatter;
  return { plain: readPlainYaml(block, locator), strict: readStrictYaml(block.raw, block.offset, locator), block };
}

function expectSameReading(text: string, label: string): boolean {
  const readings = bothReadings(text);
  if (!readings?.plain) return false;
  const { plain, strict } = readings;
  expect(strict.ok, label).toBe(true);
  if (!strict.ok) return false;
  expect(plain.mode).toBe(strict.frontmatter.mode);
  expect(Object.keys(plain.data), label).toEqual(Object.keys(strict.frontmatter.data));
  expect(plain.data, label).toEqual(strict.frontmatter.data);
  expect(positionsOf(plain), label).toEqual(positionsOf(strict.frontmatter));
  return true;
}

describe('writePlainYaml', () => {
  it('writes exactly what yaml writes, for every generated value it takes', () => {
    let taken = 0;
    for (const value of generatedValues(50_000, 7)) {
      const data = { name: value };
      const plain = writePlainYaml(data);
      if (plain === undefined) continue;
      taken++;
      expect(plain, JSON.stringify(value)).toBe(yamlFrontmatter(data));
      expect(parse(plain)).toEqual(data);
    }
    expect(taken).toBeGreaterThan(10_000);
  });

  it('leaves to yaml the words and numbers YAML reads as other types, and text it must quote', () => {
    for (const value of ['true', 'False', 'NULL', '12', '1.5', '1e5', '0x1f', '0o17', 'a: b', 'a #b', 'a:', ' a', 'a ', '', 'a\nb', 'a\tb', 'a\u00a0', '"q"', "'q'", '- a', '[a]']) {
      expect(writePlainYaml({ name: value }), JSON.stringify(value)).toBeUndefined();
      expect(parse(stringifyFrontmatter([['name', value]]))).toEqual({ name: value });
    }
    expect(writePlainYaml({ maxTurns: 3 })).toBeUndefined();
    expect(writePlainYaml({ tools: ['Read'] })).toBeUndefined();
    expect(writePlainYaml({ 'odd: key': 'x' })).toBeUndefined();
    expect(writePlainYaml({})).toBeUndefined();
    expect(stringifyFrontmatter([])).toBe(yamlFrontmatter({}));
  });

  it('keeps the last value of a repeated key in its first place, as yaml does', () => {
    const entries: [string, unknown][] = [['name', 'a'], ['model', 'opus'], ['name', 'b']];
    expect(stringifyFrontmatter(entries)).toBe('name: b\nmodel: opus\n');
    expect(stringifyFrontmatter(entries)).toBe(yamlFrontmatter(Object.fromEntries(entries)));
  });
});

describe('readPlainYaml', () => {
  it('reads generated frontmatter exactly as the strict reader does, or declines', () => {
    const values = generatedValues(20_000, 11);
    const keys = ['name', 'description', 'tools', 'model', 'color', '__proto__', 'toString', 'x-y', 'a b', 'true', '12', 'a:b', 'é'];
    const next = random(3);
    let taken = 0;
    for (let i = 0; i < 6_000; i++) {
      const lines: string[] = [];
      for (let n = 1 + next(5); n > 0; n--) lines.push(`${keys[next(keys.length)]}: ${values[next(values.length)]}`);
      const ending = ['', '\n', '\r\n', '\n\n'][next(4)]!;
      const text = `---\n${lines.join(ending === '\r\n' ? '\r\n' : '\n')}${ending === '\n\n' ? '\n' : ''}\n---\nBody.\n`;
      if (expectSameReading(text, JSON.stringify(text))) taken++;
    }
    expect(taken).toBeGreaterThan(200);
  });

  it('declines what it cannot read as yaml would: nesting, comments, blank lines, duplicates, CRLF, empty values', () => {
    for (const raw of ['tools:\n  - Read', 'name: a # note', 'name: a\n\ncolor: b', 'name: a\nname: b', 'name: a\r\ncolor: b', 'name:', 'name: ', '', '# only', 'name: "quoted"', 'name: a\n  continued']) {
      const readings = bothReadings(`---\n${raw}\n---\nBody\n`);
      expect(readings?.plain, JSON.stringify(raw)).toBeUndefined();
    }
  });

  it('reads every plain file of the corpus exactly as the strict reader does', () => {
    let files = 0;
    let taken = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.md')) {
          files++;
          if (expectSameReading(readFileSync(full, 'utf8'), full)) taken++;
        }
      }
    };
    walk(CORPUS);
    expect(files).toBeGreaterThanOrEqual(549);
    // Most of the 550 are plain lines only; the rest have quoted, multi-line or list values.
    expect(taken).toBeGreaterThan(300);
  });
});

describe('over the corpus agents', () => {
  const agents: Agent[] = [];
  beforeAll(async () => {
    for (const repo of readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory())) {
      const result = await compile(configFor(path.join(CORPUS, repo), { include: ['**/*.md', '.claude/agents/**/*.md'] }));
      agents.push(...result.agents);
    }
  });

  it('writes every agent\'s claude-code fields exactly as yaml does, or declines', () => {
    let whole = 0;
    let fields = 0;
    let plainFields = 0;
    for (const agent of agents) {
      const entries = claudeCodeFields(agent);
      const data = Object.fromEntries(entries);
      const plain = writePlainYaml(data);
      if (plain !== undefined) {
        whole++;
        expect(plain, agent.source.path).toBe(yamlFrontmatter(data));
      }
      for (const [key, value] of entries) {
        fields++;
        const one = writePlainYaml({ [key]: value });
        if (one === undefined) continue;
        plainFields++;
        expect(one, `${agent.source.path} ${key}`).toBe(yamlFrontmatter({ [key]: value }));
      }
    }
    expect(agents.length).toBe(548);
    expect(whole).toBeGreaterThan(100);
    expect(plainFields).toBeGreaterThan(fields / 2);
  });
});
