/** `agents build --check` (clean, stale, missing, extra) and `agents check`: they never write. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { compile } from '../src/compile.js';
import { diffOutput } from '../src/write.js';
import { cleanupTempDirs, cli, configFor, makeProject, snapshotDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const agent = (name: string, body = 'You help with this one task, carefully.') =>
  `---\nname: ${name}\ndescription: 'Use this agent for the ${name} task. <example>user: "do it" assistant: "done"</example>'\n---\n${body}\n`;

async function built(): Promise<string> {
  const root = await makeProject({ 'agents/alpha.md': agent('alpha'), 'agents/beta.md': agent('beta') });
  const run = await cli(root, 'build');
  expect(run.code, run.stderr).toBe(0);
  return root;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('agents build --check', () => {
  it('compares each file as the targets make it: the lists of comparing the whole output, sorted, and no output kept', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
    const root = await makeProject(Object.fromEntries(names.map((name) => [`agents/${name}.md`, agent(name)])));
    expect((await cli(root, 'build')).code).toBe(0);
    await writeFile(path.join(root, 'agents/agent-07.md'), agent('agent-07', 'Edited since the build.'));
    await writeFile(path.join(root, 'agents/agent-40.md'), agent('agent-40'));
    await rm(path.join(root, 'agents/agent-03.md'));
    await writeFile(path.join(root, 'dist/stray.txt'), 'not ours');
    const outDir = path.join(root, 'dist');
    const before = await snapshotDir(outDir);
    const checked = await build({ config: configFor(root), check: true });
    expect(checked.output).toEqual([]);
    const { upToDate, ...lists } = checked.check!;
    expect(upToDate).toBe(false);
    const whole = await diffOutput(outDir, (await compile(configFor(root))).output);
    expect(lists).toEqual(whole);
    expect(lists.stale).toContain('agents/agent-07.json');
    expect(lists.stale).toContain('index.d.ts');
    expect(lists.missing).toContain('agents/agent-40.json');
    expect(lists.extra).toEqual(['agents/agent-03.cjs', 'agents/agent-03.d.cts', 'agents/agent-03.d.ts', 'agents/agent-03.js', 'agents/agent-03.json', 'claude-code/agent-03.md', 'stray.txt']);
    for (const paths of Object.values(lists)) expect(paths).toEqual([...paths].sort());
    expect(await snapshotDir(outDir)).toEqual(before);
  });

  it('clean: exit 0, nothing listed, nothing written', async () => {
    const root = await built();
    const before = await snapshotDir(path.join(root, 'dist'));
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('2 agents, 0 errors, 0 warnings\n');
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
    const json = JSON.parse((await cli(root, 'build', '--check', '--reporter', 'json')).stdout);
    expect(json.check).toEqual({ upToDate: true, stale: [], missing: [], extra: [] });
  });

  it('stale: one agent edited -> exit 1, its outputs listed as stale, dist/ untouched', async () => {
    const root = await built();
    const before = await snapshotDir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'agents/beta.md'), agent('beta', 'You help with this one task, and now with another.'));
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('dist/ is out of date; run `agents build`:');
    expect(run.stderr).toContain('  stale   agents/beta.json');
    expect(run.stderr).toContain('  stale   manifest.json');
    expect(run.stderr).not.toContain('agents/alpha.json');
    expect(lastLine(run.stderr)).toBe('2 agents, 0 errors, 0 warnings');
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
    const json = JSON.parse((await cli(root, 'build', '--check', '--reporter', 'json')).stdout);
    expect(json.check.upToDate).toBe(false);
    expect(json.check.stale).toContain('agents/beta.json');
    expect(json.check.missing).toEqual([]);
    expect(json.check.extra).toEqual([]);
  });

  it('stale under GitHub Actions: the list, plus an error annotation for the run', async () => {
    const root = await built();
    await writeFile(path.join(root, 'agents/beta.md'), agent('beta', 'You help with this one task, and now with another.'));
    const { runCli } = await import('../src/cli/main.js');
    let stdout = '';
    const code = await runCli(['build', '--check'], { cwd: root, env: { GITHUB_ACTIONS: 'true' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } });
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toContain('  stale   agents/beta.json');
    const stale = lines.filter((line) => line.startsWith('  stale ')).length;
    expect(lines).toContain(`::error title=agents build --check::dist/ is out of date (${stale} stale, 0 missing, 0 extra); run \`agents build\` and commit the result`);
    expect(lines.at(-1)).toBe('2 agents, 0 errors, 0 warnings');
  });

  it('missing: a file deleted from dist/ -> exit 1, listed as missing', async () => {
    const root = await built();
    await rm(path.join(root, 'dist/agents/alpha.json'));
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  missing agents/alpha.json');
    expect(run.stderr).not.toContain('stale');
    await expect(readFile(path.join(root, 'dist/agents/alpha.json'))).rejects.toThrow();
  });

  it('extra: a file in dist/ that the build does not make -> exit 1, listed as extra', async () => {
    const root = await built();
    await writeFile(path.join(root, 'dist/agents/gone.json'), '{}\n');
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  extra   agents/gone.json');
    expect(await readFile(path.join(root, 'dist/agents/gone.json'), 'utf8')).toBe('{}\n');
    // A deleted agent leaves extra outputs too.
    await rm(path.join(root, 'dist/agents/gone.json'));
    await rm(path.join(root, 'agents/beta.md'));
    const deleted = await cli(root, 'build', '--check', '--reporter', 'json');
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stdout).check.extra).toContain('agents/beta.json');
  });

  it('no dist/ at all: everything missing, and it is not created', async () => {
    const root = await makeProject({ 'agents/alpha.md': agent('alpha') });
    const run = await cli(root, 'build', '--check', '--reporter', 'json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).check.missing).toContain('manifest.json');
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual({});
  });

  it('errors win over the comparison: exit 1 with the errors, no file list', async () => {
    const root = await built();
    await writeFile(path.join(root, 'agents/beta.md'), '---\nname: beta\n---\nNo description here at all.\n');
    const run = await cli(root, 'build', '--check');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('agent/required');
    expect(run.stderr).not.toContain('out of date');
    expect(lastLine(run.stderr)).toBe('1 agent, 1 error, 0 warnings');
  });

  it('--strict: warnings fail the check even when dist/ is up to date', async () => {
    const root = await built();
    await writeFile(path.join(root, 'agents/alpha.md'), agent('alpha', 'Short.'));
    expect((await cli(root, 'build')).code).toBe(0);
    expect((await cli(root, 'build', '--check')).code).toBe(0);
    const strict = await cli(root, 'build', '--check', '--strict');
    expect(strict.code).toBe(1);
    expect(lastLine(strict.stderr)).toBe('2 agents, 0 errors, 1 warning');
  });
});

describe('agents check', () => {
  it('validates and writes nothing', async () => {
    const root = await makeProject({ 'agents/alpha.md': agent('alpha'), 'agents/bad.md': '---\nname: bad\ntools: 3\n---\nA body long enough to pass.\n' });
    const run = await cli(root, 'check');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('agents/bad.md');
    expect(lastLine(run.stderr)).toBe('1 agent, 2 errors, 0 warnings');
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual({});
  });

  it('exit 0 when clean, 1 with --strict and a warning', async () => {
    const root = await makeProject({ 'agents/alpha.md': agent('alpha'), 'agents/beta.md': agent('beta', 'Hi.') });
    expect((await cli(root, 'check')).code).toBe(0);
    const strict = await cli(root, 'check', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('agent/prompt-short');
    expect(lastLine(strict.stderr)).toBe('2 agents, 0 errors, 1 warning');
  });
});
