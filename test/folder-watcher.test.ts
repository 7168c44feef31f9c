/**
 * The source folder watcher (src/watch/folder-watcher.ts) on real temp folders, alone and in
 * the builder. Every step waits for the event it needs (never a sleep); a step that must not
 * report something writes a later sentinel and waits for that instead (one inotify queue
 * keeps them in order).
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBuilder, type WatchHandle } from '../src/builder.js';
import { discover } from '../src/pipeline/discover.js';
import { FolderWatcher, type FolderEvent } from '../src/watch/folder-watcher.js';
import { cleanupTempDirs, makeProject, snapshotDir, tempDir } from './helpers/project.js';
import { agentNames, buildWhere, expectFresh, startWatching } from './helpers/watch.js';

// The real discover, counted: a save must not rediscover every source.
vi.mock('../src/pipeline/discover.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/pipeline/discover.js')>();
  return { ...original, discover: vi.fn(original.discover) };
});

const GOOD = (name: string, description = `Helps with ${name}`) => `---\nname: ${name}\ndescription: ${description}\ntools: Read, Grep\nmodel: inherit\n---\nYou are ${name}.\n`;

afterAll(cleanupTempDirs);

describe('FolderWatcher', () => {
  const open: FolderWatcher[] = [];
  afterEach(() => {
    for (const watcher of open.splice(0)) watcher.close();
  });

  /** A watcher on `roots` that records every event, relative to `base`, and waits for them. */
  function record(base: string, roots: string[], options: { ignored?: (p: string) => boolean; boundary?: string; throwOn?: string } = {}) {
    const events: string[] = [];
    const errors: Error[] = [];
    const waiters: { wanted: string; resolve: () => void }[] = [];
    const watcher = new FolderWatcher({
      onEvent: (event: FolderEvent, absolute: string) => {
        const line = `${event} ${path.relative(base, absolute).split(path.sep).join('/')}`;
        events.push(line);
        for (const waiter of [...waiters]) if (waiter.wanted === line) (waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve());
        if (line === options.throwOn) throw new Error('listener failed');
      },
      onError: (error) => errors.push(error),
      ...(options.ignored ? { ignored: options.ignored } : {}),
      ...(options.boundary ? { boundary: () => options.boundary } : {}),
    });
    watcher.add(roots);
    open.push(watcher);
    return {
      watcher,
      events,
      errors,
      /** Resolves once this event (`add agents/x.md`) has been reported, now or before. */
      until: (wanted: string) => new Promise<void>((resolve) => (events.includes(wanted) ? resolve() : waiters.push({ wanted, resolve }))),
      folders: () => watcher.watchedFolders().map((p) => path.relative(base, p).split(path.sep).join('/')),
      clear: () => events.splice(0),
    };
  }

  it('reports edits, adds and removals of files by name', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents'));
    await writeFile(path.join(base, 'agents/a.md'), 'a');
    const w = record(base, [path.join(base, 'agents')]);

    await writeFile(path.join(base, 'agents/a.md'), 'edited');
    await w.until('change agents/a.md');
    await writeFile(path.join(base, 'agents/b.md'), 'b');
    await w.until('add agents/b.md');
    await rm(path.join(base, 'agents/a.md'));
    await w.until('unlink agents/a.md');
    expect(w.events).not.toContain('add agents/a.md');
    expect(w.errors).toEqual([]);
  });

  it('watches folders made after it started, and files in them', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents'));
    const w = record(base, [path.join(base, 'agents')]);
    expect(w.folders()).toEqual(['agents']);

    // Sync, so the whole chain exists when the event for `new` is handled: it is walked.
    mkdirSync(path.join(base, 'agents/new/deep'), { recursive: true });
    await w.until('addDir agents/new');
    expect(w.folders()).toEqual(['agents', 'agents/new', 'agents/new/deep']);
    await writeFile(path.join(base, 'agents/new/deep/x.md'), 'x');
    await w.until('add agents/new/deep/x.md');
  });

  it('a removed folder closes its watchers and those below it', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents/team/inner'), { recursive: true });
    await writeFile(path.join(base, 'agents/team/x.md'), 'x');
    await writeFile(path.join(base, 'agents/team/inner/y.md'), 'y');
    // Open fs.watch handles; a closed one is gone once its close callback has run (the loop's close phase).
    const watching = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
    const closePhase = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
    const before = watching();
    const w = record(base, [path.join(base, 'agents')]);
    expect(w.folders()).toEqual(['agents', 'agents/team', 'agents/team/inner']);
    expect(watching() - before).toBe(3);

    await rm(path.join(base, 'agents/team'), { recursive: true });
    await w.until('unlinkDir agents/team');
    expect(w.folders()).toEqual(['agents']);
    await closePhase();
    expect(watching() - before).toBe(1);

    w.watcher.close();
    await closePhase();
    expect(watching() - before).toBe(0);
    expect(w.folders()).toEqual([]);
  });

  it('a folder moved to another name is watched under the new name', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents/old'), { recursive: true });
    const w = record(base, [path.join(base, 'agents')]);
    await rename(path.join(base, 'agents/old'), path.join(base, 'agents/new'));
    await w.until('unlinkDir agents/old');
    await w.until('addDir agents/new');
    expect(w.folders()).toEqual(['agents', 'agents/new']);
    // Its inotify watch moved with it, but events are reported under the new name.
    await writeFile(path.join(base, 'agents/new/x.md'), 'x');
    await w.until('add agents/new/x.md');
    expect(w.events.filter((e) => e.includes('agents/old/'))).toEqual([]);
  });

  it('does not follow links: a link cycle is reported, not walked', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents/real'), { recursive: true });
    await symlink('..', path.join(base, 'agents/real/up'));
    await symlink(path.join(base, 'agents'), path.join(base, 'agents/self'));
    const w = record(base, [path.join(base, 'agents')]);
    expect(w.folders()).toEqual(['agents', 'agents/real']);

    await symlink('.', path.join(base, 'agents/real/here'));
    await w.until('add agents/real/here');
    expect(w.folders()).toEqual(['agents', 'agents/real']);
    await writeFile(path.join(base, 'agents/real/x.md'), 'x');
    await w.until('add agents/real/x.md');
  });

  it('a root given as a link is watched at its target, and a real folder only once', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'shared/agents'), { recursive: true });
    await symlink(path.join(base, 'shared/agents'), path.join(base, 'agents'));
    const w = record(base, [path.join(base, 'agents'), path.join(base, 'shared/agents')]);
    expect(w.folders()).toEqual(['agents']);
    await writeFile(path.join(base, 'shared/agents/x.md'), 'x');
    await w.until('add agents/x.md');
  });

  it('skips ignored folders and never reports their events', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'node_modules/pkg'), { recursive: true });
    await mkdir(path.join(base, 'dist'), { recursive: true });
    await mkdir(path.join(base, 'agents'), { recursive: true });
    const ignored = (p: string) => path.basename(p) === 'node_modules' || p === path.join(base, 'dist');
    const w = record(base, [base], { ignored });
    expect(w.folders()).toEqual(['', 'agents']);

    await writeFile(path.join(base, 'node_modules/pkg/x.md'), 'x');
    await writeFile(path.join(base, 'dist/x.md'), 'x');
    await rm(path.join(base, 'dist'), { recursive: true });
    mkdirSync(path.join(base, 'dist'));
    await writeFile(path.join(base, 'agents/sentinel.md'), 'x');
    await w.until('add agents/sentinel.md');
    expect(w.events.filter((e) => !e.endsWith(' agents/sentinel.md'))).toEqual([]);
    expect(w.folders()).toEqual(['', 'agents']);
  });

  it('a removed root is waited for from its ancestor and watched again when it comes back', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents'));
    const w = record(base, [path.join(base, 'agents')], { boundary: base });
    await rm(path.join(base, 'agents'), { recursive: true });
    await w.until('unlinkDir agents');
    expect(w.folders()).toEqual(['']);

    mkdirSync(path.join(base, 'agents'));
    await w.until('addDir agents');
    expect(w.folders()).toEqual(['', 'agents']);
    await writeFile(path.join(base, 'agents/x.md'), 'x');
    await w.until('add agents/x.md');
  });

  it('a listener that throws is reported as an error and watching goes on', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents'));
    const w = record(base, [path.join(base, 'agents')], { throwOn: 'add agents/a.md' });
    await writeFile(path.join(base, 'agents/a.md'), 'a');
    await w.until('add agents/a.md');
    await writeFile(path.join(base, 'agents/b.md'), 'b');
    await w.until('add agents/b.md');
    expect(w.errors.map((e) => e.message)).toEqual(['listener failed']);
  });

  it('missing roots are skipped; after close() nothing is reported', async () => {
    const base = await tempDir();
    await mkdir(path.join(base, 'agents'));
    const w = record(base, [path.join(base, 'agents'), path.join(base, 'missing')]);
    expect(w.folders()).toEqual(['agents']);
    expect(w.errors).toEqual([]);
    w.watcher.close();
    await writeFile(path.join(base, 'agents/a.md'), 'a');
    expect(w.events).toEqual([]);
  });
});

