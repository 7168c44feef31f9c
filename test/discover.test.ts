/** Stage 1: the globs' files, sorted by code units, each with its absolute path. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover, globBase, searchedFolders } from '../src/pipeline/discover.js';
import { cleanupTempDirs, configFor, makeProject } from './helpers/project.js';

afterAll(cleanupTempDirs);

describe('discover', () => {
  it('finds the sources in code-unit order, with absolute paths equal to path.join, outside the root too', async () => {
    const root = await makeProject({
      'agents/b.md': 'b',
      'agents/A.md': 'a',
      'agents/team/c.md': 'c',
      'agents/.hidden/d.md': 'd',
      'agents/a..b/e.md': 'e',
      'agents/node_modules/x.md': 'x',
      'dist/agents/y.md': 'y',
    });
    const config = configFor(root, { include: ['agents/**/*.md', 'agents/./team/*.md'] });
    const found = await discover(config);
    expect(found.map((s) => s.path)).toEqual(['agents/A.md', 'agents/a..b/e.md', 'agents/b.md', 'agents/team/c.md']);
    for (const source of found) expect(source.absolutePath).toBe(path.join(root, source.path));

    const inner = path.join(root, 'agents');
    const outside = await discover(configFor(inner, { include: ['../agents/team/*.md'] }));
    expect(outside.map((s) => [s.path, s.absolutePath])).toEqual(outside.map((s) => [s.path, path.join(inner, s.path)]));
    expect(outside.length).toBe(1);
  });

  it('searchedFolders: every folder discovery can find a source in, and no other it would ignore', async () => {
    const root = await makeProject({
      'agents/a.md': 'a',
      'agents/team/deep/b.md': 'b',
      'agents/.drafts/c.md': 'c',
      'agents/node_modules/pkg/x.md': 'x',
      'dist/agents/y.md': 'y',
      'other/z.md': 'z',
    });
    const relative = (folders: string[]) => folders.map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(relative(searchedFolders(configFor(root, { include: ['agents/**/*.md', '!agents/a.md'] })))).toEqual(['agents', 'agents/team', 'agents/team/deep']);
    // A glob with a dot segment can match in dot folders; a base that does not exist is searched from its nearest existing ancestor.
    expect(relative(searchedFolders(configFor(root, { include: ['agents/.*/*.md', 'missing/deeper/*.md'] })))).toEqual(['', 'agents', 'agents/.drafts', 'agents/team', 'agents/team/deep', 'other']);
    // Every source discovery finds is in one of them.
    for (const include of [['agents/**/*.md'], ['**/*.md'], ['agents/.*/*.md']]) {
      const config = configFor(root, { include });
      const folders = new Set(relative(searchedFolders(config)));
      for (const source of await discover(config)) expect(folders.has(path.posix.dirname(source.path).replace(/^\.$/, ''))).toBe(true);
    }
  });

  it('globBase: the folder part before the first magic segment', () => {
    expect(['agents/**/*.md', 'agents/*.md', '*.md', 'a/b/c.md', 'a/{b,c}/*.md', 'a/\\*x/*.md', '../shared/*.md'].map(globBase)).toEqual(['agents', 'agents', '.', 'a/b', 'a', 'a', '../shared']);
  });
});
