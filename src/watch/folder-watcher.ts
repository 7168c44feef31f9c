/**
 * Watches source folder trees with one non-recursive `fs.watch` per folder, doing O(1) work
 * per event.
 *
 * Why not chokidar for the sources: on every event in a folder chokidar re-reads that whole
 * folder and lstat's every entry (to diff it against what it knew). At 10,000 agent files in
 * one folder that is 350-710 ms of main-thread CPU per saved file (bench/watcher-cpu.mjs, 2
 * cores; this watcher: 1-2 ms, as much as no watcher), while watch mode aims at edit-to-dist
 * under 100 ms. The kernel already says which name changed; this watcher trusts
 * it and looks at that one name only:
 *
 * - `change` on a name: reported as `change`.
 * - `rename` on a name: one lstat of it. A file (or anything not a folder) is `add`; a missing
 *   name is `unlink`, or `unlinkDir` when it was a watched folder (whose watchers, and those
 *   of every folder below it, are closed); a folder is watched with its subfolders and
 *   reported as `addDir`.
 * - no name (the kernel did not say): `addDir` of the folder, so the consumer rediscovers.
 *
 * The consumer decides what a name means (the builder rediscovers its sources when an event
 * can change which files are sources), so this watcher never lists a folder's files for
 * itself: it only walks folders that appear, to watch their subfolders. `add` means "this
 * name is a file now", not "it was not there before": a save by rename is an `add`.
 *
 * Symbolic links are not followed, as discovery (src/pipeline/discover.ts, tinyglobby with
 * `followSymbolicLinks: false`) does not follow them either: a link is reported as `add` when
 * it appears and never walked, so link cycles cannot make it loop. A root given as a link is
 * watched at its target, and no real folder is watched twice.
 *
 * File system calls here are synchronous on purpose: one lstat per event (microseconds) keeps
 * the events of one name in the order the kernel gave them, which async calls finishing out
 * of order would not.
 */
