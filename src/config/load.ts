/**
 * Load agents.config.{ts,mts,js,mjs}: esbuild bundles the config and whatever local files it
 * imports (their list comes from the metafile: watch mode and the cache key need it), then
 * Node imports the result. `agentc` itself resolves to a tiny virtual module, so a config works
 * whether agentc is installed, linked, or this very repository.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { cacheDirFor } from '../cache.js';
import { ConfigError } from './error.js';
import { placeConfig, type ConfigValues } from './place.js';
import type { ResolvedConfig } from './schema.js';
import { recallValidated, rememberValidated } from './validated-memo.js';
import { VERSION } from '../version.js';

export const CONFIG_FILES = ['agents.config.ts', 'agents.config.mts', 'agents.config.js', 'agents.config.mjs'] as const;

export { ConfigError };

export interface LoadConfigOptions {
  /** Folder to look for a config file in (default: process.cwd()). */
  cwd?: string;
  /** Explicit config file (`--config`). */
  configFile?: string;
  /**
   * Keep the bundled config in the persistent cache and reuse it while its inputs are
   * unchanged, so a warm build does not start esbuild (default false; the builder passes its
   * own `cache`).
   */
  cache?: boolean;
  /** The persistent cache's folder, relative to the config's folder (default node_modules/.cache/agentc). */
  cacheDir?: string;
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
  const memoFile = options.cache ? path.join(cacheDirFor(file ? path.dirname(file) : cwd, options.cacheDir), `config-${configId(file)}.values.json`) : undefined;
  if (!file) return placeConfig(await validate({}, undefined, memoFile), cwd, undefined, []);
  const cacheFile = options.cache ? bundleCacheFile(file, options.cacheDir) : undefined;
  const { value, dependencies } = await importConfig(file, cacheFile);
  return placeConfig(await validate(value, file, memoFile), path.dirname(file), file, dependencies);
}

