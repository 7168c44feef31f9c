/**
 * The `agents` command: finds the subcommand, parses its options, runs it. Subcommands live in
 * ./commands/, one file each; they call the core, print through a reporter and return the
 * exit code: 0 clean (warnings allowed), 1 errors (or warnings with --strict), 2 bad usage or
 * bad config. This folder is the only part of agentc that knows about process I/O.
 */
import { parseArgs } from 'node:util';
import { VERSION } from '../version.js';
import { SHARED_OPTIONS, type CliIO, type Command } from './command.js';
import { buildCommand } from './commands/build.js';
import { checkCommand } from './commands/check.js';
import { fixCommand } from './commands/fix.js';
import { devCommand } from './commands/dev.js';

export type { CliIO } from './command.js';

const COMMANDS: readonly Command[] = [buildCommand, checkCommand, devCommand, fixCommand];

function help(): string {
  const commands = COMMANDS.map((c) => `  agents ${c.name.padEnd(20)} ${c.summary}`);
  // Each command's own options, once each, with the commands that take them.
  const takenBy = new Map<string, string[]>();
  for (const command of COMMANDS) {
    for (const line of command.optionsHelp ?? []) {
      const text = line.trim();
      takenBy.set(text, [...(takenBy.get(text) ?? []), command.name]);
    }
  }
  const own = [...takenBy].map(([text, names]) => `      ${text} (${names.join(', ')})`);
  return `agents ${VERSION}: compile agent markdown files into a deployable bundle

Usage
${commands.join('\n')}

Options
  -c, --config <file>       config file (default: agents.config.{ts,mts,js,mjs} in the cwd)
      --strict              warnings fail the run (exit 1)
  -r, --reporter <name>     pretty (default), json, github (default when GITHUB_ACTIONS=true)
      --verbose             pretty: list every info too (by default infos are counted in one line)
${own.join('\n')}
  -h, --help                show this help
  -v, --version             show the version

Exit codes: 0 clean, 1 errors (or warnings with --strict, or a stale outDir with --check),
2 bad usage or bad config.
`;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  // The command comes first: `agents build --config x.ts`.
  const name = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(help());
    return 0;
  }
  if (name === undefined && (argv.includes('--version') || argv.includes('-v'))) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(name === undefined ? help() : `agents: unknown command \`${name}\`\nRun \`agents --help\` for usage.\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), allowPositionals: true, strict: true, options: { ...SHARED_OPTIONS, ...command.options } });
  } catch (error) {
    io.stderr.write(`agents ${command.name}: ${(error as Error).message}\nRun \`agents --help\` for usage.\n`);
    return 2;
  }
  if (!command.positionals && parsed.positionals.length > 0) {
    io.stderr.write(`agents ${command.name}: unexpected argument \`${parsed.positionals[0]}\`\n`);
    return 2;
  }
  return command.run(parsed.values, parsed.positionals, io);
}
