/**
 * The compiler without I/O on the output side: discover + analyze every file + cross-file
 * checks + emit. Returns agents, output files and diagnostics; never prints, never exits.
 */
import type { VFile } from 'vfile';
import type { ResolvedConfig } from './config/schema.js';
import { collectDiagnostics, countErrors, reporterFor, type Diagnostic } from './diagnostics.js';
import type { Agent } from './ir.js';
import { analyzeFile, type AnalyzedFile } from './pipeline/analyze.js';
import { crossCheck } from './pipeline/cross-check.js';
import { discover, type SourcePath } from './pipeline/discover.js';
import { emitTargets, emitTargetsTo, type OutputSink, type TargetStream } from './targets/index.js';
import { withHash } from './targets/json.js';
import type { OutputFile, TargetReport } from './targets/types.js';
import { compareCodeUnits } from './util/text.js';
import { withMarker } from './write.js';
import { mapLimit } from './util/map-limit.js';
import { defineLazy } from './util/memo.js';
import type { IncrementalEmit, OutputPlan } from './targets/incremental.js';

export interface CompileResult {
  /** Valid agents, sorted by name. */
  agents: Agent[];
  /** One VFile per source file (and per config problem), carrying its messages. */
  files: VFile[];
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** What the targets emit, sorted by path; empty when there are errors. */
  output: OutputFile[];
}


/** Files are read this many at a time: enough to hide I/O latency, few enough for file handles. */
const READ_CONCURRENCY = 64;

export async function compile(config: ResolvedConfig, sources?: readonly SourcePath[]): Promise<CompileResult> {
  return compileAnalyzed(await analyzeAll(config, sources), config);
}

/**
 * compile, with the output handed to `sink` file by file as the targets make it and not kept:
 * `output` is empty (`agents build --check` compares each file with outDir this way).
 */
export async function compileTo(config: ResolvedConfig, sink: OutputSink, sources?: readonly SourcePath[]): Promise<CompileResult> {
  return compileAnalyzedTo(await analyzeAll(config, sources), config, sink);
}

async function analyzeAll(config: ResolvedConfig, sources: readonly SourcePath[] | undefined): Promise<AnalyzedFile[]> {
  const paths = sources ?? (await discover(config));
  return mapLimit(paths, READ_CONCURRENCY, (source) => analyzeFile(source, config));
}

/**
 * Cross-file checks and emit over files analyzed earlier, sorted by path (the incremental
 * builder passes files restored from its cache; it must give the same result as `compile`).
 */
export function compileAnalyzed(analyzed: AnalyzedFile[], config: ResolvedConfig): CompileResult {
  return finish(analyzed, crossCheck(analyzed, config), config, (agents, report) => {
    const output = emit(agents, config, report);
    return () => output;
  });
}

/**
 * compileAnalyzed, with the output handed to `sink` file by file as the targets make it
 * (targets/index.ts emitTargetsTo) instead of returned: `output` is empty, and the sink gets no
 * marker file. The caller owns the sink's writes: when the result has errors (a target may
 * report one), it must throw them away.
 */
export function compileAnalyzedTo(analyzed: AnalyzedFile[], config: ResolvedConfig, sink: OutputSink): CompileResult;
/** With `stream`, whose `agent` has already emitted some agents (early-output.ts): it emits the rest to its own sink. */
export function compileAnalyzedTo(analyzed: AnalyzedFile[], config: ResolvedConfig, stream: TargetStream): CompileResult;
export function compileAnalyzedTo(analyzed: AnalyzedFile[], config: ResolvedConfig, to: OutputSink | TargetStream): CompileResult {
  return finish(analyzed, crossCheck(analyzed, config), config, (agents, report) => {
    if (typeof to === 'function') emitTargetsTo(agents, config, report, to);
    else to.finish(agents, report);
    return () => [];
  });
}

/**
 * compileAnalyzed for watch mode: the output comes from `emitter`, which keeps it between
 * rebuilds, with `plan` saying what changed since its last plan (`output` is made only when
 * read). Once there is a plan the caller must write it, or throw the emitter away (see
 * targets/incremental.ts); a plan with errors (a target reported one) is never written. With
 * errors before emit there is no plan and the emitter is as it was. With `sink`, the files to
 * write are handed to it as they are made (see compileAnalyzedTo).
 */
export function compileAnalyzedWith(analyzed: AnalyzedFile[], config: ResolvedConfig, emitter: IncrementalEmit, sink?: (file: OutputFile) => void): CompileResult & { plan?: OutputPlan } {
  let plan: OutputPlan | undefined;
  const result = finish(analyzed, crossCheck(analyzed, config), config, (agents, report) => {
    plan = emitter.plan(agents, report, sink);
    return plan.files;
  });
  return Object.assign(result, { plan });
}

function finish(analyzed: AnalyzedFile[], rejected: Set<VFile>, config: ResolvedConfig, emitAll: (agents: readonly Agent[], report: TargetReport) => () => OutputFile[]): CompileResult {
  const agents = analyzed
    .filter((entry) => entry.agent && !rejected.has(entry.file))
    .map((entry) => withHash(entry.agent!))
    .sort((a, b) => compareCodeUnits(a.name, b.name));
  const files = analyzed.map((entry) => entry.file);
  let output = (): OutputFile[] => [];
  if (countErrors(files) === 0) {
    output = emitAll(agents, targetReporter(analyzed, config));
    // Targets report too (info by default; the config may raise a rule to an error).
    if (countErrors(files) > 0) output = () => [];
  }
  const diagnostics = collectDiagnostics(files);
  let errorCount = 0;
  let warningCount = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errorCount++;
    else if (d.severity === 'warning') warningCount++;
  }
  const result = { agents, files, diagnostics, errorCount, warningCount } as CompileResult;
  defineLazy(result, 'output', output);
  return result;
}

export function emit(agents: readonly Agent[], config: ResolvedConfig, report: TargetReport = () => {}): OutputFile[] {
  const files = emitTargets(agents, config, report);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`two targets emit ${file.path}`);
    seen.add(file.path);
  }
  return withMarker(files);
}

/** A target's report lands on the agent's source file, at the field it names. */
function targetReporter(analyzed: readonly AnalyzedFile[], config: ResolvedConfig): TargetReport {
  // Files come sorted by path (discover sorts them): found by bisection, not through a map of
  // every file made per build (a watch rebuild would pay for it on every edit).
  let byPath: Map<string, VFile> | undefined;
  const fileAt = (p: string): VFile | undefined => {
    let low = 0;
    let high = analyzed.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const order = compareCodeUnits(analyzed[mid]!.file.path, p);
      if (order === 0) return analyzed[mid]!.file;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    // Not found that way: the files were not in order after all.
    byPath ??= new Map(analyzed.map((entry) => [entry.file.path, entry.file]));
    return byPath.get(p);
  };
  return (agent, ruleId, message, field) => {
    const file = fileAt(agent.source.path);
    if (file) reportOnFile(file, config)(agent, ruleId, message, field);
  };
}

/** A target's reports about the agent of this one file (its field's position, else the name's). */
export function reportOnFile(file: VFile, config: Pick<ResolvedConfig, 'rules'>): TargetReport {
  return (agent, ruleId, message, field) => {
    const { positions } = agent.source;
    const at = (field !== undefined && Object.hasOwn(positions, field) ? positions[field] : undefined) ?? positions.name ?? { line: 1, column: 1 };
    reporterFor(file, config.rules)(ruleId, message, at);
  };
}

export { collectDiagnostics };