describe('watch mode with the folder watcher', () => {
  const open: WatchHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((handle) => handle.close()));
  });
  beforeEach(() => {
    vi.mocked(discover).mockClear();
  });

  async function watchProject(files: Record<string, string>, options: { usePolling?: boolean } = {}) {
    const watching = await startWatching(files, { builder: options });
    open.push(watching.handle);
    return watching;
  }

  const names = agentNames;

  it('a save by rename rebuilds that agent without rediscovering the sources', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') });
    vi.mocked(discover).mockClear();
    const done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    // As editors and write-file-atomic do: a temporary file beside the source, renamed over it.
    // Sync, so both land in one debounce window, as they do when an editor saves.
    writeFileSync(path.join(root, 'agents/a.md.tmp-1234'), GOOD('alpha', 'Saved by rename'));
    renameSync(path.join(root, 'agents/a.md.tmp-1234'), path.join(root, 'agents/a.md'));
    const summary = await done;
    expect(summary).toMatchObject({ changed: ['agents/a.md'], analyzed: ['agents/a.md'], agentsRebuilt: ['alpha'], errors: 0 });
    expect(discover).not.toHaveBeenCalled();
    await expectFresh(root);
  });

  it('a file created in a folder created after watching started becomes an agent', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha') });
    const done = buildWhere(builder, (s) => names(s).includes('gamma'));
    mkdirSync(path.join(root, 'agents/team/deep'), { recursive: true });
    await writeFile(path.join(root, 'agents/team/deep/c.md'), GOOD('gamma'));
    await done;
    await expectFresh(root);

    // And the next edit there is a plain change of that one file.
    const edited = buildWhere(builder, (s) => s.changed.includes('agents/team/deep/c.md'));
    await writeFile(path.join(root, 'agents/team/deep/c.md'), GOOD('gamma', 'Edited'));
    expect(await edited).toMatchObject({ analyzed: ['agents/team/deep/c.md'], agentsRebuilt: ['gamma'] });
    await expectFresh(root);
  });

  it('a folder removed with files in it: their agents leave dist/', async () => {
    const { root, builder, dist } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/team/b.md': GOOD('beta'), 'agents/team/inner/c.md': GOOD('gamma') });
    expect(Object.keys(await snapshotDir(dist))).toContain('agents/gamma.json');
    const done = buildWhere(builder, (s) => names(s).length === 1);
    await rm(path.join(root, 'agents/team'), { recursive: true });
    const summary = await done;
    expect(names(summary)).toEqual(['alpha']);
    expect(summary.removed).toEqual(expect.arrayContaining(['agents/beta.json', 'agents/gamma.json']));
    await expectFresh(root);
    expect(Object.keys(await snapshotDir(dist)).filter((f) => /^agents\/[^/]+\.json$/.test(f))).toEqual(['agents/alpha.json']);
  });

  it('a link cycle among the sources does not hang, and edits still build', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha'), 'agents/real/b.md': GOOD('beta') });
    await symlink('..', path.join(root, 'agents/real/up'));
    const builder = createBuilder({ cwd: root, debounceMs: 10 });
    const first = builder.once('build:end');
    open.push(await builder.watch());
    expect(names(await first)).toEqual(['alpha', 'beta']);

    const linked = buildWhere(builder, (s) => s.changed.includes('agents/loop'));
    await symlink('.', path.join(root, 'agents/loop'));
    expect(names(await linked)).toEqual(['alpha', 'beta']);
    const done = buildWhere(builder, (s) => s.changed.includes('agents/real/b.md'));
    await writeFile(path.join(root, 'agents/real/b.md'), GOOD('beta', 'Edited'));
    expect(await done).toMatchObject({ analyzed: ['agents/real/b.md'], agentsRebuilt: ['beta'] });
    await expectFresh(root);
  });

  it('the agents folder removed and made again is watched again', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha') });
    let done = buildWhere(builder, (s) => names(s).length === 0);
    await rm(path.join(root, 'agents'), { recursive: true });
    await done;
    done = buildWhere(builder, (s) => names(s).includes('beta'));
    await mkdir(path.join(root, 'agents'));
    await writeFile(path.join(root, 'agents/b.md'), GOOD('beta'));
    await done;
    await expectFresh(root);
  });

  it('a config reload that includes another folder watches it too', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'extra/b.md': GOOD('beta') });
    const reloaded = buildWhere(builder, (s) => s.reason === 'config');
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md', 'extra/**/*.md'] };\n`);
    expect(names(await reloaded)).toEqual(['alpha', 'beta']);

    const done = buildWhere(builder, (s) => s.changed.includes('extra/b.md'));
    await writeFile(path.join(root, 'extra/b.md'), GOOD('beta', 'Edited'));
    expect(await done).toMatchObject({ analyzed: ['extra/b.md'], agentsRebuilt: ['beta'] });
    await expectFresh(root);
  });

  it('usePolling: true watches everything with chokidar, and builds', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') }, { usePolling: true });
    let done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'Polled'));
    expect(await done).toMatchObject({ analyzed: ['agents/a.md'], agentsRebuilt: ['alpha'] });

    done = buildWhere(builder, (s) => names(s).includes('gamma'));
    await mkdir(path.join(root, 'agents/more'));
    await writeFile(path.join(root, 'agents/more/c.md'), GOOD('gamma'));
    await done;

    done = buildWhere(builder, (s) => !names(s).includes('beta'));
    await rm(path.join(root, 'agents/b.md'));
    await done;
    await expectFresh(root);
  });
});
