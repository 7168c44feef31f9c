/** The built-in targets, and running the configured ones (plus dist/package.json). */
import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import { claudeAgentSdkTarget } from './claude-agent-sdk.js';
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
  return targets.flatMap((target) => (perAgent.includes(target) ? target.emitShared!(agents, context) : target.emit(agents, context)));
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
  const targets = resolveTargets(config);
  const context = { config, report };
  const layout = new PackageLayout();
  let ownPackageJson = false;
  const put = (file: OutputFile, agent?: Agent) => {
    layout.add(file.path);
    if (file.path === PACKAGE_JSON) ownPackageJson = true;
    sink(file, agent);
  };
  const split = perAgentTargets(targets);
  const perAgent = () => {
    for (const agent of agents) for (const target of split) for (const file of target.emitAgent!(agent, context)) put(file, agent);
  };
  if (options.retain) perAgent();
  else withoutRetaining(perAgent);
  for (const file of sharedFiles(targets, split, agents, context)) put(file);
  if (!ownPackageJson) put(packageJson(config, layout, targetExports(targets, agents)));
}
