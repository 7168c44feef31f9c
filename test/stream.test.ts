/**
 * A one-shot build writes as the targets emit (builder.ts compileToOutDir, targets/index.ts
 * emitTargetsTo): the same outDir as compiling first and writing after, per-agent emit for
 * targets that have it, and nothing written when a target reports an error or throws.
 */
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder } from '../src/builder.js';
import { compile } from '../src/compile.js';
import type { UserConfig } from '../src/config/schema.js';
import type { Target } from '../src/targets/types.js';
import { cleanupTempDirs, configFor, copyInto, CORPUS, makeProject, snapshotDir, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const agent = (name: string) => `---\nname: ${name}\ndescription: Helps with ${name}, carefully and well.\nmodel: sonnet\ncolor: blue\n---\nYou are ${name}, and you help.\n`;
const FILES = { 'agents/a.md': agent('alpha'), 'agents/b.md': agent('beta'), 'agents/c.md': agent('gamma') };

/** A plugin that emits per agent, and counts how it was called. */
function splitPlugin(calls: string[], options: { failOn?: string; reportOn?: string } = {}): Target {
  const one = (a: { name: string }) => ({ path: `lines/${a.name}.txt`, contents: `${a.name}\n` });
  return {
    name: 'lines',
    emit: (agents) => [...agents.map(one), { path: 'lines/all.txt', contents: agents.map((a) => a.name).join('\n') }],
    emitAgent(a, context) {
      calls.push(`agent ${a.name}`);
      if (a.name === options.failOn) throw new Error(`lines target bug on ${a.name}`);
      if (a.name === options.reportOn) context.report(a, 'target/dropped-field', 'The lines target leaves out the color', 'color');
      return [one(a)];
    },
    emitShared(agents) {
      calls.push(`shared ${agents.length}`);
      return [{ path: 'lines/all.txt', contents: agents.map((a) => a.name).join('\n') }];
    },
  };
}

const besideDist = (root: string) => readdirSync(root).filter((entry) => entry.startsWith('.dist.'));

describe('a build that writes as it emits', () => {
  it('gives the outDir of compile-then-write, calling emitAgent once per agent and emitShared once', async () => {
    const root = await makeProject(FILES);
    const calls: string[] = [];
    const user: UserConfig = { targets: ['json', 'ts', 'claude-agent-sdk', 'claude-code', splitPlugin(calls)] };
    const summary = await createBuilder({ config: configFor(root, user), cache: false }).build();
    expect(summary.errors).toBe(0);
    expect(calls).toEqual(['agent alpha', 'agent beta', 'agent gamma', 'shared 3']);
    const fresh = await compile(configFor(root, user));
    const expected = Object.fromEntries(fresh.output.map((f) => [f.path, f.contents]));
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(expected);
    // result.output is read back on demand, and equals the compiled output.
    expect(summary.result.output).toEqual(fresh.output);
    expect(summary.result.diagnostics).toEqual(fresh.diagnostics);
  });

  it('writes nothing when a target reports an error, and leaves the last build in place', async () => {
    const root = await makeProject(FILES);
    const good = configFor(root, { targets: ['json'] });
    await createBuilder({ config: good, cache: false }).build();
    const before = await snapshotDir(path.join(root, 'dist'));
    const strict = configFor(root, { targets: ['json', splitPlugin([], { reportOn: 'beta' })], rules: { 'target/dropped-field': 'error' } });
    const summary = await createBuilder({ config: strict, cache: false }).build();
    expect(summary.errors).toBe(1);
    expect(summary.wroteOutput).toBe(false);
    expect(summary.result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.line, d.ruleId])).toEqual([['agents/b.md', 5, 'target/dropped-field']]);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
    expect(besideDist(root)).toEqual([]);
  });

  it('a target that throws fails the build without touching outDir', async () => {
    const root = await makeProject(FILES);
    await createBuilder({ config: configFor(root, { targets: ['json'] }), cache: false }).build();
    const before = await snapshotDir(path.join(root, 'dist'));
    const broken = configFor(root, { targets: ['json', splitPlugin([], { failOn: 'gamma' })] });
    await expect(createBuilder({ config: broken, cache: false }).build()).rejects.toThrow(/lines target bug on gamma/);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
    expect(besideDist(root)).toEqual([]);
  });
});

/**
 * A one-shot build writes each agent's files while later sources are still analyzed
 * (src/early-output.ts): its outDir, diagnostics and failures must be those of compiling
 * everything first.
 */
