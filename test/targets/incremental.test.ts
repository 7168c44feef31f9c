/**
 * Watch mode's IncrementalEmit: after any sequence of edits, outDir patched with its plans holds
 * exactly what a full emit of the same agents gives, and each plan writes only what changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, emit } from '../../src/compile.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { Agent } from '../../src/ir.js';
import { IncrementalEmit, type OutputPlan } from '../../src/targets/incremental.js';
import { sha256 } from '../../src/targets/json.js';
import type { Target, TargetReport } from '../../src/targets/types.js';
import { compareCodeUnits } from '../../src/util/text.js';
import { cleanupTempDirs, configFor, makeProject } from '../helpers/project.js';

const source = (name: string, extra = '') => `---\nname: ${name}\ndescription: Helps with ${name}.\n${extra}---\nYou are ${name}.\n`;

let config: ResolvedConfig;
let base: Agent[];
beforeAll(async () => {
  const root = await makeProject({
    'agents/a.md': source('alpha', 'tools: Read\n'),
    'agents/b.md': source('beta', 'model: opus\npermissionMode: plan\n'),
    'agents/c.md': source('gamma', 'color: blue\n'),
  });
  config = configFor(root, { targets: ['json', 'ts', 'claude-agent-sdk', 'claude-code'] });
  const result = await compile(config);
  expect(result.errorCount).toBe(0);
  base = result.agents;
});
afterAll(cleanupTempDirs);

/** A changed copy of an agent, as the builder makes one for an edited file (a new object, a new hash). */
function edited(agent: Agent, change: Partial<Agent>): Agent {
  const { hash: _hash, ...rest } = { ...agent, ...change };
  return { ...rest, hash: sha256(JSON.stringify(rest, null, 2)) };
}

const byName = (agents: Agent[]) => [...agents].sort((a, b) => compareCodeUnits(a.name, b.name));

/** outDir as a map, patched with a plan the way write-changes.ts does. */
function apply(disk: Map<string, string>, plan: OutputPlan): void {
  for (const file of plan.written) disk.set(file.path, file.contents);
  for (const p of plan.removed) disk.delete(p);
}

function fullEmit(agents: Agent[], cfg = config, report: TargetReport = () => {}): Map<string, string> {
  return new Map(emit(agents, cfg, report).map((file) => [file.path, file.contents]));
}

