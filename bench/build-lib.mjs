/** Both benchmarks run agentc from lib/, so it must be current: `npm run build:lib` first. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build lib/; on failure go on with the lib/ already built when `needed` (relative to the repo) exists, else exit. */
export function buildLib(needed) {
  const built = spawnSync('npm', ['run', '-s', 'build:lib'], { cwd: repo, stdio: 'inherit' });
  if (built.status === 0) return;
  if (!existsSync(path.join(repo, needed))) process.exit(built.status ?? 1);
  console.error('warning: `npm run build:lib` failed; benchmarking the lib/ already built');
}
