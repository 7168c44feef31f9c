/**
 * The build record: what the last `build()` of a config read and wrote, kept beside the
 * analysis cache (node_modules/.cache/agentc/analysis-<id>/build.json). With it, a build over
 * unchanged sources sees that outDir is already up to date without parsing a file, emitting
 * or reading outDir back: the warm build of a CI job whose cache was restored.
 *
 * What "unchanged" means, and why it is safe:
 * - Sources: the same paths, each with the same size and mtime as when it was hashed, and
 *   that mtime older than the build that hashed it by more than RACY_WINDOW_MS (otherwise it
 *   could have changed again within the same timestamp tick: git's "racy clean" problem); any
 *   other file is read and hashed again, and only its sha256 decides.
 * - Config: the same config hash (values, the config file and every file it imports) and the
 *   same agentc version.
 * - outDir: the marker is there and every folder of outDir has the mtime and inode the write
 *   left, so no output was added, removed or renamed (a rename-on-save editor included). A
 *   file rewritten in place by hand is not seen here (stat-ing 60,000 outputs costs more than
 *   the rest of a warm build); `agents build --check` compares every byte.
 * - The analysis cache's shards have the size and mtime they had, so the agents a caller
 *   asks for later are the ones this build was made from.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SerializedMessage } from './cache.js';

/** Bumped when the record's shape changes. */
export const RECORD_FORMAT = 1;

/**
 * A source whose mtime is this close to (or after) the start of the build that hashed it is
 * hashed again: file systems keep mtimes in ticks (2 s on FAT), and an edit in the same tick
 * as the read would otherwise look unchanged.
 */
export const RACY_WINDOW_MS = 2000;

/** [relative path, size, mtimeMs, sha256] */
export type SourceStamp = [string, number, number, string];
/** [relative path ('' for the folder itself), mtimeMs, ino] */
export type FolderStamp = [string, number, number];
/** [file name, size, mtimeMs] */
export type FileStamp = [string, number, number];

export interface BuildRecord {
  format: number;
  version: string;
  configHash: string;
  /** Absolute outDir the build wrote. */
  outDir: string;
  /** When the build started reading sources (ms since the epoch). */
  startedAt: number;
  sources: SourceStamp[];
  folders: FolderStamp[];
  /** The analysis cache's shard files as saved after the build. */
  shards: FileStamp[];
  /** Every file the build wrote in outDir, relative posix paths, sorted. */
  outputs: string[];
  /** Every diagnostic of the build (analysis, cross-file checks and targets), by source path. */
  messages: [string, SerializedMessage[]][];
  agents: number;
  errorCount: number;
  warningCount: number;
}

export function recordFile(cacheFolder: string): string {
  return path.join(cacheFolder, 'build.json');
}

/** The record, or undefined when it is missing, unreadable or of another format (never fatal). */
export function readRecord(cacheFolder: string): BuildRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordFile(cacheFolder), 'utf8')) as BuildRecord;
    if (record === null || typeof record !== 'object' || record.format !== RECORD_FORMAT) return undefined;
    if (![record.sources, record.folders, record.shards, record.outputs, record.messages].every(Array.isArray)) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** Atomically (temp + rename): a killed process leaves the old record or the new one. */
export function writeRecord(cacheFolder: string, record: BuildRecord): void {
  const file = recordFile(cacheFolder);
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(cacheFolder, { recursive: true });
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Forget the record: outDir or the cache is about to change in a way it does not describe. */
export function removeRecord(cacheFolder: string): void {
  rmSync(recordFile(cacheFolder), { force: true });
}

/** outDir and each folder under it that holds an output, as they are now. */
export function stampFolders(outDir: string, outputs: readonly string[]): FolderStamp[] {
  const folders = new Set<string>(['']);
  for (const output of outputs) {
    for (let at = output.lastIndexOf('/'); at > 0; at = output.lastIndexOf('/', at - 1)) folders.add(output.slice(0, at));
  }
  return [...folders].sort().map((folder) => {
    const info = statSync(path.join(outDir, ...folder.split('/')));
    return [folder, info.mtimeMs, info.ino];
  });
}

/** True when every folder still has the recorded mtime and inode. */
export function foldersUnchanged(outDir: string, folders: readonly FolderStamp[]): boolean {
  for (const [folder, mtimeMs, ino] of folders) {
    const info = statSync(path.join(outDir, ...folder.split('/')), { throwIfNoEntry: false });
    if (!info || !info.isDirectory() || info.mtimeMs !== mtimeMs || info.ino !== ino) return false;
  }
  return true;
}

export function stampFiles(folder: string, names: readonly string[]): FileStamp[] {
  const stamps: FileStamp[] = [];
  for (const name of names) {
    const info = statSync(path.join(folder, name), { throwIfNoEntry: false });
    if (info) stamps.push([name, info.size, info.mtimeMs]);
  }
  return stamps;
}

export function filesUnchanged(folder: string, stamps: readonly FileStamp[]): boolean {
  for (const [name, size, mtimeMs] of stamps) {
    const info = statSync(path.join(folder, name), { throwIfNoEntry: false });
    if (!info || info.size !== size || info.mtimeMs !== mtimeMs) return false;
  }
  return true;
}