describe('IncrementalEmit', () => {
  it('patches outDir to exactly a full emit through edits, additions, removals and renames', () => {
    const emitter = new IncrementalEmit(config);
    const disk = new Map<string, string>();
    let agents = byName(base);
    const step = (next: Agent[]) => {
      agents = byName(next);
      const plan = emitter.plan(agents, () => {});
      apply(disk, plan);
      expect(disk).toEqual(fullEmit(agents));
      expect(new Map(plan.files().map((file) => [file.path, file.contents]))).toEqual(disk);
      return plan;
    };

    const first = step(agents);
    expect(first.written.map((f) => f.path).sort(compareCodeUnits)).toEqual([...disk.keys()].sort(compareCodeUnits));
    expect(first.removed).toEqual([]);

    // The same agents (the same objects): nothing to write.
    expect(step(agents)).toMatchObject({ written: [], removed: [] });

    // A prompt edit: that agent's files and the manifest (its hash), nothing of the others.
    const alpha = agents.find((a) => a.name === 'alpha')!;
    const promptEdit = step(agents.map((a) => (a === alpha ? edited(a, { prompt: 'You are alpha, edited.\n' }) : a)));
    const written = promptEdit.written.map((f) => f.path);
    expect(written).toContain('manifest.json');
    expect(written.filter((p) => p.includes('beta') || p.includes('gamma'))).toEqual([]);
    // Compared with the previous version's files, made again (none are kept): the declarations did not change.
    expect(written).toContain('agents/alpha.json');
    expect(written).not.toContain('agents/alpha.d.ts');
    // The SDK modules read the prompt from the agent module: unchanged.
    expect(written.filter((p) => p.startsWith('claude-agent-sdk'))).toEqual([]);
    expect(promptEdit.removed).toEqual([]);

    // A tools edit changes the SDK modules too.
    const beta = agents.find((a) => a.name === 'beta')!;
    const toolsEdit = step(agents.map((a) => (a === beta ? edited(a, { tools: ['Read', 'Grep'] }) : a)));
    expect(toolsEdit.written.map((f) => f.path)).toEqual(expect.arrayContaining(['claude-agent-sdk.js', 'claude-agent-sdk.cjs', 'agents/beta.json']));

    // Add, remove, rename.
    const added = step([...agents, edited(alpha, { name: 'delta', prompt: 'You are delta.\n' })]);
    expect(added.written.map((f) => f.path)).toEqual(expect.arrayContaining(['agents/delta.json', 'agents/delta.js', 'index.js', 'index.d.ts']));
    const removed = step(agents.filter((a) => a.name !== 'gamma'));
    expect(removed.removed).toEqual(expect.arrayContaining(['agents/gamma.json', 'agents/gamma.js', 'agents/gamma.d.ts']));
    const renamed = step(agents.map((a) => (a.name === 'delta' ? edited(a, { name: 'epsilon' }) : a)));
    expect(renamed.removed).toContain('agents/delta.json');
    expect(renamed.written.map((f) => f.path)).toContain('agents/epsilon.json');

    // Every agent gone, then back: package.json follows (no agents/ folder, then again).
    step([]);
    expect(JSON.parse(disk.get('package.json')!).files).not.toContain('agents');
    step(byName(base));
    expect(JSON.parse(disk.get('package.json')!).files).toContain('agents');
  });

  it('streams a plan to a sink without keeping its files, and files() makes them again on request', () => {
    const emitter = new IncrementalEmit(config);
    const sunk: [string, string][] = [];
    const plan = emitter.plan(byName(base), () => {}, (file) => sunk.push([file.path, file.contents]));
    expect(plan.written).toEqual([]);
    expect(new Map(sunk)).toEqual(fullEmit(byName(base)));
    expect(plan.files().map((file) => [file.path, file.contents])).toEqual([...fullEmit(byName(base))].sort(([a], [b]) => compareCodeUnits(a, b)));
    // The state is the same as after a plan that collected its files: the next edit is a patch.
    const alpha = base.find((a) => a.name === 'alpha')!;
    const next = emitter.plan(byName(base.map((a) => (a === alpha ? edited(a, { prompt: 'Streamed.\n' }) : a))), () => {});
    expect(next.written.map((f) => f.path).filter((p) => p.startsWith('agents/')).sort(compareCodeUnits)).toEqual(['agents/alpha.cjs', 'agents/alpha.js', 'agents/alpha.json']);
  });

  it("replays a reused agent's reports, so its messages are the same on every rebuild", () => {
    const reporting: Target = {
      name: 'reporting',
      emit: (agents, context) => agents.flatMap((agent) => reporting.emitAgent!(agent, context)),
      emitAgent: (agent, context) => {
        context.report(agent, 'target/dropped-field', `dropped from ${agent.name}`, 'color');
        return [{ path: `reporting/${agent.name}.txt`, contents: agent.name }];
      },
      emitShared: () => [],
    };
    const cfg = { ...config, targets: ['json', reporting] } as ResolvedConfig;
    const emitter = new IncrementalEmit(cfg);
    const reportsOf = (agents: Agent[]) => {
      const reports: string[] = [];
      emitter.plan(agents, (agent, ruleId, message, field) => reports.push(`${agent.name} ${ruleId} ${message} ${field}`));
      return reports.sort(compareCodeUnits);
    };
    const full: string[] = [];
    fullEmit(byName(base), cfg, (agent, ruleId, message, field) => full.push(`${agent.name} ${ruleId} ${message} ${field}`));
    expect(reportsOf(byName(base))).toEqual(full.sort(compareCodeUnits));
    expect(reportsOf(byName(base))).toEqual(full);
  });

  it('refuses two targets emitting one path, like a full emit', () => {
    const clash: Target = { name: 'clash', emit: (agents) => agents.map((agent) => ({ path: `agents/${agent.name}.json`, contents: '{}' })) };
    const cfg = { ...config, targets: ['json', clash] } as ResolvedConfig;
    expect(() => fullEmit(byName(base), cfg)).toThrow(/two targets emit agents\/alpha\.json/);
    expect(() => new IncrementalEmit(cfg).plan(byName(base), () => {})).toThrow(/two targets emit agents\/alpha\.json/);
  });

  it('a target without per-agent emit is re-run whole, with the same result', () => {
    const whole: Target = { name: 'whole', emit: (agents) => [{ path: 'names.txt', contents: agents.map((a) => a.name).join('\n') }] };
    const cfg = { ...config, targets: ['json', whole] } as ResolvedConfig;
    const emitter = new IncrementalEmit(cfg);
    const disk = new Map<string, string>();
    apply(disk, emitter.plan(byName(base), () => {}));
    const fewer = byName(base).slice(1);
    apply(disk, emitter.plan(fewer, () => {}));
    expect(disk).toEqual(fullEmit(fewer, cfg));
  });
});
