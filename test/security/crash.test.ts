/**
 * Crash safety: `agents build` is SIGKILLed at random moments; after each kill, dist/ is
 * exactly the previous complete build or the new complete one, never a mix, and no temporary
 * folders pile up.
 *
 * How the swap works, and why recovery exists: the new build is written to
 * `.dist.agentc-tmp-*` beside dist/, then `rename(dist, .dist.agentc-old-*)` and
 * `rename(tmp, dist)`. Each rename is atomic, but between the two there is no dist/ (a window
 * of two syscalls). A build killed exactly there leaves the previous build, complete, in the
 * old-* folder; the next build's first step (`recoverOutDir`) renames it back, and removes any
 * tmp-* or old-* leftovers. Alternatives weighed: Linux `renameat2(RENAME_EXCHANGE)` swaps two
 * folders atomically with no window, but Node does not expose it; making dist/ a symlink to a
 * versioned folder (swapped by renaming a new symlink over it) has no window either, but turns
 * outDir into a symlink, which breaks tools that publish or watch it and needs a non-atomic
 * migration from an existing folder. So: two renames plus recovery, and this test checks both
 * the raw state after a kill (a complete build, or no dist/ with the complete previous build
 * in old-*) and the state after recovery.
 *
 * The corpus is built with the json and claude-code targets only, so most of a build's time is
 * spent writing files rather than transpiling modules: the kills land in the write phase often.
 * AGENTC_CRASH_KILLS (default 20) and AGENTC_CRASH_AGENTS (default 150) scale the run;
 * AGENTC_CRASH_SEED replays one.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import { recoverOutDir } from '../../src/write.js';
import type { UserConfig } from '../../src/config/schema.js';
import { cleanupTempDirs, configFor, FIXTURE_CONFIG, makeProject, snapshotDir } from '../helpers/project.js';
import { bundleCli, spawnCli } from './cli-bundle.js';

const KILLS = Number(process.env.AGENTC_CRASH_KILLS ?? 20);
const AGENTS = Number(process.env.AGENTC_CRASH_AGENTS ?? 150);
const CONFIG = { ...FIXTURE_CONFIG, targets: ['json', 'claude-code'] } satisfies UserConfig;
const SEED = Number(process.env.AGENTC_CRASH_SEED ?? Date.now() % 2 ** 31);

let entry: string;
beforeAll(async () => {
  entry = await bundleCli();
});
afterAll(cleanupTempDirs);

/** A tiny deterministic PRNG (mulberry32), so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(version: 'A' | 'B', count = AGENTS): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = `agent-${String(i).padStart(4, '0')}`;
    const body = Array.from({ length: 30 }, (_, line) => `Line ${line} of the ${version} prompt for ${name}: do the work carefully and report back.`).join('\n');
    files[`agents/${name}.md`] = `---\nname: ${name}\ndescription: Use ${name} (version ${version}) when the task needs it. <example>user: help ${i}\\nassistant: I will use ${name}</example>\ntools: Read, Grep${version === 'B' ? ', Edit' : ''}\nmodel: sonnet\n---\n${body}\n`;
  }
  return files;
}

async function writeSources(root: string, files: Record<string, string>) {
  await mkdir(path.join(root, 'agents'), { recursive: true });
  for (const [file, contents] of Object.entries(files)) await writeFile(path.join(root, file), contents);
}

/** The complete dist/ of a corpus, built in-process in a separate folder. */
async function reference(files: Record<string, string>) {
  const root = await makeProject(files, CONFIG);
  const result = await build({ config: configFor(root, CONFIG) });
  expect(result.errorCount).toBe(0);
  return snapshotDir(path.join(root, 'dist'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`dist/ is the previous or the new complete build after ${KILLS} SIGKILLs at random moments`, { timeout: 600_000 }, async () => {
  const sources = { A: corpus('A'), B: corpus('B') };
  const expected = { A: await reference(sources.A), B: await reference(sources.B) };
  expect(Object.keys(expected.A).length).toBeGreaterThan(AGENTS * 2);
  const which = (snapshot: Record<string, string>) => (equal(snapshot, expected.A) ? 'A' : equal(snapshot, expected.B) ? 'B' : 'mix');

  const root = await makeProject(sources.A, CONFIG);
  const dist = path.join(root, 'dist');
  const first = await spawnCli(entry, ['build'], { cwd: root }).done;
  expect(first.code, first.stderr).toBe(0);
  expect(which(await snapshotDir(dist))).toBe('A');

  // How long a full build takes here, to spread the kills over it.
  await writeSources(root, sources.B);
  const started = performance.now();
  const timed = await spawnCli(entry, ['build'], { cwd: root }).done;
  const duration = performance.now() - started;
  expect(timed.code, timed.stderr).toBe(0);
  let current: 'A' | 'B' = 'B';

  const random = prng(SEED);
  const outcomes = { previous: 0, next: 0, noDist: 0, exited: 0, midWrite: 0, afterSwap: 0 };
  for (let kill = 0; kill < KILLS; kill++) {
    const target: 'A' | 'B' = current === 'A' ? 'B' : 'A';
    await writeSources(root, sources[target]);
    // Half the kills anywhere in the run, half in its second half, where the writing happens.
    const delay = kill % 2 === 0 ? random() * duration * 1.1 : duration * (0.5 + random() * 0.6);
    const run = spawnCli(entry, ['build'], { cwd: root });
    await sleep(delay);
    run.child.kill('SIGKILL');
    const end = await run.done;
    const context = `seed ${SEED}, kill ${kill} at ${Math.round(delay)} ms of ~${Math.round(duration)} ms`;
    if (end.signal !== 'SIGKILL') {
      outcomes.exited++;
      expect(end.code, `${context}: ${end.stderr}`).toBe(0);
    }

    // Raw state, before any recovery: a complete build, or no dist/ and the complete previous one aside.
    const leftovers = (await readdir(root)).filter((e) => e.startsWith('.dist.agentc-'));
    if (leftovers.some((e) => e.startsWith('.dist.agentc-tmp-'))) outcomes.midWrite++;
    const raw = await snapshotDir(dist);
    if (Object.keys(raw).length === 0) {
      const olds = leftovers.filter((e) => e.startsWith('.dist.agentc-old-'));
      expect(olds.length, context).toBe(1);
      expect(which(await snapshotDir(path.join(root, olds[0]!))), context).toBe(current);
      outcomes.noDist++;
    } else {
      const state = which(raw);
      expect(state, context).not.toBe('mix');
      if (state === current) outcomes.previous++;
      else outcomes.next++;
      if (state !== current && leftovers.some((e) => e.startsWith('.dist.agentc-old-'))) outcomes.afterSwap++;
    }

    // What the next build does first.
    await recoverOutDir(dist);
    const recovered = which(await snapshotDir(dist));
    expect([current, target], context).toContain(recovered);
    current = recovered as 'A' | 'B';
    expect((await readdir(root)).filter((e) => e.startsWith('.dist.agentc-')), context).toEqual([]);
  }

  // A build after all that is clean and complete.
  await writeSources(root, sources.A);
  const last = await spawnCli(entry, ['build'], { cwd: root }).done;
  expect(last.code, last.stderr).toBe(0);
  expect(which(await snapshotDir(dist))).toBe('A');
  expect((await readdir(root)).filter((e) => e.includes('agentc-'))).toEqual([]);
  // Killed before, during and after the write: proof that the kills spread over the build.
  console.log(`crash test: ${KILLS} kills (seed ${SEED}, build ~${Math.round(duration)} ms, ${AGENTS} agents): ${JSON.stringify(outcomes)}`);
  expect(outcomes.previous + outcomes.next + outcomes.noDist).toBe(KILLS);
});

function equal(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * The kill points that random kills rarely hit, made deterministic: a preloaded module wraps
 * `fs.promises.rename`/`rm` so the build SIGKILLs itself right before moving dist/ aside, in
 * the window between the two renames, or right after the swap before the old folder is removed.
 */
const KILL_AT = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const point = process.env.AGENTC_KILL_AT;
const die = () => process.kill(process.pid, 'SIGKILL');
const rename = fs.promises.rename;
fs.promises.rename = async (from, to) => {
  if (point === 'before-swap' && String(to).includes('.agentc-old-')) die();
  if (point === 'in-window' && String(from).includes('.agentc-tmp-')) die();
  return rename(from, to);
};
const rm = fs.promises.rm;
fs.promises.rm = async (target, options) => {
  if (point === 'after-swap' && String(target).includes('.agentc-old-')) die();
  return rm(target, options);
};
syncBuiltinESMExports();
`;

for (const [point, expected] of [['before-swap', 'A'], ['in-window', 'A'], ['after-swap', 'B']] as const) {
  it(`killed ${point}: dist/ is build ${expected} after the next build's recovery, and no folders pile up`, { timeout: 120_000 }, async () => {
    const small = { A: corpus('A', 5), B: corpus('B', 5) };
    const want = { A: await reference(small.A), B: await reference(small.B) };
    const root = await makeProject(small.A, CONFIG);
    const dist = path.join(root, 'dist');
    expect((await spawnCli(entry, ['build'], { cwd: root }).done).code).toBe(0);
    const preload = path.join(root, 'kill-at.mjs');
    await writeFile(preload, KILL_AT);
    await writeSources(root, small.B);
    const killed = await spawnCli(entry, ['build'], { cwd: root, env: { AGENTC_KILL_AT: point }, nodeArgs: ['--import', pathToFileURL(preload).href] }).done;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const leftovers = (await readdir(root)).filter((e) => e.startsWith('.dist.agentc-'));
    if (point === 'in-window') {
      // The window itself: no dist/, the previous build complete beside it.
      expect(existsSync(dist)).toBe(false);
      const old = leftovers.find((e) => e.startsWith('.dist.agentc-old-'))!;
      expect(await snapshotDir(path.join(root, old))).toEqual(want.A);
    } else {
      expect(await snapshotDir(dist)).toEqual(point === 'before-swap' ? want.A : want.B);
    }
    expect(leftovers.length).toBeGreaterThan(0);
    // The next build recovers first; check it with unchanged sources (B) so it rebuilds B.
    await recoverOutDir(dist);
    expect(await snapshotDir(dist)).toEqual(want[expected]);
    expect((await readdir(root)).filter((e) => e.startsWith('.dist.agentc-'))).toEqual([]);
    const next = await spawnCli(entry, ['build'], { cwd: root }).done;
    expect(next.code, next.stderr).toBe(0);
    expect(await snapshotDir(dist)).toEqual(want.B);
    expect((await readdir(root)).filter((e) => e.includes('agentc-'))).toEqual([]);
  });
}
