/**
 * A one-shot build writes as the targets emit (builder.ts compileToOutDir, targets/index.ts
 * emitTargetsTo): the same outDir as compiling first and writing after, per-agent emit for
 * targets that have it, and nothing written when a target reports an error or throws.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder } from '../src/builder.js';
import { compile } from '../src/compile.js';
import type { UserConfig } from '../src/config/schema.js';
import type { Target } from '../src/targets/types.js';
import { cleanupTempDirs, configFor, makeProject, snapshotDir } from './helpers/project.js';

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
