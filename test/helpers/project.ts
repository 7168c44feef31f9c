/** Temporary projects for tests: a folder with agents/, an optional config, and the CLI run in-process. */
import { cp, mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { UserConfig } from '../../src/config/schema.js';

export const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FIXTURES = path.join(REPO, 'test/fixtures');
export const SHARED = path.resolve(REPO, '../shared');
export const CORPUS = path.join(SHARED, 'corpus');

/** The config every fixture compiles with (a fixture may add its own config.json on top). */
export const FIXTURE_CONFIG: UserConfig = {
  include: ['agents/**/*.md'],
  models: { default: 'claude-sonnet-4-5', aliases: { sonnet: 'claude-sonnet-4-5', opus: 'claude-opus-4-1', haiku: 'claude-haiku-4-5' } },
};

export function configFor(root: string, extra: UserConfig = {}) {
  return resolveConfig({ ...FIXTURE_CONFIG, ...extra }, root, undefined, []);
}

const made: string[] = [];

export async function tempDir(prefix = 'agentc-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function cleanupTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A project folder with the given files (path -> contents) and a JSON-only config. */
export async function makeProject(files: Record<string, string | Uint8Array>, config: UserConfig = FIXTURE_CONFIG): Promise<string> {
  const root = await tempDir();
  await writeFile(path.join(root, 'agents.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
  for (const [file, contents] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), contents);
  }
  return root;
}

export async function copyInto(root: string, from: string, to = ''): Promise<void> {
  await cp(from, path.join(root, to), { recursive: true });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(cwd: string, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

/** Every file under dir (relative posix path -> contents), for byte-exact comparisons. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full).split(path.sep).join('/')] = await readFile(full, 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One recorded answer of the real Claude Code (test/fixtures/claude-code-*parity.json). */
export interface ClaudeCodeAnswer {
  /** sha256 of the file the answer is about. */
  sha256: string;
  loaded: boolean;
  name?: string;
  description?: string;
  model?: string | null;
}
