/** The built-in targets, and running the configured ones (plus dist/package.json). */
import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import { claudeAgentSdkTarget, sdkInlinesPrompts } from './claude-agent-sdk.js';
import { claudeCodeTarget } from './claude-code.js';
import { jsonTarget } from './json.js';
import type { BuiltinTargetName } from './names.js';
import { PackageLayout, packageJson, PACKAGE_JSON } from './package.js';
import { tsTarget } from './ts.js';
import { withoutRetaining } from '../util/memo.js';
import type { EmitContext, OutputFile, PackageExport, Target, TargetReport } from './types.js';

export const BUILTIN_TARGETS: Readonly<Record<BuiltinTargetName, Target>> = {
  json: jsonTarget,
  ts: tsTarget,
  'claude-agent-sdk': claudeAgentSdkTarget,
  'claude-code': claudeCodeTarget,
};

export function resolveTargets(config: Pick<ResolvedConfig, 'targets'>): Target[] {
  return config.targets.map((target) => (typeof target === 'string' ? BUILTIN_TARGETS[target] : target));
}

/** The targets that emit agent by agent (they have both emitAgent and emitShared). */
export function perAgentTargets(targets: readonly Target[]): Target[] {
  return targets.filter((target) => target.emitAgent && target.emitShared);
}

/** The files that depend on several agents: the shared files of per-agent targets, and the whole output of the others. */
export function sharedFiles(targets: readonly Target[], perAgent: readonly Target[], agents: readonly Agent[], context: EmitContext): OutputFile[] {
  return targets.flatMap((target) => sharedFilesOf(target, perAgent, agents, context));
}

function sharedFilesOf(target: Target, perAgent: readonly Target[], agents: readonly Agent[], context: EmitContext): OutputFile[] {
  return perAgent.includes(target) ? target.emitShared!(agents, context) : target.emit(agents, context);
}

/**
 * Whether making the shared files (those of every agent at once) reads the agents' prompts: a
 * target the config brings (its `emit` and `emitShared` may read anything), or the
 * claude-agent-sdk modules without the ts target (they inline every prompt). The built-in
 * shared files otherwise hold names and short fields only, so a one-shot build can let each
 * source's text go once its agent's own files are written (released-sources.ts).
 */
export function sharedFilesReadPrompts(config: Pick<ResolvedConfig, 'targets'>): boolean {
  return config.targets.some((target) => typeof target !== 'string') || (config.targets.includes('claude-agent-sdk') && sdkInlinesPrompts(config));
}

/** What each target adds to package.json's `exports`. */
export function targetExports(targets: readonly Target[], agents: readonly Agent[]): Record<string, PackageExport>[] {
  return targets.map((target) => target.exports?.(agents) ?? {});
}

/** Where emitTargetsTo hands each file, with the agent it was made from when it is one agent's file (Target.emitAgent). */
export type OutputSink = (file: OutputFile, agent?: Agent) => void;

/**
 * Every configured target's files and the package.json that exports them (unsorted; no marker),
 * all at once; per-agent memos are kept, so the next build (a watch rebuild) reuses them.
 */
export function emitTargets(agents: readonly Agent[], config: ResolvedConfig, report: TargetReport): OutputFile[] {
  const files: OutputFile[] = [];
  emitTargetsTo(agents, config, report, (file) => files.push(file), { retain: true });
  return files;
}

/**
 * The same files as emitTargets, handed to `sink` one by one as they are made, and not kept:
 * agent by agent, each agent's files from every target that can emit per agent (so per-agent
 * work shared between targets, such as an agent's JSON text, is done once while it is fresh);
 * then the shared files, the whole output of targets that cannot emit per agent, and
 * package.json. Unless `retain`, per-agent memos are not filled (see util/memo.ts): nothing of
 * an agent's output outlives its turn.
 */
export function emitTargetsTo(agents: readonly Agent[], config: ResolvedConfig, report: TargetReport, sink: OutputSink, options: { retain?: boolean } = {}): void {
  streamTargets(config, sink, options).finish(agents, report);
}

/**
 * emitTargetsTo in two steps, for a build that writes agents' files while it is still
 * analyzing the sources (see early-output.ts): `agent` emits one agent's files from the
 * per-agent targets (memos not kept) as soon as that agent is final; `finish` emits what is
 * left: the agents not handed to `agent`, then the shared files and package.json. Every agent
 * handed to `agent` must be among `finish`'s agents: its files cannot be taken back.
 *
 * What the targets report while `agent` emits is held until `finish`: a build whose other
 * files turn out to have errors never gets there (its targets do not run), and reports nothing
 * of them, as if it had compiled everything first.
 */
export interface TargetStream {
  agent(agent: Agent, report: TargetReport): void;
  finish(agents: readonly Agent[], report: TargetReport): void;
}

export function streamTargets(config: ResolvedConfig, sink: OutputSink, options: { retain?: boolean } = {}): TargetStream {
  const targets = resolveTargets(config);
  const layout = new PackageLayout();
  let ownPackageJson = false;
  const put = (file: OutputFile, agent?: Agent) => {
    layout.add(file.path);
    if (file.path === PACKAGE_JSON) ownPackageJson = true;
    sink(file, agent);
  };
  const split = perAgentTargets(targets);
  const early = new Set<Agent>();
  const heldReports: (() => void)[] = [];
  const emitAgent = (agent: Agent, report: TargetReport) => {
    const context = { config, report };
    for (const target of split) for (const file of target.emitAgent!(agent, context)) put(file, agent);
  };
  return {
    agent(agent, report) {
      if (early.has(agent)) return;
      early.add(agent);
      const hold: TargetReport = (...args) => heldReports.push(() => report(...args));
      withoutRetaining(() => emitAgent(agent, hold));
    },
    finish(agents, report) {
      for (const held of heldReports.splice(0)) held();
      const rest = agents.filter((agent) => !early.has(agent));
      if (agents.length - rest.length !== early.size) throw new Error('an agent whose files were written early is not among the agents of the build');
      const context = { config, report };
      const emitRest = () => {
        for (const agent of rest) emitAgent(agent, report);
        // Target by target, each one's files written before the next makes its own, and (unless
        // retained) per-agent pieces such as the manifest's let go at once: the end of a cold
        // 10k build was its peak RSS.
        for (const target of targets) for (const file of sharedFilesOf(target, split, agents, context)) put(file);
      };
      if (options.retain) emitRest();
      else withoutRetaining(emitRest);
      if (!ownPackageJson) put(packageJson(config, layout, targetExports(targets, agents)));
    },
  };
}
