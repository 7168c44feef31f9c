/**
 * Stage 1, discover: config globs -> sorted source paths. Sorted by code units (never by
 * locale), so order and output are the same on every machine.
 */
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { ResolvedConfig } from '../config/schema.js';
import { compareCodeUnits } from '../util/text.js';

export interface SourcePath {
  /** Relative to the project root, posix separators. */
  path: string;
  absolutePath: string;
}

export async function discover(config: Pick<ResolvedConfig, 'root' | 'include' | 'exclude' | 'outDir'>): Promise<SourcePath[]> {
  const outDir = path.relative(config.root, path.resolve(config.root, config.outDir)).split(path.sep).join('/');
  const found = await glob(config.include, {
    cwd: config.root,
    ignore: [...config.exclude, '**/node_modules/**', ...(outDir && !outDir.startsWith('..') ? [`${outDir}/**`] : [])],
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
  });
  return found
    .map((p) => p.split(path.sep).join('/'))
    .sort(compareCodeUnits)
    .map((p) => ({ path: p, absolutePath: path.join(config.root, p) }));
}
