/**
 * The `agents` CLI as a real child process, without a prior `npm run build:lib` and without tsx:
 * esbuild bundles src/cli/bin.ts (dependencies stay external, resolved from the repo's
 * node_modules) into node_modules/.cache. Tests that must kill a build or change its
 * environment (TZ, LANG, cwd) spawn this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO } from '../helpers/project.js';

const DIR = path.join(REPO, 'node_modules/.cache/agentc-security');

/** Bundle once per test file; returns the path of the runnable entry. */
export async function bundleCli(): Promise<string> {
  const outfile = path.join(DIR, `bin-${process.pid}`, 'agents.mjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  // src/version.ts reads `../package.json` relative to the module.
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(path.join(DIR, 'package.json'), `${JSON.stringify({ name: 'agentc-test-bundle', version, type: 'module', private: true })}\n`);
  await build({
    entryPoints: [path.join(REPO, 'src/cli/bin.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}

export interface SpawnedRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function spawnCli(entry: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): SpawnedRun {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
