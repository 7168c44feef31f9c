import path from 'node:path';
import { collectDiagnostics } from '../../diagnostics.js';
import { unifiedDiff } from '../../util/diff.js';
import type { Command } from '../command.js';
import { exitCodeOf, exitCodeOfError, printReport, reporterOf } from '../output.js';

export const fixCommand: Command = {
  name: 'fix',
  summary: 'rewrite frontmatter that is not valid YAML as YAML with the same values',
  optionsHelp: ['    --dry-run             print the diff of what `fix` would change; write nothing'],
  options: { 'dry-run': { type: 'boolean' } },
  positionals: true,
  async run(values, positionals, io) {
    const reporter = reporterOf(values, io);
    if (!reporter) return 2;
    const dryRun = Boolean(values['dry-run']);
    let config;
    let result;
    try {
      const [{ loadConfig }, { fix }] = await Promise.all([import('../../config/load.js'), import('../../fix.js')]);
      config = await loadConfig({ cwd: io.cwd, configFile: values.config as string | undefined });
      // Files named on the command line are relative to where the command runs.
      const files = positionals.length > 0 ? positionals.map((file) => path.resolve(io.cwd, file)) : undefined;
      result = await fix(config, { files, dryRun });
    } catch (error) {
      return exitCodeOfError(error, io);
    }

    const fixed = result.files.filter((f) => f.status === 'fixed');
    const diffs = Object.fromEntries(fixed.map((f) => [f.path, unifiedDiff(f.before, f.after, `a/${f.path}`, `b/${f.path}`)]));
    if (dryRun && reporter !== 'json') io.stdout.write(Object.values(diffs).join(''));

    const diagnostics = collectDiagnostics(result.files.map((f) => f.file));
    const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
    const warningCount = diagnostics.filter((d) => d.severity === 'warning').length;
    const verb = dryRun ? 'would fix' : 'fixed';
    const notes = fixed.length > 0 ? [[`${verb} ${fixed.length} file${fixed.length === 1 ? '' : 's'}:`, ...fixed.map((f) => `  ${f.path}`)].join('\n')] : [`nothing to fix in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`];
    const byStatus = (status: string) => result.files.filter((f) => f.status === status).map((f) => f.path);
    const extra = { fix: { dryRun, fixed: byStatus('fixed'), refused: byStatus('refused'), skipped: byStatus('skipped'), unchanged: byStatus('unchanged'), ...(dryRun ? { diffs } : {}) } };
    const agents = result.files.filter((f) => f.agent).length;
    printReport({ agents, files: result.files.map((f) => f.file), diagnostics, errorCount, warningCount, notes, verbose: Boolean(values.verbose) }, reporter, io, extra, config.root);
    return exitCodeOf({ errorCount, warningCount }, values);
  },
};
