import type { Command } from '../command.js';
import { exitCodeOf, exitCodeOfError, printResult, reporterOf } from '../output.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'parse and validate only; write nothing',
  options: {},
  async run(values, _positionals, io) {
    const reporter = reporterOf(values, io);
    if (!reporter) return 2;
    try {
      const { build } = await import('../../build.js');
      const result = await build({ cwd: io.cwd, configFile: values.config as string | undefined, validateOnly: true });
      printResult(result, reporter, io, { verbose: Boolean(values.verbose) });
      return exitCodeOf(result, values);
    } catch (error) {
      return exitCodeOfError(error, io);
    }
  },
};
