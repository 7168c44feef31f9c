/** Shared by the watch-mode tests: a watched temp project, waiting on build events, and the fresh-build reference. */
import path from 'node:path';
import { expect } from 'vitest';
import { createBuilder, type Builder, type BuilderOptions, type BuildSummary } from '../../src/builder.js';
import { compile } from '../../src/compile.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { makeProject, snapshotDir } from './project.js';

/** A temp project with a watching builder (10 ms debounce), after its first build. The caller closes `handle`. */
export async function startWatching(files: Record<string, string>, options: { config?: Parameters<typeof makeProject>[1]; builder?: BuilderOptions } = {}) {
  const root = await makeProject(files, options.config);
  const builder = createBuilder({ cwd: root, debounceMs: 10, ...options.builder });
  const first = builder.once('build:end');
  const handle = await builder.watch();
  await first;
  return { root, builder, handle, dist: path.join(root, 'dist') };
}

/** The first build:end (from now on) that satisfies the predicate. */
export function buildWhere(builder: Builder, predicate: (summary: BuildSummary) => boolean): Promise<BuildSummary> {
  return new Promise((resolve) => {
    const off = builder.on('build:end', (summary) => {
      if (!predicate(summary)) return;
      off();
      resolve(summary);
    });
  });
}

export const agentNames = (summary: BuildSummary) => summary.result.agents.map((a) => a.name);

/** What a fresh, full, cache-less build of the project writes (marker included). */
export async function freshDist(root: string, config?: ResolvedConfig): Promise<Record<string, string>> {
  const result = await compile(config ?? (await loadConfig({ cwd: root })));
  expect(result.errorCount).toBe(0);
  return Object.fromEntries(result.output.map((f) => [f.path, f.contents]));
}

/** dist/ is byte-equal to what a fresh full build gives. */
export async function expectFresh(root: string, config?: ResolvedConfig): Promise<void> {
  expect(await snapshotDir(path.join(root, 'dist'))).toEqual(await freshDist(root, config));
}