import { lstatSync, readdirSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export type FolderEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface FolderWatcherOptions {
  /** Called with every change, with an absolute path. */
  onEvent: (event: FolderEvent, absolutePath: string) => void;
  /**
   * Paths neither watched nor reported (node_modules, outDir, ...). Asked for each folder
   * found and each event's path, so it must be cheap.
   */
  ignored?: (absolutePath: string) => boolean;
  /**
   * A watch that could not be started or stopped working on a folder that still exists
   * (e.g. ENOSPC: the inotify watch limit). Changes in that folder are then missed, so the
   * consumer should say so. A folder that disappears meanwhile is no error.
   */
  onError?: (error: Error) => void;
  /**
   * When a root folder is removed, its nearest existing ancestor, up to and including this
   * folder, is watched instead, so the root is seen when it comes back (e.g. `git checkout`
   * of a branch without it). Without a boundary a removed root is not waited for. Asked when
   * a root is removed (the builder's project root can change with its config).
   */
  boundary?: () => string | undefined;
}

interface WatchedFolder {
  watcher: FSWatcher;
  /** The folder's inode: a rename event on its name with another inode means it was replaced. */
  ino: number;
  /** The real path (dedupes folders reached under two names). */
  real: string;
  /** Watched folders directly below, to close a removed subtree without scanning every folder. */
  children: Set<string>;
  parent: string | undefined;
}

export class FolderWatcher {
  /** By absolute path, as reported. */
  private readonly folders = new Map<string, WatchedFolder>();
  /** Real path -> the path it is watched under. */
  private readonly byReal = new Map<string, string>();
  /** Folders asked for with add(): a removed one is waited for from its ancestor. */
  private readonly roots = new Set<string>();
  private closed = false;

  constructor(private readonly options: FolderWatcherOptions) {}

  /** Watch these folders (absolute paths) and every folder below them. Missing paths and files are skipped. */
  add(folders: Iterable<string>): void {
    for (const folder of folders) {
      const absolute = path.resolve(folder);
      this.roots.add(absolute);
      this.watchTree(absolute, undefined);
    }
  }

  /** The folders watched now, sorted (tests check what is and is not watched). */
  watchedFolders(): string[] {
    return [...this.folders.keys()].sort();
  }

  /** Close every fs.FSWatcher. No event is reported after this. */
  close(): void {
    this.closed = true;
    for (const folder of this.folders.values()) folder.watcher.close();
    this.folders.clear();
    this.byReal.clear();
    this.roots.clear();
  }

  /** Watch `top` and the folders below it (not through links), skipping ignored and already watched ones. */
  private watchTree(top: string, parent: string | undefined): void {
    const stack: [string, string | undefined][] = [[top, parent]];
    while (stack.length > 0) {
      const [dir, above] = stack.pop()!;
      if (this.closed || this.ignored(dir)) continue;
      const known = this.folders.get(dir);
      if (known) {
        // Reached again (overlapping roots): already watched with its subtree.
        if (above !== undefined && known.parent === undefined) this.link(dir, above);
        continue;
      }
      let real: string;
      let ino: number;
      let entries: import('node:fs').Dirent[];
      try {
        // stat, not lstat, only here: a root may be a link to its folder (fs.watch follows it too).
        const stats = above === undefined ? statSync(dir) : lstatSync(dir);
        if (!stats.isDirectory()) continue;
        ino = stats.ino;
        real = above === undefined ? realpathSync(dir) : path.join(this.folders.get(above)?.real ?? dir, path.basename(dir));
        if (this.byReal.has(real)) continue;
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        this.failed(dir, error);
        continue;
      }
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, { persistent: true });
      } catch (error) {
        this.failed(dir, error);
        continue;
      }
      const folder: WatchedFolder = { watcher, ino, real, children: new Set(), parent: undefined };
      this.folders.set(dir, folder);
      this.byReal.set(real, dir);
      if (above !== undefined) this.link(dir, above);
      watcher.on('change', (eventType, filename) => {
        // A watcher closed (or replaced) with its folder says nothing more.
        if (this.folders.get(dir)?.watcher !== watcher) return;
        this.onRaw(dir, eventType, filename === null ? null : String(filename));
      });
      watcher.on('error', (error) => {
        if (this.folders.get(dir)?.watcher !== watcher) return;
        this.onWatcherError(dir, error);
      });
      // Dirent types come from readdir itself: no lstat per entry, and links are not folders.
      for (const entry of entries) if (entry.isDirectory()) stack.push([path.join(dir, entry.name), dir]);
    }
  }

  private link(child: string, parent: string): void {
    const above = this.folders.get(parent);
    const below = this.folders.get(child);
    if (!above || !below) return;
    above.children.add(child);
    below.parent = parent;
  }

  private onRaw(dir: string, eventType: string, filename: string | null): void {
    if (this.closed) return;
    if (filename === null) {
      // Something changed in dir, the kernel did not say what: have everything rediscovered.
      this.report('addDir', dir);
      return;
    }
    const target = path.join(dir, filename);
    if (this.ignored(target)) return;
    if (eventType === 'change') {
      this.report('change', target);
      return;
    }
    // inotify reports the removal or move of the watched folder itself under its own name.
    if (filename === path.basename(dir) && !this.isFolder(dir)) {
      this.removed(dir);
      return;
    }
    let stats: import('node:fs').Stats | undefined;
    try {
      stats = lstatSync(target);
    } catch {
      stats = undefined;
    }
    const known = this.folders.get(target);
    if (!stats) {
      if (known) this.removed(target);
      else this.report('unlink', target);
      return;
    }
    if (stats.isDirectory()) {
      // Same name, other folder (moved away and another moved in): its watchers watch the old one.
      if (known && known.ino !== stats.ino) this.closeTree(target);
      if (!this.folders.has(target)) this.watchTree(target, dir);
      this.report('addDir', target);
      return;
    }
    // A file, or a link (never followed).
    if (known) {
      this.closeTree(target);
      this.report('unlinkDir', target);
    }
    this.report('add', target);
  }

  /** A watched folder is gone: close it and everything below, and wait for a root to come back. */
  private removed(dir: string): void {
    this.closeTree(dir);
    this.report('unlinkDir', dir);
    if (this.roots.has(dir)) this.awaitReturn(dir);
  }

  /** Watch the nearest existing ancestor of a removed root (within the boundary): it sees the root come back. */
  private awaitReturn(root: string): void {
    const folder = this.options.boundary?.();
    if (folder === undefined) return;
    const boundary = path.resolve(folder);
    let current = path.dirname(root);
    while (current === boundary || current.startsWith(boundary + path.sep)) {
      if (this.isFolder(current)) {
        if (!this.folders.has(current)) this.add([current]);
        return;
      }
      if (current === boundary) return;
      current = path.dirname(current);
    }
  }

  private onWatcherError(dir: string, error: Error): void {
    if (this.closed) return;
    // Quietly: a folder deleted under its watcher (EPERM on Windows) is an ordinary removal.
    if (!this.isFolder(dir)) {
      this.removed(dir);
      return;
    }
    this.closeTree(dir);
    this.report('unlinkDir', dir);
    this.options.onError?.(new Error(`Stopped watching ${dir}: ${error.message}`));
  }

  private closeTree(top: string): void {
    const stack = [top];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const folder = this.folders.get(dir);
      if (!folder) continue;
      folder.watcher.close();
      this.folders.delete(dir);
      if (this.byReal.get(folder.real) === dir) this.byReal.delete(folder.real);
      if (folder.parent !== undefined) this.folders.get(folder.parent)?.children.delete(dir);
      stack.push(...folder.children);
    }
  }

  private failed(dir: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone (or replaced by a file) before it could be watched: its removal is reported by its parent.
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    this.options.onError?.(new Error(`Cannot watch ${dir}: ${(error as Error).message}`));
  }

  private isFolder(dir: string): boolean {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  }

  private ignored(p: string): boolean {
    return this.options.ignored?.(p) ?? false;
  }

  /** The consumer's callback must not break the watcher, nor (thrown from an fs.watch listener) the process. */
  private report(event: FolderEvent, absolutePath: string): void {
    if (this.closed) return;
    try {
      this.options.onEvent(event, absolutePath);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
