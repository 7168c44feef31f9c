/**
 * What the folder watcher does with what Linux rarely sends: an event without a file name, and
 * an `error` from a folder's fs.FSWatcher. The real watchers on a real folder are kept (through
 * a pass-through fs.watch) and those events are emitted on them.
 */
import { rmSync, type FSWatcher } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { FolderWatcher } from '../src/watch/folder-watcher.js';
import { cleanupTempDirs, tempDir } from './helpers/project.js';

const made = vi.hoisted(() => [] as { folder: string; watcher: import('node:fs').FSWatcher }[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const watch = (folder: string, ...rest: unknown[]) => {
    const watcher = (fs.watch as (...args: unknown[]) => FSWatcher)(folder, ...rest);
    made.push({ folder, watcher });
    return watcher;
  };
  return { ...fs, default: { ...fs, watch }, watch };
});

const open: FolderWatcher[] = [];
afterEach(() => {
  for (const watcher of open.splice(0)) watcher.close();
  made.splice(0);
});
afterAll(cleanupTempDirs);

async function setup() {
  const base = await tempDir();
  await mkdir(path.join(base, 'agents/team'), { recursive: true });
  const events: string[] = [];
  const errors: string[] = [];
  const waiters: { wanted: string; resolve: () => void }[] = [];
  const watcher = new FolderWatcher({
    onEvent: (event, absolute) => {
      const line = `${event} ${path.relative(base, absolute)}`;
      events.push(line);
      for (const waiter of waiters.filter((w) => w.wanted === line)) (waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve());
    },
    onError: (error) => errors.push(error.message),
  });
  open.push(watcher);
  watcher.add([path.join(base, 'agents')]);
  const fsWatcherOf = (relative: string) => made.find((m) => m.folder === path.join(base, relative))!.watcher;
  const folders = () => watcher.watchedFolders().map((p) => path.relative(base, p));
  const until = (wanted: string) => new Promise<void>((resolve) => (events.includes(wanted) ? resolve() : waiters.push({ wanted, resolve })));
  return { base, events, errors, watcher, fsWatcherOf, folders, until };
}

it('an event without a file name reports the folder as added, so everything is rediscovered', async () => {
  const { events, fsWatcherOf } = await setup();
  fsWatcherOf('agents/team').emit('change', 'rename', null);
  expect(events).toEqual(['addDir agents/team']);
});

it('an error on a folder that was removed closes its watchers quietly and reports its removal', async () => {
  const { base, events, errors, fsWatcherOf, folders } = await setup();
  const team = fsWatcherOf('agents/team');
  const closed = new Promise((resolve) => team.once('close', resolve));
  // The folder goes, and its watcher says so with an error before any other event (as on
  // Windows: EPERM); sync, so no event of the removal is handled in between.
  rmSync(path.join(base, 'agents/team'), { recursive: true });
  team.emit('error', Object.assign(new Error('EPERM: operation not permitted, watch'), { code: 'EPERM' }));
  await closed;
  expect(events[0]).toBe('unlinkDir agents/team');
  expect(errors).toEqual([]);
  expect(folders()).toEqual(['agents']);
});

it('an error on a folder that still exists stops watching it, reports it, and the rest goes on', async () => {
  const { base, events, errors, fsWatcherOf, folders, until } = await setup();
  fsWatcherOf('agents/team').emit('error', new Error('ENOSPC: System limit for number of file watchers reached'));
  expect(events).toEqual(['unlinkDir agents/team']);
  expect(errors).toEqual([`Stopped watching ${path.join(base, 'agents/team')}: ENOSPC: System limit for number of file watchers reached`]);
  expect(folders()).toEqual(['agents']);

  // The other folders still report.
  await writeFile(path.join(base, 'agents/x.md'), 'x');
  await until('add agents/x.md');
});
