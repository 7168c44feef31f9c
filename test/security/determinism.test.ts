/**
 * Determinism: the same sources give byte-identical dist/ from different folders, working
 * directories, time zones and locales, and whatever order the files were created in; the
 * manifest hash is stable across runs and across clean rebuilds.
 */
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import { cleanupTempDirs, configFor, FIXTURE_CONFIG, REPO, snapshotDir, tempDir } from '../helpers/project.js';
import { bundleCli, spawnCli } from './cli-bundle.js';

let entry: string;
beforeAll(async () => {
  entry = await bundleCli();
});
afterAll(cleanupTempDirs);

/** Names chosen to sort differently by locale than by code units (case, accents, `_`, digits), and Turkish `i`/`I`. */
const NAMES = ['Zeta', 'alpha', 'Alpha-2', 'beta_1', 'beta-1', 'b10', 'b9', 'IRIS', 'iris-x', 'ida', 'Ölçer', 'omega.v2'];

async function sources(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  NAMES.forEach((name, i) => {
    const safe = /^[A-Za-z0-9._-]+$/.test(name) ? name : `agent-${i}`;
    files[`agents/${i % 2 ? 'sub/' : ''}${safe}.md`] =
      `---\nname: ${safe}\ndescription: Use ${name} for dates like 2024-03-10T02:30 and ${i}.5 numbers: <example>user: İstanbul ıi\\nassistant: ok</example>\n` +
      `tools: Read, Grep${i % 3 ? ', Bash(git log:*)' : ''}\nmodel: ${['sonnet', 'opus', 'inherit'][i % 3]}\nextra-date: 2024-01-01\nextra-number: 1e3\n---\nPrompt for ${name}: ünïcödé, emoji 🙂, CRLF-free.\n`;
  });
  // Real files from the repository's own examples.
  for (const name of await readdir(path.join(REPO, 'agents'))) {
    if (name.endsWith('.md')) files[`agents/examples/${name}`] = await readFile(path.join(REPO, 'agents', name), 'utf8');
  }
  return files;
}

async function project(parent: string, files: Record<string, string>, reverse: boolean): Promise<string> {
  const root = path.join(parent, 'project');
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'agents.config.mjs'), `export default ${JSON.stringify(FIXTURE_CONFIG, null, 2)};\n`);
  const entries = Object.entries(files);
  if (reverse) entries.reverse();
  let time = reverse ? 2_000_000_000 : 1_000_000_000;
  for (const [file, contents] of entries) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), contents);
    // Different creation order and different mtimes: neither may leak into the output.
    await utimes(path.join(root, file), time, time);
    time += reverse ? -3600 : 7;
  }
  return root;
}

it('two builds from different folders, cwd, TZ, LANG and file creation order give byte-identical dist/', { timeout: 180_000 }, async () => {
  const files = await sources();
  const one = await project(await tempDir('agentc-det-a-'), files, false);
  const two = await project(path.join(await tempDir('agentc-det-b-'), 'nested', 'deeper'), files, true);

  const first = await spawnCli(entry, ['build'], { cwd: one, env: { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' } }).done;
  expect(first.code, first.stderr).toBe(0);
  // From another working directory, with the config given explicitly.
  const second = await spawnCli(entry, ['build', '--config', path.join(two, 'agents.config.mjs')], {
    cwd: path.dirname(REPO),
    env: { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', LC_COLLATE: 'tr_TR.UTF-8' },
  }).done;
  expect(second.code, second.stderr).toBe(0);

  const a = await snapshotDir(path.join(one, 'dist'));
  const b = await snapshotDir(path.join(two, 'dist'));
  expect(Object.keys(a).length).toBeGreaterThan(NAMES.length * 4);
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const file of Object.keys(a)) expect(b[file], file).toBe(a[file]);

  // In-process, too (this process's own TZ and locale).
  const three = await project(await tempDir('agentc-det-c-'), files, true);
  await build({ config: configFor(three) });
  expect(await snapshotDir(path.join(three, 'dist'))).toEqual(a);

  // Names are sorted by code units, not by locale.
  const manifest = JSON.parse(a['manifest.json']!);
  const names: string[] = manifest.agents.map((x: { name: string }) => x.name);
  expect(names).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  expect(names.slice(0, 3)).toEqual(['Alpha-2', 'IRIS', 'Zeta']);
});

it('the manifest hash is stable across runs and clean rebuilds, and changes with the input', { timeout: 120_000 }, async () => {
  const root = await project(await tempDir('agentc-det-h-'), await sources(), false);
  const hashes: string[] = [];
  for (let run = 0; run < 3; run++) {
    if (run === 2) await rm(path.join(root, 'dist'), { recursive: true });
    const result = await build({ config: configFor(root) });
    expect(result.errorCount).toBe(0);
    hashes.push(JSON.parse(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).hash);
  }
  expect(new Set(hashes).size).toBe(1);
  expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
  await writeFile(path.join(root, 'agents/Zeta.md'), (await readFile(path.join(root, 'agents/Zeta.md'), 'utf8')).replace('Prompt for', 'A changed prompt for'));
  await build({ config: configFor(root) });
  expect(JSON.parse(await readFile(path.join(root, 'dist/manifest.json'), 'utf8')).hash).not.toBe(hashes[0]);
});
