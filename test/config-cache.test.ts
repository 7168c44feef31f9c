/**
 * The bundled config in the persistent cache (config/load.ts cachedBundle): reused while every
 * file it was bundled from, its folders' entries and the versions are the same; bundled again
 * otherwise. Reuse is observed by planting a marker in the cached code: only a reused bundle
 * can return it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { cleanupTempDirs, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const CACHE = 'node_modules/.cache/agentc';

async function project(): Promise<string> {
  const root = await tempDir();
  await writeFile(path.join(root, 'models.ts'), `export const sonnet: string = 'model-one';\n`);
  await writeFile(path.join(root, 'agents.config.ts'), `import { sonnet } from './models';\nexport default { models: { aliases: { sonnet } } };\n`);
  return root;
}

const load = (root: string, cache = true) => loadConfig({ cwd: root, cache });
const recordOf = (root: string) => {
  const file = readdirSync(path.join(root, CACHE)).find((name) => name.startsWith('config-') && !name.endsWith('.values.json'))!;
  return path.join(root, CACHE, file);
};
/** Change what the cached bundle returns, leaving its key alone. */
function plant(root: string): void {
  const file = recordOf(root);
  const record = JSON.parse(readFileSync(file, 'utf8')) as { code: string };
  expect(record.code).toContain('model-one');
  writeFileSync(file, JSON.stringify({ ...record, code: record.code.replace('model-one', 'planted') }));
}
const alias = async (root: string) => (await load(root)).models.aliases.sonnet;

describe('the bundled config cache', () => {
  it('is reused once it knows the files, and only while they are unchanged', async () => {
    const root = await project();
    // First load: the imports were not known before bundling, so the bundle is not trusted yet.
    expect(await alias(root)).toBe('model-one');
    plant(root);
    expect(await alias(root)).toBe('model-one');
    // Second load stamped the right files before bundling: now stored and reused.
    plant(root);
    expect(await alias(root)).toBe('planted');
    const config = await load(root);
    expect(config.dependencies.map((d) => path.basename(d))).toEqual(['agents.config.ts', 'models.ts']);

    // An edit to an imported file, or a new file beside them (it could change what `./models` resolves to).
    await writeFile(path.join(root, 'models.ts'), `export const sonnet: string = 'model-two';\n`);
    expect(await alias(root)).toBe('model-two');
    await writeFile(path.join(root, 'models.ts'), `export const sonnet: string = 'model-one';\n`);
    await alias(root);
    plant(root);
    expect(await alias(root)).toBe('planted');
    await writeFile(path.join(root, 'models.js'), `export const sonnet = 'from-js';\n`);
    expect(await alias(root)).toBe('model-one');
  });

  it('a corrupt record is a miss; cache: false neither reads nor writes one', async () => {
    const root = await project();
    await alias(root);
    await alias(root);
    writeFileSync(recordOf(root), '{"format":1,"code":');
    expect(await alias(root)).toBe('model-one');

    const bare = await project();
    expect((await load(bare, false)).models.aliases.sonnet).toBe('model-one');
    expect(existsSync(path.join(bare, CACHE))).toBe(false);
  });
});
