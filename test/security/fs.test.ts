/**
 * File-system failures: a clear error, and the previous dist/ untouched.
 *
 * What is real and what is simulated: the tests run as root, so chmod cannot deny a read, and
 * a full or failing disk cannot be made without mounting one. EACCES, ENOSPC and EIO are
 * therefore injected: `node:fs` and `node:fs/promises` are wrapped (vi.mock) so that a chosen
 * operation on a chosen path throws an errno error exactly as Node's would. A file deleted
 * between discovery and read, a symlink loop, a FIFO, a folder named like an agent file and an
 * outDir that is a file are real.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/build.js';
import { compile } from '../../src/compile.js';
import { discover } from '../../src/pipeline/discover.js';
import { OutputError } from '../../src/write.js';
import { cleanupTempDirs, cli, configFor, makeProject, snapshotDir } from '../helpers/project.js';

const faults = vi.hoisted(() => {
  type Fault = { op: string; match: (p: string) => boolean; code: string; once?: boolean };
  const list: Fault[] = [];
  const hit = (op: string, p: unknown) => {
    const index = list.findIndex((f) => f.op === op && f.match(String(p)));
    if (index === -1) return;
    const fault = list[index]!;
    if (fault.once) list.splice(index, 1);
    const messages: Record<string, string> = { EACCES: 'permission denied', ENOSPC: 'no space left on device', EIO: 'i/o error' };
    throw Object.assign(new Error(`${fault.code}: ${messages[fault.code] ?? 'error'}, ${op} '${String(p)}'`), { code: fault.code, syscall: op, path: String(p) });
  };
  return { list, hit };
});

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrapped = {
    ...fs,
    readFileSync: ((p: unknown, ...rest: unknown[]) => (faults.hit('open', p), (fs.readFileSync as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.readFileSync,
    openSync: ((p: unknown, ...rest: unknown[]) => (faults.hit('open', p), (fs.openSync as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.openSync,
    writeFileSync: ((p: unknown, ...rest: unknown[]) => (faults.hit('write', p), (fs.writeFileSync as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.writeFileSync,
    renameSync: ((a: unknown, b: unknown) => (faults.hit('rename', a), fs.renameSync(a as string, b as string))) as typeof fs.renameSync,
  };
  return { ...wrapped, default: wrapped };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const wrapped = {
    ...fs,
    readFile: (async (p: unknown, ...rest: unknown[]) => (faults.hit('open', p), (fs.readFile as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.readFile,
    writeFile: (async (p: unknown, ...rest: unknown[]) => (faults.hit('write', p), (fs.writeFile as (...a: unknown[]) => unknown)(p, ...rest))) as typeof fs.writeFile,
    rename: (async (a: unknown, b: unknown) => (faults.hit('rename', a), fs.rename(a as string, b as string))) as typeof fs.rename,
  };
  return { ...wrapped, default: wrapped };
});

afterEach(() => {
  faults.list.length = 0;
});
afterAll(cleanupTempDirs);

const agent = (name: string, body = 'You are a test agent with a long enough prompt.') =>
  `---\nname: ${name}\ndescription: Use this agent for file system tests\n---\n${body}\n`;

async function projectWithDist() {
  const root = await makeProject({ 'agents/one.md': agent('one'), 'agents/two.md': agent('two') });
  const first = await build({ config: configFor(root) });
  expect(first.errorCount).toBe(0);
  const dist = path.join(root, 'dist');
  return { root, dist, before: await snapshotDir(dist), inode: (await stat(path.join(dist, 'manifest.json'))).ino };
}

/** Nothing but the project's own entries beside dist/: no temp or old folders left. */
async function expectNoLeftovers(root: string) {
  expect((await readdir(root)).filter((e) => e.includes('agentc-'))).toEqual([]);
}

function fatal(result: { diagnostics: { severity: string; file: string; ruleId: string; message: string; line: number | null }[] }) {
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ file: d.file, ruleId: d.ruleId, message: d.message }));
}