/** zod's verdict on the value, remembered in memoFile (when caching) so a warm build need not load zod. */
async function validate(value: unknown, file: string | undefined, memoFile: string | undefined): Promise<ConfigValues> {
  const known = memoFile ? recallValidated(memoFile, value) : undefined;
  if (known) return known;
  const { validateConfig } = await import('./resolve.js');
  const values = validateConfig(value, file);
  if (memoFile) rememberValidated(memoFile, value, values);
  return values;
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

async function importConfig(file: string, cacheFile: string | undefined): Promise<{ value: unknown; dependencies: string[] }> {
  const { code, dependencies } = cacheFile ? await cachedBundle(file, cacheFile) : await bundle(file);
  const dir = path.dirname(file);
  // Written beside the config so its bare imports resolve from the project's node_modules.
  await removeStaleBundles(dir);
  const temp = path.join(dir, `${BUNDLE_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  try {
    await writeFile(temp, code);
    const module = (await import(pathToFileURL(temp).href)) as { default?: unknown };
    if (module.default === undefined) {
      throw new ConfigError(`${path.basename(file)} has no default export; write \`export default defineConfig({ ... })\``, file);
    }
    const value = typeof module.default === 'function' ? await (module.default as () => unknown)() : module.default;
    return { value, dependencies };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Cannot load ${path.basename(file)}: ${(error as Error).message}`, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/** esbuild: the config and the local files it imports as one ES module, and the list of those files. */
async function bundle(file: string): Promise<{ code: string; dependencies: string[] }> {
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
  const local = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('agentc-virtual:'))
    .map((input) => path.resolve(process.cwd(), input));
  // Packages stay outside the bundle (imported from node_modules when the config runs), but
  // their code can be in the config's value: a plugin target from a package. Each one's
  // package.json is a dependency too, so updating the package (its version) changes the
  // config's hash as an edit of a local file does, and a build is no longer "up to date".
  const manifests = new Set<string>();
  for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
    for (const imported of imports) {
      const manifest = imported.external ? packageManifest(imported.path, path.dirname(path.resolve(process.cwd(), input))) : undefined;
      if (manifest) manifests.add(manifest);
    }
  }
  return { code: result.outputFiles[0]!.text, dependencies: [...local, ...manifests].sort() };
}

/**
 * The package.json of the package a bare import names, found as Node looks for packages
 * (node_modules of the importing folder, then of each folder above), or undefined (a Node
 * built-in, a path, a package that is not installed). Not through require.resolve: a package
 * whose `exports` leave out package.json would hide it.
 */
function packageManifest(specifier: string, fromDir: string): string | undefined {
  if (isBuiltin(specifier) || specifier.startsWith('.') || path.isAbsolute(specifier) || specifier.includes(':')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The bundle from the cache when its inputs are unchanged, else a new one, cached only when its
 * inputs did not change while esbuild read them (the same stamp before and after, over the same
 * files): a bundle is never stored under a key that does not match the bytes it was made from.
 */
async function cachedBundle(file: string, cacheFile: string): Promise<{ code: string; dependencies: string[] }> {
  const previous = readBundleRecord(cacheFile, file);
  const before = stampOrUndefined(previous?.dependencies ?? [file]);
  if (previous && before === previous.stamp) return { code: previous.code, dependencies: previous.dependencies };
  const bundled = await bundle(file);
  const guessed = previous?.dependencies ?? [file];
  const same = guessed.length === bundled.dependencies.length && guessed.every((d, i) => d === bundled.dependencies[i]);
  if (same && before !== undefined && stampOrUndefined(bundled.dependencies) === before) writeBundle(cacheFile, file, { ...bundled, stamp: before });
  // Other files than guessed: keep their list (with a stamp that matches nothing), so the next
  // load stamps the right files before bundling and can store the result.
  else if (!same) writeBundle(cacheFile, file, { ...bundled, stamp: '' });
  return bundled;
}

function stampOrUndefined(dependencies: readonly string[]): string | undefined {
  try {
    return bundleStamp(dependencies);
  } catch {
    return undefined;
  }
}

/**
 * The cached bundle of a config. Its key is everything esbuild's output depends on here: the
 * versions of agentc and esbuild, the bytes of every file it read, the entries of their folders
 * (a new file can change what an import resolves to) and the tsconfig.json, jsconfig.json and
 * package.json in those folders. Packages are external: of node_modules, only the package.json
 * of each package the config imports is part of it (see packageManifest).
 */
interface BundleRecord {
  format: number;
  file: string;
  stamp: string;
  dependencies: string[];
  code: string;
}

const BUNDLE_FORMAT = 1;

function bundleCacheFile(file: string, cacheDir: string | undefined): string {
  return path.join(cacheDirFor(path.dirname(file), cacheDir), `config-${configId(file)}.json`);
}

/** Names the cache files of a config file ('none': the defaults of a project without one). */
function configId(file: string | undefined): string {
  return file ? createHash('sha256').update(path.basename(file)).digest('hex').slice(0, 12) : 'none';
}

function bundleStamp(dependencies: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`agentc ${VERSION}\0esbuild ${esbuildVersion()}\0`);
  const folders = new Set<string>();
  for (const dependency of dependencies) {
    hash.update(`\0file ${dependency}\0`);
    hash.update(readFileSync(dependency));
    folders.add(path.dirname(dependency));
  }
  for (const folder of [...folders].sort()) {
    const names = readdirSync(folder).filter((name) => !name.startsWith(BUNDLE_PREFIX)).sort();
    hash.update(`\0folder ${folder}\0${names.join('\0')}`);
    for (const name of ['tsconfig.json', 'jsconfig.json', 'package.json']) {
      if (names.includes(name)) hash.update(`\0${name}\0`).update(readFileSync(path.join(folder, name)));
    }
  }
  return hash.digest('hex');
}

function esbuildVersion(): string {
  try {
    const manifest = createRequire(import.meta.url).resolve('esbuild/package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The cached bundle record of this config, or undefined (missing, corrupt, another format). */
function readBundleRecord(cacheFile: string, file: string): BundleRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(cacheFile, 'utf8')) as BundleRecord;
    if (record.format !== BUNDLE_FORMAT || record.file !== file || typeof record.code !== 'string' || typeof record.stamp !== 'string') return undefined;
    if (!Array.isArray(record.dependencies) || !record.dependencies.every((d) => typeof d === 'string')) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only means the next load bundles again. */
function writeBundle(cacheFile: string, file: string, bundled: { code: string; dependencies: string[]; stamp: string }): void {
  const temp = `${cacheFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const record: BundleRecord = { format: BUNDLE_FORMAT, file, ...bundled };
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, cacheFile);
  } catch {
    rmSync(temp, { force: true });
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
