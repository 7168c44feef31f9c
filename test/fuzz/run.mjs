#!/usr/bin/env node
/**
 * `npm run fuzz`: the fuzz properties of test/fuzz at scale (AGENTC_FUZZ_SCALE, default 80:
 * over 100,000 generated cases) and the SIGKILL crash test with more kills
 * (AGENTC_CRASH_KILLS, default 60). Replay a failure with AGENTC_FUZZ_SEED=<seed> (fast-check
 * prints it) or AGENTC_CRASH_SEED. Extra arguments go to vitest.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const env = {
  ...process.env,
  AGENTC_FUZZ_SCALE: process.env.AGENTC_FUZZ_SCALE ?? '80',
  AGENTC_CRASH_KILLS: process.env.AGENTC_CRASH_KILLS ?? '60',
};
const started = Date.now();
const args = [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', 'test/fuzz', 'test/security/crash.test.ts', '--testTimeout=0', '--hookTimeout=0', ...process.argv.slice(2)];
console.log(`fuzz: scale ${env.AGENTC_FUZZ_SCALE}, ${env.AGENTC_CRASH_KILLS} kills`);
const child = spawn(process.execPath, args, { cwd: repo, env, stdio: 'inherit' });
child.on('close', (code, signal) => {
  console.log(`fuzz: finished in ${Math.round((Date.now() - started) / 1000)} s (${signal ?? `exit ${code}`})`);
  process.exitCode = code ?? 1;
});