describe('agents written before the last source is analyzed', () => {
  const sameAsCompileThenWrite = async (root: string, user: UserConfig) => {
    const summary = await createBuilder({ config: configFor(root, user), cache: false }).build();
    const fresh = await compile(configFor(root, user));
    expect(summary.result.diagnostics).toEqual(fresh.diagnostics);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(Object.fromEntries(fresh.output.map((f) => [f.path, f.contents])));
    expect(besideDist(root)).toEqual([]);
    return { summary, fresh };
  };

  it('an error in the last file throws away every agent written before it, and leaves the last build in place', async () => {
    const root = await makeProject(FILES);
    await createBuilder({ config: configFor(root), cache: false }).build();
    const before = await snapshotDir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'agents/z.md'), '---\nname: zeta\n---\nNo description: an error.\n');
    await writeFile(path.join(root, 'agents/a.md'), agent('alpha-renamed'));
    const summary = await createBuilder({ config: configFor(root), cache: false }).build();
    expect(summary.errors).toBeGreaterThan(0);
    expect(summary.wroteOutput).toBe(false);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
    expect(besideDist(root)).toEqual([]);
  });

  it('a duplicate name fails the build after agents were written early: nothing written, the diagnostics of compile-then-write', async () => {
    // c.md repeats a.md's name and d.md repeats it in other case; the target reports on alpha,
    // which is written early, before the cross-file check finds the duplicates.
    const files = { ...FILES, 'agents/c.md': agent('alpha'), 'agents/d.md': agent('Alpha') };
    const root = await makeProject(files);
    const user: UserConfig = { targets: ['json', 'ts', splitPlugin([], { reportOn: 'alpha' })] };
    const summary = await createBuilder({ config: configFor(root, user), cache: false }).build();
    const fresh = await compile(configFor(root, user));
    expect(summary.result.diagnostics.filter((d) => d.ruleId === 'agent/duplicate-name').map((d) => [d.file, d.severity])).toEqual([
      ['agents/c.md', 'error'],
      ['agents/d.md', 'error'],
    ]);
    expect(summary.result.diagnostics).toEqual(fresh.diagnostics);
    expect(summary.result.diagnostics.some((d) => d.ruleId === 'target/dropped-field')).toBe(false);
    expect(summary.wroteOutput).toBe(false);
    expect(readdirSync(root).filter((entry) => entry.includes('dist'))).toEqual([]);
  });

  it('sources read ahead by a thread or by the build itself give the same outDir and diagnostics', async () => {
    // A corpus repository of 158 agents with warnings and no error; readAheadFrom 0 hands every
    // source to the thread (its default depends on the machine's cores).
    const root = await tempDir();
    await copyInto(root, path.join(CORPUS, 'VoltAgent__awesome-claude-code-subagents'), 'agents');
    const fresh = await compile(configFor(root));
    const snapshots = [];
    for (const readAheadFrom of [0, Number.POSITIVE_INFINITY]) {
      const summary = await createBuilder({ config: configFor(root), cache: false, readAheadFrom }).build();
      expect(summary.wroteOutput).toBe(true);
      expect(summary.result.diagnostics, `readAheadFrom ${readAheadFrom}`).toEqual(fresh.diagnostics);
      snapshots.push(await snapshotDir(path.join(root, 'dist')));
    }
    expect(snapshots[0]).toEqual(Object.fromEntries(fresh.output.map((f) => [f.path, f.contents])));
    expect(snapshots[1]).toEqual(snapshots[0]);
  });

  it('a project large enough for the writer thread gives the outDir of compile-then-write', async () => {
    // 300 agents x 6 files: past the 256 files written before the thread takes over.
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`agents/a${String(i).padStart(3, '0')}.md`, agent(`agent-${i}`)]));
    const root = await makeProject(files);
    const { summary } = await sameAsCompileThenWrite(root, {});
    expect(summary.agents).toBe(300);
    expect(summary.result.write?.written.length).toBeGreaterThan(1500);
  });

  it('an outDir agentc did not make is reported only when the build has no errors', async () => {
    const root = await makeProject({ ...FILES, 'agents/z.md': '---\nname: zeta\n---\nNo description: an error.\n' });
    await mkdir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'dist/mine.txt'), 'not agentc\n');
    const failing = await createBuilder({ config: configFor(root), cache: false }).build();
    expect(failing.errors).toBeGreaterThan(0);
    await rm(path.join(root, 'agents/z.md'));
    await expect(createBuilder({ config: configFor(root), cache: false }).build()).rejects.toThrow(/was not made by agentc/);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual({ 'mine.txt': 'not agentc\n' });
    expect(besideDist(root)).toEqual([]);
  });
});
