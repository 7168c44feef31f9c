/** Printing a build's diagnostics through the chosen reporter, and the exit code it implies. */
import type { BuildResult } from '../build.js';
import { ConfigError } from '../config/error.js';
import { OutputError } from '../write.js';
import type { CliIO, OptionValues } from './command.js';
import { formatGithub, formatJson, formatPretty, REPORTERS, type ReportInput, type ReporterName } from './reporters.js';

export function reporterOf(values: OptionValues, io: CliIO): ReporterName | undefined {
  // In GitHub Actions, annotations unless asked otherwise.
  const name = (values.reporter as string | undefined) ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'pretty');
  if ((REPORTERS as readonly string[]).includes(name)) return name as ReporterName;
  io.stderr.write(`agents: unknown reporter \`${name}\` (use ${REPORTERS.join(', ')})\n`);
  return undefined;
}

export interface PrintOptions {
  /** Lines printed before the summary. */
  notes?: string[];
  /** Extra keys of the json reporter's object. */
  extra?: Record<string, unknown>;
  /** The number of agents (default: result.agents.length, which an up-to-date build reads on demand). */
  agentCount?: number;
  /** pretty: list infos too. */
  verbose?: boolean;
}

export function printResult(result: BuildResult, reporter: ReporterName, io: CliIO, options: PrintOptions = {}): void {
  const { notes = [], extra = {}, verbose = false } = options;
  const agents = options.agentCount ?? result.agents.length;
  // result.files only if a reporter needs them: an up-to-date build makes them on demand.
  const input: ReportInput = { agents, files: () => result.files, diagnostics: result.diagnostics, errorCount: result.errorCount, warningCount: result.warningCount, notes, verbose };
  if (result.sourceLine) input.sourceLine = result.sourceLine;
  printReport(input, reporter, io, extra, result.config.root);
}

/** json and github on stdout (machines read them); pretty on stderr. `root` is the project's folder. */
export function printReport(input: ReportInput, reporter: ReporterName, io: CliIO, extra: Record<string, unknown> = {}, root?: string): void {
  if (reporter === 'json') {
    io.stdout.write(formatJson(input, extra));
  } else if (reporter === 'github') {
    io.stdout.write(formatGithub(input, { root, workspace: io.env.GITHUB_WORKSPACE }));
  } else {
    const color = Boolean(io.stderr.isTTY) && io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0';
    io.stderr.write(formatPretty(input, { color, verbose: input.verbose ?? false }));
  }
}

/** 0 clean, 1 errors (or warnings with --strict). */
export function exitCodeOf(result: Pick<BuildResult, 'errorCount' | 'warningCount'>, values: OptionValues): number {
  if (result.errorCount > 0) return 1;
  if (values.strict && result.warningCount > 0) return 1;
  return 0;
}

/** Known failures become a message and an exit code (2 config, 1 output); anything else is a bug and rethrown. */
export function exitCodeOfError(error: unknown, io: CliIO): number {
  if (error instanceof ConfigError) {
    io.stderr.write(`agents: ${error.message}\n`);
    return 2;
  }
  if (error instanceof OutputError) {
    io.stderr.write(`agents: ${error.message}\n`);
    return 1;
  }
  throw error;
}
