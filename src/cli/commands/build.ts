import type { Command } from '../command.js';
import { escapeData, escapeProperty } from '../github.js';
import { exitCodeOf, exitCodeOfError, printResult, reporterOf } from '../output.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'compile agents/ (per agents.config.ts) into dist/',
  optionsHelp: [
    '    --check               compare with outDir instead of writing; exit 1 if stale',
    '    --watch               rebuild on every change (same as `agents dev`)',
    '    --no-cache            do not read or write node_modules/.cache/agentc',
  ],
  options: { check: { type: 'boolean' }, watch: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const reporter = reporterOf(values, io);
    if (!reporter) return 2;
    if (values.watch) {
      if (values.check) {
        io.stderr.write('agents build: --watch and --check cannot be combined\n');
        return 2;
      }
      const { runWatch } = await import('./dev.js');
      return runWatch(values, io);
    }
    let result;
    let agentCount: number;
    try {
      const options = { cwd: io.cwd, configFile: values.config as string | undefined };
      // Loaded on use: `agents --help` and an up-to-date build need little of the compiler.
      // --check compares without the cache; a plain build reuses cached analyses (same result, faster).
      if (values.check) {
        const { build } = await import('../../build.js');
        result = await build({ ...options, check: true });
        agentCount = result.agents.length;
      } else {
        // The summary's count: an up-to-date build reads its agents only on demand.
        const { createBuilder } = await import('../../builder.js');
        const summary = await createBuilder({ ...options, cache: !values['no-cache'] }).build();
        result = summary.result;
        agentCount = summary.agents;
      }
    } catch (error) {
      return exitCodeOfError(error, io);
    }
    const check = result.check;
    const notes: string[] = [];
    if (check && !check.upToDate) {
      const list = (label: string, files: string[]) => files.map((f) => `  ${label} ${f}`);
      notes.push([`${result.config.outDir}/ is out of date; run \`agents build\`:`, ...list('stale  ', check.stale), ...list('missing', check.missing), ...list('extra  ', check.extra)].join('\n'));
      // In GitHub Actions, also as an annotation on the run, so a forgotten rebuild is seen on the PR.
      if (reporter === 'github') notes.push(`::error title=${escapeProperty('agents build --check')}::${escapeData(`${result.config.outDir}/ is out of date (${check.stale.length} stale, ${check.missing.length} missing, ${check.extra.length} extra); run \`agents build\` and commit the result`)}`);
    }
    const extra = check ? { check: { upToDate: check.upToDate, stale: check.stale, missing: check.missing, extra: check.extra } } : {};
    printResult(result, reporter, io, { notes, extra, agentCount, verbose: Boolean(values.verbose) });
    const code = exitCodeOf(result, values);
    return code !== 0 ? code : check && !check.upToDate ? 1 : 0;
  },
};
