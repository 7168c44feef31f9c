/** What every `agents <command>` is: its options, its help line, and a run that returns the exit code. */
import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves when the user asks to stop (Ctrl-C); long-running commands (watch) listen to it. */
  signal?: AbortSignal;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  /** One line for `agents --help`. */
  summary: string;
  /** Lines describing this command's own options for `agents --help`. */
  optionsHelp?: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command takes positional arguments (e.g. `agents fix [files...]`). */
  positionals?: boolean;
  run(values: OptionValues, positionals: string[], io: CliIO): Promise<number>;
}

/** Options every command accepts. */
export const SHARED_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  config: { type: 'string', short: 'c' },
  strict: { type: 'boolean' },
  reporter: { type: 'string', short: 'r' },
  verbose: { type: 'boolean' },
};
