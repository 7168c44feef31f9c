/** A validated config in its project: the root, the config file and what it imports. */
import path from 'node:path';
import { ConfigError } from './error.js';
import type { ResolvedConfig } from './schema.js';

/** What validation gives: the config's own fields, defaults filled in. */
export type ConfigValues = Omit<ResolvedConfig, 'root' | 'file' | 'dependencies'>;

export function placeConfig(values: ConfigValues, root: string, file: string | undefined, dependencies: string[]): ResolvedConfig {
  const outDir = path.resolve(root, values.outDir);
  if (outDir === root || root.startsWith(outDir + path.sep)) {
    throw new ConfigError(`outDir "${values.outDir}" would contain the project itself; agentc replaces outDir on every build`, file);
  }
  return { ...values, root, file, dependencies };
}
