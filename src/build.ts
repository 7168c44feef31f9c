/** `agents build` as a function: compile, then write outDir atomically (or compare with it). */
import path from 'node:path';
import { compile, compileTo, type CompileResult } from './compile.js';
import { loadConfig, type LoadConfigOptions } from './config/load.js';
import type { ResolvedConfig } from './config/schema.js';
import { MARKER_OUTPUT, openOutputCheck, writeOutput, type OutputDiff, type WriteResult } from './write.js';

export interface BuildOptions extends LoadConfigOptions {
  /** Compare with outDir instead of writing it. */
  check?: boolean;
  /** Parse and validate only (`agents check`): no output is compared or written (`output` is empty). */
  validateOnly?: boolean;
  /** A config already loaded (skips loading). */
  config?: ResolvedConfig;
}

export interface BuildResult extends CompileResult {
  config: ResolvedConfig;
  outDir: string;
  /** Set when outDir was written. */
  write?: WriteResult;
  /**
   * Set with `check`: how outDir differs from a fresh build (each path list sorted). The files
   * are compared as the targets make them, not kept: `output` is then empty.
   */
  check?: OutputDiff & { upToDate: boolean };
  /**
   * The text of a source line a diagnostic points at, when known without reading the file:
   * an up-to-date build keeps the lines of its errors and warnings, and a one-shot build that
   * let its sources' texts go the lines of its messages (reporters' code frames).
   */
  sourceLine?: (file: string, line: number) => string | undefined;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const config = options.config ?? (await loadConfig(options));
  const outDir = path.resolve(config.root, config.outDir);
  // The targets still run for what they report; what they make is let go at once.
  if (options.validateOnly) return { ...(await compileTo(config, () => {})), config, outDir };
  if (options.check) {
    // Each file compared as it is made, then let go: `output` stays empty.
    const check = await openOutputCheck(outDir);
    check.add(MARKER_OUTPUT);
    const result = await compileTo(config, (file) => check.add(file));
    if (result.errorCount > 0) return { ...result, config, outDir };
    const diff = check.finish();
    return { ...result, config, outDir, check: { ...diff, upToDate: diff.stale.length + diff.missing.length + diff.extra.length === 0 } };
  }
  const result = await compile(config);
  if (result.errorCount > 0) return { ...result, config, outDir };
  return { ...result, config, outDir, write: await writeOutput(outDir, result.output) };
}
