/**
 * `agents dev` (= `agents build --watch`): a full build, then a rebuild on every change, one
 * line per rebuild. Ctrl-C (or io.signal) stops it after the build in progress: exit 0.
 */
import type { BuildSummary } from '../../builder.js';
import type { CliIO, Command, OptionValues } from '../command.js';
import { exitCodeOfError, reporterOf } from '../output.js';
import { formatPretty } from '../reporters.js';

export const devCommand: Command = {
  name: 'dev',
  summary: 'build, then rebuild on every change (same as `build --watch`)',
  optionsHelp: ['    --no-cache            do not read or write node_modules/.cache/agentc'],
  options: { 'no-cache': { type: 'boolean' } },
  run: (values, _positionals, io) => runWatch(values, io),
};

export async function runWatch(values: OptionValues, io: CliIO): Promise<number> {
  const reporter = reporterOf(values, io);
  if (!reporter) return 2;
  const { signal, dispose } = stopSignal(io);
  const { createBuilder } = await import('../../builder.js');
  const builder = createBuilder({ cwd: io.cwd, configFile: values.config as string | undefined, cache: !values['no-cache'] });
  const color = reporter === 'pretty' && Boolean(io.stderr.isTTY) && io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0';
  const line = (text: string) => io.stderr.write(`[${clock()}] ${text}\n`);

  builder.on('build:end', (summary) => {
    if (reporter === 'json') io.stdout.write(`${JSON.stringify(jsonLine(summary))}\n`);
    else printBuild(summary, io, color, line);
  });
  builder.on('config:error', ({ error }) => {
    if (reporter === 'json') io.stdout.write(`${JSON.stringify({ type: 'config-error', message: error.message })}\n`);
    else line(`config error, keeping the last good config:\n${error.message}`);
  });
  builder.on('error', ({ error }) => {
    if (reporter === 'json') io.stdout.write(`${JSON.stringify({ type: 'error', message: error.message })}\n`);
    else line(`error: ${error.message}`);
  });

  if (signal.aborted) return 0;
  try {
    const handle = await builder.watch();
    if (reporter === 'pretty') line('watching for changes (Ctrl-C to stop)');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await handle.close();
    if (reporter === 'pretty') line('stopped');
    return 0;
  } catch (error) {
    await builder.close();
    return exitCodeOfError(error, io);
  } finally {
    dispose();
  }
}

function printBuild(summary: BuildSummary, io: CliIO, color: boolean, line: (text: string) => void): void {
  // Diagnostics: every error (the build is blocked until they are fixed), and the warnings of
  // the files this build re-read; warnings of untouched files were shown when they were read.
  const analyzed = new Set(summary.analyzed);
  const files = summary.result.files.filter((file) => file.messages.some((m) => m.fatal === true) || analyzed.has(file.path));
  const shown = files.some((file) => file.messages.length > 0);
  if (shown) {
    const paths = new Set(files.map((file) => file.path));
    const diagnostics = summary.result.diagnostics.filter((d) => paths.has(d.file));
    const text = formatPretty({ agents: summary.agents, files, diagnostics, errorCount: summary.errors, warningCount: summary.warnings }, { color });
    // formatPretty ends with the summary line; the one-line status below replaces it.
    io.stderr.write(`${text.trimEnd().split('\n').slice(0, -1).join('\n').trimEnd()}\n`);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const what = summary.reason === 'initial' ? `built ${plural(summary.agents, 'agent')}` : `${list(summary.changed)} changed: ${plural(summary.agentsRebuilt.length, 'agent')} rebuilt`;
  const kept = summary.errors > 0 ? ' (dist kept as it was)' : '';
  line(`${what}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}${kept} in ${Math.round(summary.durationMs)} ms`);
}

function jsonLine(summary: BuildSummary): Record<string, unknown> {
  return {
    type: 'build',
    id: summary.id,
    reason: summary.reason,
    changed: summary.changed,
    agentsRebuilt: summary.agentsRebuilt,
    agents: summary.agents,
    errors: summary.errors,
    warnings: summary.warnings,
    durationMs: Math.round(summary.durationMs),
    diagnostics: summary.result.diagnostics,
  };
}

function list(paths: readonly string[]): string {
  if (paths.length === 0) return 'nothing';
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more`;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** io.signal when the caller gives one (tests), else Ctrl-C / SIGTERM of this process. */
function stopSignal(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  if (io.signal) return { signal: io.signal, dispose: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
