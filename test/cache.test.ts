/**
 * The persistent cache (node_modules/.cache/agentc): a warm build parses nothing; a new
 * compiler version, a config edit or an edit to a file the config imports invalidates it; a
 * corrupt or unreadable cache is ignored, never fatal.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder, type BuilderOptions, type BuilderEvents } from '../src/builder.js';
import { compile } from '../src/compile.js';
import { loadConfig } from '../src/config/load.js';
import { cleanupTempDirs, copyInto, CORPUS, FIXTURE_CONFIG, makeProject, snapshotDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const agent = (name: string, description = `Helps with ${name}`) => `---\nname: ${name}\ndescription: ${description}\nmodel: sonnet\n---\nYou are ${name}.\n`;
const FILES = { 'agents/a.md': agent('alpha'), 'agents/b.md': agent('beta'), 'agents/c.md': agent('gamma') };
const CACHE_DIR = 'node_modules/.cache/agentc';

/** One build by a fresh builder (a new process, as far as the cache can tell). */
async function buildOnce(root: string, options: BuilderOptions = {}) {
  const builder = createBuilder({ cwd: root, ...options });
  const parsed: string[] = [];
  let load: BuilderEvents['cache:load'] | undefined;
  const errors: Error[] = [];
  builder.on('file:analyze', ({ path: p }) => parsed.push(p));
  builder.on('cache:load', (event) => (load = event));
  builder.on('error', ({ error }) => errors.push(error));
  const summary = await builder.build();
  return { summary, parsed: parsed.sort(), load, errors };
}