describe('reading sources', () => {
  it('EACCES on read (injected): file/unreadable names the file and the code; the build writes nothing', async () => {
    const { root, dist, before } = await projectWithDist();
    await writeFile(path.join(root, 'agents/two.md'), agent('two', 'A changed prompt that should not be written.'));
    faults.list.push({ op: 'open', match: (p) => p === path.join(root, 'agents/two.md'), code: 'EACCES' });
    const result = await build({ config: configFor(root) });
    expect(fatal(result)).toEqual([{ file: 'agents/two.md', ruleId: 'file/unreadable', message: expect.stringMatching(/^Cannot read file \(EACCES\): EACCES: permission denied/) }]);
    expect(result.diagnostics.find((d) => d.ruleId === 'file/unreadable')).toMatchObject({ line: 1, column: 1 });
    expect(result.write).toBeUndefined();
    expect(await snapshotDir(dist)).toEqual(before);
    await expectNoLeftovers(root);
  });

  it('a file deleted between discovery and read (real): file/unreadable with ENOENT', async () => {
    const root = await makeProject({ 'agents/one.md': agent('one'), 'agents/gone.md': agent('gone') });
    const config = configFor(root);
    const sources = await discover(config);
    expect(sources.map((s) => s.path)).toEqual(['agents/gone.md', 'agents/one.md']);
    await rm(path.join(root, 'agents/gone.md'));
    const result = await compile(config, sources);
    expect(fatal(result)).toEqual([{ file: 'agents/gone.md', ruleId: 'file/unreadable', message: expect.stringContaining('(ENOENT)') }]);
    expect(result.diagnostics.find((d) => d.ruleId === 'file/unreadable')).toMatchObject({ line: 1, column: 1 });
    expect(result.agents.map((a) => a.name)).toEqual(['one']);
    expect(result.output).toEqual([]);
  });

  it('symlink loops (real): a file loop is unreadable (ELOOP) or skipped, a folder loop is not followed; never a hang', async () => {
    const root = await makeProject({ 'agents/one.md': agent('one') });
    await symlink('b.md', path.join(root, 'agents/a.md'));
    await symlink('a.md', path.join(root, 'agents/b.md'));
    await symlink('.', path.join(root, 'agents/self.md'));
    await symlink('..', path.join(root, 'agents/up'));
    const result = await compile(configFor(root));
    for (const error of fatal(result)) {
      expect(error.ruleId).toBe('file/unreadable');
      expect(error.message).toMatch(/ELOOP|EISDIR|not a regular file/);
    }
    expect(result.agents.map((a) => a.name)).toEqual(['one']);
  });

  it('a folder named like an agent file, and a FIFO (real): not a regular file, no blocking read', async () => {
    const root = await makeProject({ 'agents/one.md': agent('one') });
    await mkdir(path.join(root, 'agents/folder.md'));
    execFileSync('mkfifo', [path.join(root, 'agents/pipe.md')]);
    const config = configFor(root);
    const sources = [...(await discover(config)), { path: 'agents/folder.md', absolutePath: path.join(root, 'agents/folder.md') }, { path: 'agents/pipe.md', absolutePath: path.join(root, 'agents/pipe.md') }];
    const result = await compile(config, sources);
    const errors = fatal(result).filter((e) => e.file !== 'agents/one.md');
    expect(errors.map((e) => e.file).sort()).toEqual(['agents/folder.md', 'agents/pipe.md']);
    for (const error of errors) expect(error).toMatchObject({ ruleId: 'file/unreadable', message: expect.stringContaining('not a regular file') });
  });
});

