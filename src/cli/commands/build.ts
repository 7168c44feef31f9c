import { build } from '../../build.js';
import type { Command } from '../command.js';
import { exitCodeOf, exitCodeOfError, printResult, reporterOf } from '../output.js';

export const buildCommand: Command = {
  name: 'build',
  summary: 'compile agents/ (per agents.config.ts) into dist/',
  optionsHelp: ['    --check               compare with outDir instead of writing; exit 1 if stale'],
  options: { check: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const reporter = reporterOf(values, io);
    if (!reporter) return 2;
    let result;
    try {
      result = await build({ cwd: io.cwd, configFile: values.config as string | undefined, check: Boolean(values.check) });
    } catch (error) {
      return exitCodeOfError(error, io);
    }
    const check = result.check;
    const notes: string[] = [];
    if (check && !check.upToDate) {
      const list = (label: string, files: string[]) => files.map((f) => `  ${label} ${f}`);
      notes.push([`${result.config.outDir}/ is out of date; run \`agents build\`:`, ...list('stale  ', check.stale), ...list('missing', check.missing), ...list('extra  ', check.extra)].join('\n'));
    }
    printResult(result, reporter, io, notes, check ? { check: { upToDate: check.upToDate, stale: check.stale, missing: check.missing, extra: check.extra } } : {});
    const code = exitCodeOf(result, values);
    return code !== 0 ? code : check && !check.upToDate ? 1 : 0;
  },
};
