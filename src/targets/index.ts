/** The built-in targets, and running the configured ones (plus dist/package.json). */
import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import { claudeAgentSdkTarget } from './claude-agent-sdk.js';
import { claudeCodeTarget } from './claude-code.js';
import { jsonTarget } from './json.js';
import type { BuiltinTargetName } from './names.js';
import { packageJson, PACKAGE_JSON } from './package.js';
import { tsTarget } from './ts.js';
import type { OutputFile, Target, TargetReport } from './types.js';

export const BUILTIN_TARGETS: Readonly<Record<BuiltinTargetName, Target>> = {
  json: jsonTarget,
  ts: tsTarget,
  'claude-agent-sdk': claudeAgentSdkTarget,
  'claude-code': claudeCodeTarget,
};

export function resolveTargets(config: Pick<ResolvedConfig, 'targets'>): Target[] {
  return config.targets.map((target) => (typeof target === 'string' ? BUILTIN_TARGETS[target] : target));
}

/** Every configured target's files and the package.json that exports them (unsorted; no marker). */
export function emitTargets(agents: readonly Agent[], config: ResolvedConfig, report: TargetReport): OutputFile[] {
  const targets = resolveTargets(config);
  const files = targets.flatMap((target) => target.emit(agents, { config, report }));
  const exports = targets.map((target) => target.exports?.(agents) ?? {});
  if (!files.some((file) => file.path === PACKAGE_JSON)) files.push(packageJson(config, files, exports));
  return files;
}