describe('writing outDir', () => {
  it('outDir that is a file: a clear error, the file untouched, nothing else written', async () => {
    const root = await makeProject({ 'agents/one.md': agent('one') });
    await writeFile(path.join(root, 'dist'), 'not a folder\n');
    await expect(build({ config: configFor(root) })).rejects.toThrow(OutputError);
    await expect(build({ config: configFor(root) })).rejects.toThrow(/outDir .*dist exists and is not a folder/);
    expect(lstatSync(path.join(root, 'dist')).isFile()).toBe(true);
    const run = await cli(root, 'build');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/agents: outDir .*dist exists and is not a folder/);
    await expectNoLeftovers(root);
  });

  for (const code of ['ENOSPC', 'EIO']) {
    it(`${code} while writing the new build (injected): OutputError, previous dist/ untouched, temp removed`, async () => {
      const { root, dist, before, inode } = await projectWithDist();
      await writeFile(path.join(root, 'agents/two.md'), agent('two', 'A new prompt for the second agent.'));
      await writeFile(path.join(root, 'agents/three.md'), agent('three'));
      // Fail on the second file written into the temporary folder, after some output exists.
      let writes = 0;
      faults.list.push({ op: 'write', match: (p) => p.includes('.agentc-tmp-') && ++writes === 2, code });
      const error = await build({ config: configFor(root) }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(OutputError);
      expect((error as Error).message).toMatch(new RegExp(`^Cannot write .*dist: ${code}`));
      expect(await snapshotDir(dist)).toEqual(before);
      expect((await stat(path.join(dist, 'manifest.json'))).ino).toBe(inode);
      await expectNoLeftovers(root);
      // The next build, with the disk healthy again, succeeds.
      expect((await build({ config: configFor(root) })).write?.changed).toBe(true);
      expect(Object.keys(await snapshotDir(dist))).toContain('agents/three.json');
    });
  }

  it('EIO on the swap (injected, after dist/ was moved aside): dist/ is put back as it was', async () => {
    const { root, dist, before } = await projectWithDist();
    await writeFile(path.join(root, 'agents/two.md'), agent('two', 'A new prompt for the second agent.'));
    faults.list.push({ op: 'rename', match: (p) => p.includes('.agentc-tmp-'), code: 'EIO' });
    await expect(build({ config: configFor(root) })).rejects.toThrow(/^Cannot replace .*dist: EIO/);
    expect(await snapshotDir(dist)).toEqual(before);
    await expectNoLeftovers(root);
  });

  it('EIO moving the old dist/ aside (injected): nothing changes', async () => {
    const { root, dist, before } = await projectWithDist();
    await writeFile(path.join(root, 'agents/two.md'), agent('two', 'A new prompt for the second agent.'));
    faults.list.push({ op: 'rename', match: (p) => p === dist, code: 'EIO' });
    await expect(build({ config: configFor(root) })).rejects.toThrow(/^Cannot replace .*dist: EIO/);
    expect(await snapshotDir(dist)).toEqual(before);
    await expectNoLeftovers(root);
    expect(existsSync(dist)).toBe(true);
  });

  it('EACCES reading the previous dist/ to compare (injected): OutputError, not a crash; dist/ untouched', async () => {
    const { root, dist, before } = await projectWithDist();
    await writeFile(path.join(root, 'agents/two.md'), agent('two', 'A new prompt for the second agent.'));
    faults.list.push({ op: 'open', match: (p) => p === path.join(dist, 'manifest.json'), code: 'EACCES' });
    const error = await build({ config: configFor(root) }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(/^Cannot read .*dist: EACCES/);
    faults.list.length = 0;
    expect(await snapshotDir(dist)).toEqual(before);
    await expectNoLeftovers(root);
  });

  it('EACCES reading dist/ during `agents build --check` (injected): exit 1 with the error, not a crash', async () => {
    const { root, dist } = await projectWithDist();
    faults.list.push({ op: 'open', match: (p) => p === path.join(dist, 'manifest.json'), code: 'EACCES' });
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/agents: Cannot read .*dist: EACCES: permission denied/);
  });

  it('a source error leaves dist/ untouched (no write at all)', async () => {
    const { root, dist, before } = await projectWithDist();
    await writeFile(path.join(root, 'agents/two.md'), '---\nname: two\n---\nno description\n');
    const result = await build({ config: configFor(root) });
    expect(result.errorCount).toBeGreaterThan(0);
    expect(await snapshotDir(dist)).toEqual(before);
    await expectNoLeftovers(root);
  });
});
