/**
 * Validate a config value with zod (./schema.ts) and place it in its project. Kept apart from
 * ./load.ts so that loading a config whose validation is remembered (./validated-memo.ts)
 * never loads zod: ~100 ms of an up-to-date build.
 */
import path from 'node:path';
import { ConfigError } from './error.js';
import { placeConfig, type ConfigValues } from './place.js';
import { ConfigSchema, type ResolvedConfig } from './schema.js';

export function resolveConfig(value: unknown, root: string, file: string | undefined, dependencies: string[]): ResolvedConfig {
  return placeConfig(validateConfig(value, file), root, file, dependencies);
}

/** The config's values with defaults filled in, or a ConfigError that lists every bad field. */
export function validateConfig(value: unknown, file: string | undefined): ConfigValues {
  const parsed = ConfigSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const where = file ? path.basename(file) : 'config';
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`Invalid config in ${where}:\n${lines.join('\n')}`, file);
}