/** The cache's files, relative to CACHE_DIR: one folder per config, one file per shard, and the build record. */
async function cacheFiles(root: string): Promise<string[]> {
  const dir = path.join(root, CACHE_DIR);
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

const isShard = (file: string) => /^analysis-[0-9a-f]{12}\/shard-\d\d\.json$/.test(file);
const shardFiles = async (root: string) => (await cacheFiles(root)).filter(isShard);

async function storedPaths(root: string): Promise<string[]> {
  const paths: string[] = [];
  for (const file of await shardFiles(root)) {
    const data = JSON.parse(await readFile(path.join(root, CACHE_DIR, file), 'utf8')) as { entries: [string][] };
    paths.push(...data.entries.map((e) => e[0]));
  }
  return paths.sort();
}

async function expectFreshDist(root: string): Promise<void> {
  const fresh = await compile(await loadConfig({ cwd: root }));
  expect(await snapshotDir(path.join(root, 'dist'))).toEqual(Object.fromEntries(fresh.output.map((f) => [f.path, f.contents])));
}

describe('persistent cache', () => {
  it('a warm build (cache present, nothing changed) parses no agent file', async () => {
    const root = await makeProject(FILES);
    const cold = await buildOnce(root);
    expect(cold.load?.status).toBe('missing');
    expect(cold.parsed).toEqual(['agents/a.md', 'agents/b.md', 'agents/c.md']);
    const files = await cacheFiles(root);
    expect(files.filter(isShard).length).toBeGreaterThan(0);
    expect(files.filter((file) => !isShard(file))).toEqual([expect.stringMatching(/^analysis-[0-9a-f]{12}\/build\.json$/), expect.stringMatching(/^config-[0-9a-f]{12}\.json$/), expect.stringMatching(/^config-[0-9a-f]{12}\.values\.json$/)]);
    expect(await storedPaths(root)).toEqual(['agents/a.md', 'agents/b.md', 'agents/c.md']);
    const dist = await snapshotDir(path.join(root, 'dist'));

    const warm = await buildOnce(root);
    // The build record vouches for sources, config and outDir: not even the cache's analyses are loaded.
    expect(warm.load).toBeUndefined();
    expect(warm.parsed).toEqual([]);
    expect(warm.summary).toMatchObject({ analyzed: [], cached: 3, agents: 3, errors: 0, upToDate: true, written: [] });
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(dist);
  });

  it('re-parses only the files whose bytes changed, and forgets deleted ones', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    await writeFile(path.join(root, 'agents/b.md'), agent('beta', 'Changed'));
    await rm(path.join(root, 'agents/c.md'));
    const next = await buildOnce(root);
    expect(next.parsed).toEqual(['agents/b.md']);
    expect(next.summary.result.agents.map((a) => a.name)).toEqual(['alpha', 'beta']);
    await expectFreshDist(root);
    expect(await storedPaths(root)).toEqual(['agents/a.md', 'agents/b.md']);
  });

  it('keeps no prompt (each is the end of its source) and gives back exactly a fresh build over the whole corpus', async () => {
    const root = await makeProject({}, { ...FIXTURE_CONFIG, targets: ['json', 'ts', 'claude-agent-sdk', 'claude-code'] });
    await copyInto(root, CORPUS, 'agents');
    // The corpus's one file with an error would keep dist/ from being written.
    const checked = await compile(await loadConfig({ cwd: root }));
    for (const file of new Set(checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))) await rm(path.join(root, file));
    const cold = await buildOnce(root);
    expect(cold.summary.errors).toBe(0);
    expect(cold.parsed.length).toBeGreaterThan(300);
    // The shards hold every agent without its prompt: only its length.
    for (const file of await shardFiles(root)) {
      const data = JSON.parse(await readFile(path.join(root, CACHE_DIR, file), 'utf8')) as { entries: [string, string, unknown[], Record<string, unknown> | null, number][] };
      for (const [, , , agent, promptLength] of data.entries) {
        if (agent) expect([Object.hasOwn(agent, 'prompt'), promptLength >= 0]).toEqual([false, true]);
      }
    }
    // CI restoring only the cache: no dist/, every analysis (and prompt) from the cache and the sources.
    await rm(path.join(root, 'dist'), { recursive: true });
    const warm = await buildOnce(root);
    expect(warm.parsed).toEqual([]);
    expect(warm.summary.cached).toBe(cold.parsed.length);
    const fresh = await compile(await loadConfig({ cwd: root }));
    expect(warm.summary.result.agents).toEqual(fresh.agents);
    expect(warm.summary.result.agents.map((a) => a.hash)).toEqual(fresh.agents.map((a) => a.hash));
    expect(warm.summary.result.diagnostics).toEqual(fresh.diagnostics);
    await expectFreshDist(root);
  });

  it('a different compiler version invalidates it', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root, { version: '1.0.0-test' });
    expect((await buildOnce(root, { version: '1.0.0-test' })).parsed).toEqual([]);
    const other = await buildOnce(root, { version: '1.0.1-test' });
    expect(other.load?.status).toBe('stale');
    expect(other.parsed).toHaveLength(3);
  });

  it('a config edit invalidates it', async () => {
    const root = await makeProject(FILES, { include: ['agents/**/*.md'], models: { aliases: { sonnet: 'model-one' } } });
    await buildOnce(root);
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md'], models: { aliases: { sonnet: 'model-two' } } };\n`);
    const next = await buildOnce(root);
    expect(next.load?.status).toBe('stale');
    expect(next.parsed).toHaveLength(3);
    expect(next.summary.result.agents[0]!.model.resolved).toBe('model-two');
    await expectFreshDist(root);
  });

  it('an edit to a file the config imports invalidates it, even when the values stay the same', async () => {
    const root = await makeProject(FILES);
    await writeFile(path.join(root, 'models.mjs'), `export const models = { aliases: { sonnet: 'model-one' } };\n`);
    await writeFile(path.join(root, 'agents.config.mjs'), `import { models } from './models.mjs';\nexport default { include: ['agents/**/*.md'], models };\n`);
    await buildOnce(root);
    expect((await buildOnce(root)).parsed).toEqual([]);
    // A comment: same values, other bytes. The config's code may read anything; only its bytes are known.
    await writeFile(path.join(root, 'models.mjs'), `// reviewed\nexport const models = { aliases: { sonnet: 'model-one' } };\n`);
    const next = await buildOnce(root);
    expect(next.load?.status).toBe('stale');
    expect(next.parsed).toHaveLength(3);
  });

  it.each([
    ['garbage bytes', () => Buffer.from([0xff, 0x00, 0x13, 0x37])],
    ['truncated JSON', (good: string) => good.slice(0, good.length / 2)],
    ['rows of the wrong shape', (good: string) => JSON.stringify({ ...JSON.parse(good), entries: [42] })],
    ['null', () => 'null'],
  ])('a corrupt cache (%s) is ignored and rebuilt', async (_label, corrupt) => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    for (const file of await shardFiles(root)) await writeFile(path.join(root, CACHE_DIR, file), corrupt(await readFile(path.join(root, CACHE_DIR, file), 'utf8')));
    const next = await buildOnce(root);
    expect(next.load?.status).toBe('corrupt');
    expect(next.parsed).toHaveLength(3);
    expect(next.summary.errors).toBe(0);
    await expectFreshDist(root);
    // Rewritten whole: the next build is warm again.
    expect((await buildOnce(root)).parsed).toEqual([]);
  });

  it('a cache that cannot be read or written is not fatal', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    // Every shard a folder: unreadable as a file, and impossible to replace by a rename.
    for (const file of await shardFiles(root)) {
      await rm(path.join(root, CACHE_DIR, file));
      await mkdir(path.join(root, CACHE_DIR, file));
    }
    const next = await buildOnce(root);
    expect(next.load?.status).toBe('corrupt');
    expect(next.summary.errors).toBe(0);
    expect(next.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Cannot write the cache/)]);
    await expectFreshDist(root);
    // No build record vouches for a cache that was not written: the next build is a real one.
    expect((await cacheFiles(root)).filter((f) => f.endsWith('/build.json'))).toEqual([]);
  });

  it('is written atomically: no temporary files are left beside it', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    await writeFile(path.join(root, 'agents/a.md'), agent('alpha', 'Again'));
    await buildOnce(root);
    const files = await cacheFiles(root);
    expect(files.filter((f) => !isShard(f) && !f.endsWith('/build.json') && !/^config-[0-9a-f]{12}(\.values)?\.json$/.test(f))).toEqual([]);
    expect(await storedPaths(root)).toEqual(['agents/a.md', 'agents/b.md', 'agents/c.md']);
  });

  it('cache: false (--no-cache) neither reads nor writes it', async () => {
    const root = await makeProject(FILES);
    const first = await buildOnce(root, { cache: false });
    expect(first.load).toBeUndefined();
    expect(await cacheFiles(root)).toEqual([]);
    await buildOnce(root);
    expect((await buildOnce(root, { cache: false })).parsed).toHaveLength(3);
  });
});
