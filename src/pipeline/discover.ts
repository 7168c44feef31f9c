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
  const posix = path.sep === '/' ? found : found.map((p) => p.split(path.sep).join('/'));
  // path.join normalizes every path (~40 ms at 10,000 sources, on every up-to-date check);
  // a glob's plain relative path only needs the root in front.
  const root = config.root.endsWith(path.sep) ? config.root : config.root + path.sep;
  const absolute = (p: string) => (/(^|\/)\.\.?(\/|$)/.test(p) ? path.join(config.root, p) : root + (path.sep === '/' ? p : p.split('/').join(path.sep)));
  return posix.sort(compareCodeUnits).map((p) => ({ path: p, absolutePath: absolute(p) }));
}
