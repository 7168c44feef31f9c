/** Stage 1: the globs' files, sorted by code units, each with its absolute path. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../src/pipeline/discover.js';
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
});
