/**
 * Stage 1, discover: config globs -> sorted source paths. Sorted by code units (never by
 * locale), so order and output are the same on every machine.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { compareCodeUnits } from '../util/text.js';

export interface SourcePath {
  /** Relative to the project root, posix separators. */
  path: string;
  absolutePath: string;
}

type DiscoverConfig = Pick<ResolvedConfig, 'root' | 'include' | 'exclude' | 'outDir'>;

export async function discover(config: DiscoverConfig): Promise<SourcePath[]> {
  // Loaded on use: an up-to-date build whose folders did not change never globs (see searchedFolders).
  const { glob } = await import('tinyglobby');
  const outDir = outDirInRoot(config);
  const found = await glob(config.include, {
    cwd: config.root,
    ignore: [...config.exclude, '**/node_modules/**', ...(outDir ? [`${outDir}/**`] : [])],
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
  });
  const posix = path.sep === '/' ? found : found.map((p) => p.split(path.sep).join('/'));
  return sourcePaths(config.root, posix.sort(compareCodeUnits));
}

/** Relative posix source paths (as discover gives them) with their absolute paths. */
export function sourcePaths(root: string, relativePaths: readonly string[]): SourcePath[] {
  // path.join normalizes every path (~40 ms at 10,000 sources, on every up-to-date check);
  // a glob's plain relative path only needs the root in front.
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const absolute = (p: string) => (/(^|\/)\.\.?(\/|$)/.test(p) ? path.join(root, p) : prefix + (path.sep === '/' ? p : p.split('/').join(path.sep)));
  return relativePaths.map((p) => ({ path: p, absolutePath: absolute(p) }));
}

/**
 * The folder each include glob searches from (its part before the first magic segment, or
 * the nearest ancestor of that which exists): every source is in or below one of them.
 * Absolute, sorted, existing.
 */
export function searchRoots(config: Pick<ResolvedConfig, 'root' | 'include'>): string[] {
  const roots = new Set<string>();
  for (const pattern of config.include) {
    // A negated pattern only takes files away.
    if (pattern.startsWith('!')) continue;
    roots.add(existingAncestor(path.resolve(config.root, globBase(pattern)), config.root));
  }
  return [...roots].filter((p) => existsSync(p)).sort(compareCodeUnits);
}

/**
 * Every folder discovery can find a source in: the search roots and every folder below them,
 * except node_modules and outDir (discovery ignores them), and dot folders unless a glob has a
 * segment that starts with a dot (with `dot: false` nothing else matches in them). Links are
 * not followed, as discovery does not follow them. Absolute, sorted.
 *
 * Adding, removing or renaming an entry changes its folder's mtime, so while none of these
 * folders changed, discovery would find the same paths (build-record.ts relies on it).
 */
export function searchedFolders(config: DiscoverConfig): string[] {
  const outDir = path.resolve(config.root, config.outDir);
  const dotGlobs = config.include.some((pattern) => pattern.split('/').some((part) => part.startsWith('.') && part !== '.' && part !== '..'));
  const folders = new Set<string>();
  const walk = (dir: string): void => {
    if (folders.has(dir)) return;
    folders.add(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || (!dotGlobs && entry.name.startsWith('.'))) continue;
      const child = path.join(dir, entry.name);
      if (child !== outDir) walk(child);
    }
  };
  for (const root of searchRoots(config)) walk(root);
  return [...folders].sort(compareCodeUnits);
}

/** The folder part of a glob before its first magic segment: `agents/**\/*.md` -> `agents`. */
export function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const base: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!+@\\]/.test(part)) break;
    base.push(part);
  }
  if (base.length === parts.length) base.pop();
  return base.join('/') || '.';
}

/** The nearest folder that exists (a glob base may be created later), not above root unless p is outside it. */
function existingAncestor(p: string, root: string): string {
  let current = p;
  while (!existsSync(current) && current !== root && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** outDir relative to the root when it is inside it (discovery ignores it), else ''. */
function outDirInRoot(config: DiscoverConfig): string {
  const outDir = path.relative(config.root, path.resolve(config.root, config.outDir)).split(path.sep).join('/');
  return outDir && !outDir.startsWith('..') ? outDir : '';
}
