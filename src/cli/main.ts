/**
 * The `agents` command: parses arguments, calls the core, prints through a reporter, and
 * picks the exit code: 0 clean (warnings allowed), 1 errors (or warnings with --strict),
 * 2 bad usage or bad config. The only module that knows about process I/O.
 */
import { parseArgs } from 'node:util';
import { build, type BuildResult } from '../build.js';
import { ConfigError } from '../config/load.js';
import { OutputError } from '../write.js';
import { formatJson, formatPretty, REPORTERS, type ReporterName } from './reporters.js';
import { VERSION } from '../version.js';

export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

const HELP = `agents ${VERSION}: compile agent markdown files into a deployable bundle

Usage
  agents build [options]    compile agents/ (per agents.config.ts) into dist/
  agents check [options]    parse and validate only; write nothing

Options
  -c, --config <file>       config file (default: agents.config.{ts,mts,js,mjs} in the cwd)
      --check               (build) compare with outDir instead of writing; exit 1 if stale
      --strict              warnings fail the build (exit 1)
  -r, --reporter <name>     pretty (default) or json
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 clean, 1 errors (or warnings with --strict, or a stale outDir with --check),
2 bad usage or bad config.
`;

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean' },
        strict: { type: 'boolean' },
        reporter: { type: 'string', short: 'r' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.stderr.write(`agents: ${(error as Error).message}\nRun \`agents --help\` for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command !== 'build' && command !== 'check') {
    io.stderr.write(command === undefined ? HELP : `agents: unknown command \`${command}\`\nRun \`agents --help\` for usage.\n`);
    return 2;
  }
  if (rest.length > 0) {
    io.stderr.write(`agents: unexpected argument \`${rest[0]}\`\n`);
    return 2;
  }
  const reporter = (values.reporter ?? 'pretty') as ReporterName;
  if (!REPORTERS.includes(reporter)) {
    io.stderr.write(`agents: unknown reporter \`${values.reporter}\` (use ${REPORTERS.join(' or ')})\n`);
    return 2;
  }
  if (values.check && command === 'check') {
    io.stderr.write('agents: --check goes with `agents build`\n');
    return 2;
  }

  let result: BuildResult;
  try {
    result = await build({ cwd: io.cwd, configFile: values.config, check: values.check, validateOnly: command === 'check' });
  } catch (error) {
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

  const notes: string[] = [];
  const check = command === 'build' && values.check ? result.check : undefined;
  if (check && !check.upToDate) {
    const list = (label: string, files: string[]) => files.map((f) => `  ${label} ${f}`);
    notes.push([`${result.config.outDir}/ is out of date; run \`agents build\`:`, ...list('stale  ', check.stale), ...list('missing', check.missing), ...list('extra  ', check.extra)].join('\n'));
  }
  const input = { agents: result.agents.length, files: result.files, diagnostics: result.diagnostics, errorCount: result.errorCount, warningCount: result.warningCount, notes };
  if (reporter === 'json') {
    io.stdout.write(formatJson(input, check ? { check: { upToDate: check.upToDate, stale: check.stale, missing: check.missing, extra: check.extra } } : {}));
  } else {
    const color = Boolean(io.stderr.isTTY) && io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0';
    io.stderr.write(formatPretty(input, { color }));
  }
  if (result.errorCount > 0) return 1;
  if (values.strict && result.warningCount > 0) return 1;
  if (check && !check.upToDate) return 1;
  return 0;
}
