import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import type { RuleId } from '../rules.js';

/** One file a target emits, path relative to outDir (posix). */
export interface OutputFile {
  path: string;
  contents: string;
}

/**
 * Reports a diagnostic about one agent from a target. It lands on the agent's source file, at
 * the position of `field` when given (else the agent's `name`), with the configured severity.
 */
export type TargetReport = (agent: Agent, ruleId: RuleId, message: string, field?: string) => void;

export interface EmitContext {
  config: ResolvedConfig;
  /** Targets report through this; they never print or throw for an agent's content. */
  report: TargetReport;
}

/** An entry of the generated package.json `exports` map. */
export type PackageExport = string | { [condition: string]: PackageExport };

/** A target turns the compiled agents into files. Pure: no I/O, same input, same bytes. */
export interface Target {
  name: string;
  emit(agents: readonly Agent[], context: EmitContext): OutputFile[];
  /**
   * Optional, both or neither: the same output as `emit`, in two parts. `emitAgent` gives the
   * files that depend on that one agent alone; `emitShared` the files that depend on several
   * (indexes, manifests). With them a build writes each agent's files and lets them go, so its
   * memory does not grow with its output.
   */
  emitAgent?(agent: Agent, context: EmitContext): OutputFile[];
  emitShared?(agents: readonly Agent[], context: EmitContext): OutputFile[];
  /** What the target adds to the generated package's `exports` (subpath -> entry). */
  exports?(agents: readonly Agent[]): Record<string, PackageExport>;
}
