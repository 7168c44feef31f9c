/**
 * Load agents.config.{ts,mts,js,mjs}: esbuild bundles the config and whatever local files it
 * imports (their list comes from the metafile: watch mode and the cache key need it), then
 * Node imports the result. `agentc` itself resolves to a tiny virtual module, so a config works
 * whether agentc is installed, linked, or this very repository.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { z } from 'zod';
import { ConfigError } from './error.js';
import { ConfigSchema, type ResolvedConfig } from './schema.js';

export const CONFIG_FILES = ['agents.config.ts', 'agents.config.mts', 'agents.config.js', 'agents.config.mjs'] as const;

export { ConfigError };

export interface LoadConfigOptions {
  /** Folder to look for a config file in (default: process.cwd()). */
  cwd?: string;
  /** Explicit config file (`--config`). */
  configFile?: string;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  let file: string | undefined;
  if (options.configFile) {
    file = path.resolve(cwd, options.configFile);
    if (!existsSync(file)) throw new ConfigError(`Config file not found: ${options.configFile}`, file);
  } else {
    file = CONFIG_FILES.map((name) => path.join(cwd, name)).find((candidate) => existsSync(candidate));
  }
  if (!file) return resolveConfig({}, cwd, undefined, []);
  const { value, dependencies } = await importConfig(file);
  return resolveConfig(value, path.dirname(file), file, dependencies);
}

export function resolveConfig(value: unknown, root: string, file: string | undefined, dependencies: string[]): ResolvedConfig {
  const parsed = ConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const where = file ? path.basename(file) : 'config';
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`Invalid config in ${where}:\n${lines.join('\n')}`, file);
  }
  const config = parsed.data;
  const outDir = path.resolve(root, config.outDir);
  if (outDir === root || root.startsWith(outDir + path.sep)) {
    throw new ConfigError(`outDir "${config.outDir}" would contain the project itself; agentc replaces outDir on every build`, file);
  }
  return { ...config, root, file, dependencies };
}

const virtualAgentc: Plugin = {
  name: 'agentc-virtual',
  setup(build) {
    build.onResolve({ filter: /^agentc$/ }, () => ({ path: 'agentc', namespace: 'agentc-virtual' }));
    build.onLoad({ filter: /.*/, namespace: 'agentc-virtual' }, () => ({
      contents: 'export function defineConfig(config) { return config; }',
      loader: 'js',
    }));
  },
};

async function importConfig(file: string): Promise<{ value: unknown; dependencies: string[] }> {
  let result;
  try {
    // Loaded here, not at the top: a build that finds its output up to date may never bundle.
    const { build } = await import('esbuild');
    result = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      plugins: [virtualAgentc],
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
    const lines = errors.map((e) => (e.location ? `  ${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : `  ${e.text}`));
    throw new ConfigError(`Cannot compile ${path.basename(file)}:\n${lines.join('\n') || (error as Error).message}`, file);
  }
  const dir = path.dirname(file);
  const dependencies = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('agentc-virtual:'))
    .map((input) => path.resolve(process.cwd(), input))
    .sort();
  // Written beside the config so its bare imports resolve from the project's node_modules.
  await removeStaleBundles(dir);
  const temp = path.join(dir, `${BUNDLE_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  try {
    await writeFile(temp, result.outputFiles[0]!.contents);
    const module = (await import(pathToFileURL(temp).href)) as { default?: unknown };
    if (module.default === undefined) {
      throw new ConfigError(`${path.basename(file)} has no default export; write \`export default defineConfig({ ... })\``, file);
    }
    const value = typeof module.default === 'function' ? await (module.default as () => unknown)() : module.default;
    return { value, dependencies };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof z.ZodError) throw error;
    throw new ConfigError(`Cannot load ${path.basename(file)}: ${(error as Error).message}`, file);
  } finally {
    await rm(temp, { force: true });
  }
}

const BUNDLE_PREFIX = '.agentc-config-';

/** Bundles left by a process killed while loading its config (their pid no longer runs). */
async function removeStaleBundles(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^\.agentc-config-(\d+)-[0-9a-f]+\.mjs$/.exec(entry)?.[1]);
    if (pid && !isRunning(pid)) await rm(path.join(dir, entry), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
