/**
 * The remembered validation of a config (config/validated-memo.ts): a load whose config value
 * is the one validated last takes the remembered values (so an up-to-date build never loads
 * zod); any other value, an invalid one, or one that JSON cannot carry exactly is validated by
 * zod. Reuse is observed by planting a marker in the memo: only a reused memo can return it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { validateConfig } from '../src/config/resolve.js';
import { plainJson, recallValidated, rememberValidated } from '../src/config/validated-memo.js';
import { cleanupTempDirs, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const CACHE = 'node_modules/.cache/agentc';

async function project(config: string): Promise<string> {
  const root = await tempDir();
  await writeFile(path.join(root, 'agents.config.mjs'), config);
  return root;
}
const load = (root: string, cache = true) => loadConfig({ cwd: root, cache });
/** Change what the memo says about the value, leaving the value it is for alone. */
function plant(file: string, outDir: string): void {
  const memo = JSON.parse(readFileSync(file, 'utf8')) as { values: { outDir: string } };
  writeFileSync(file, JSON.stringify({ ...memo, values: { ...memo.values, outDir } }));
}

describe('the remembered validation of a config', () => {
  it('is used while the config value is the same, and only then', async () => {
    const root = await project(`export default { outDir: process.env.AGENTC_MEMO_OUT ?? 'dist', models: { aliases: { b: 'm-b', a: 'm-a' } } };\n`);
    const memo = await firstMemo(root);
    const first = await load(root);
    expect(first.outDir).toBe('dist');
    // Key order is part of the value: validation keeps records in the order written.
    expect(Object.keys(first.models.aliases)).toEqual(['b', 'a']);
    expect(JSON.parse(readFileSync(memo, 'utf8')).values).toEqual(validateConfig(JSON.parse(JSON.parse(readFileSync(memo, 'utf8')).value), undefined));

    plant(memo, 'planted');
    expect((await load(root)).outDir).toBe('planted');

    // The config still runs on every load: another value (here from the environment) is validated.
    process.env.AGENTC_MEMO_OUT = 'out';
    try {
      expect((await load(root)).outDir).toBe('out');
    } finally {
      delete process.env.AGENTC_MEMO_OUT;
    }
    expect((await load(root)).outDir).toBe('dist');
  });

  it('never remembers an invalid config, and a memo of another agentc version is not used', async () => {
    const bad = await project(`export default { outDir: 42 };\n`);
    await expect(load(bad)).rejects.toThrow(ConfigError);
    await expect(load(bad)).rejects.toThrow(/outDir/);
    expect(existsSync(path.join(bad, CACHE)) && readdirSync(path.join(bad, CACHE)).some((n) => n.endsWith('.values.json'))).toBe(false);

    const root = await project(`export default { outDir: 'dist' };\n`);
    const memo = await firstMemo(root);
    const record = JSON.parse(readFileSync(memo, 'utf8'));
    writeFileSync(memo, JSON.stringify({ ...record, version: 'another', values: { ...record.values, outDir: 'planted' } }));
    expect((await load(root)).outDir).toBe('dist');
    writeFileSync(memo, '{"format":1,');
    expect((await load(root)).outDir).toBe('dist');
  });

  it('validates a config that JSON cannot carry exactly every time (a plugin target)', async () => {
    const root = await project(`export default { targets: ['json', { name: 'mine', emit: () => [] }] };\n`);
    const config = await load(root);
    expect(config.targets.map((t) => (typeof t === 'string' ? t : t.name))).toEqual(['json', 'mine']);
    expect(readdirSync(path.join(root, CACHE)).some((n) => n.endsWith('.values.json'))).toBe(false);
  });

  it('a project without a config file remembers the defaults too', async () => {
    const root = await tempDir();
    expect((await load(root)).outDir).toBe('dist');
    const memo = path.join(root, CACHE, 'config-none.values.json');
    plant(memo, 'planted');
    expect((await load(root)).outDir).toBe('planted');
    expect((await load(root, false)).outDir).toBe('dist');
  });

  it('cache: false neither reads nor writes a memo', async () => {
    const root = await project(`export default { outDir: 'dist' };\n`);
    await load(root, false);
    expect(existsSync(path.join(root, CACHE))).toBe(false);
  });
});

describe('plainJson: the values whose JSON is exactly what validation sees', () => {
  it('takes plain data', () => {
    expect(plainJson({ a: [1, 'x', true, null, { b: 2.5 }] })).toBe('{"a":[1,"x",true,null,{"b":2.5}]}');
    expect(plainJson(Object.assign(Object.create(null), { a: 1 }))).toBe('{"a":1}');
  });

  it('refuses what JSON would change or drop', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const getter = Object.defineProperty({}, 'outDir', { get: () => 'dist', enumerable: true });
    const hidden = Object.defineProperty({}, 'outDir', { value: 'dist', enumerable: false });
    const cases: unknown[] = [
      undefined,
      { outDir: undefined },
      { n: -0 },
      { n: Number.NaN },
      { n: Infinity },
      { f: () => 1 },
      { d: new Date(0) },
      { a: [1, , 3] },
      { big: 1n },
      { [Symbol('s')]: 1 },
      JSON.parse('{"__proto__": {"x": 1}}'),
      cyclic,
      getter,
      hidden,
      new (class Config {})(),
    ];
    for (const value of cases) expect(plainJson(value)).toBeUndefined();
    // A repeated (not cyclic) object is fine.
    const shared = { a: 1 };
    expect(plainJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}');
  });

  it('recall gives back exactly what was remembered for that value', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'memo.json');
    const value = { include: ['agents/*.md'] };
    const values = validateConfig(value, undefined);
    rememberValidated(file, value, values);
    expect(recallValidated(file, { include: ['agents/*.md'] })).toEqual(values);
    expect(recallValidated(file, { include: ['other/*.md'] })).toBeUndefined();
    expect(recallValidated(file, { include: ['agents/*.md'], f: () => 1 })).toBeUndefined();
  });
});

/** Load once and give the memo file (the only `.values.json` in the cache). */
async function firstMemo(root: string): Promise<string> {
  await load(root);
  const name = readdirSync(path.join(root, CACHE)).find((n) => n.endsWith('.values.json'));
  expect(name).toBeDefined();
  return path.join(root, CACHE, name!);
}
