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
 * - The same paths without globbing: every folder discovery can find a source in (see
 *   searchedFolders in pipeline/discover.ts) has the mtime and inode it had, that mtime older
 *   than the build by more than RACY_WINDOW_MS, so no entry was added, removed or renamed in
 *   any of them. Otherwise discovery runs, and the record's folders are stamped again when it
 *   finds the same paths.
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
import { toDiagnostic, type Diagnostic } from './diagnostics.js';
import { compareCodeUnits } from './util/text.js';

/** Bumped when the record's shape changes. */
export const RECORD_FORMAT = 7;

/**
 * A source whose mtime is this close to (or after) the start of the build that hashed it is
 * hashed again: file systems keep mtimes in ticks (2 s on FAT), and an edit in the same tick
 * as the read would otherwise look unchanged.
 */
export const RACY_WINDOW_MS = 2000;

/** [relative path, size, mtimeMs, sha256] */
export type SourceStamp = [string, number, number, string];

/**
 * The sources' stamps by column, as the record keeps them: 10,000 four-item rows (and 10,000
 * hash strings) were a third of what an up-to-date build allocated to read the record.
 */
export interface SourceStamps {
  /** Front-coded (see joinPaths). */
  paths: string;
  sizes: number[];
  mtimes: number[];
  /** Every sha256 in hex, one after another (64 characters each). */
  hashes: string;
}

export function encodeSources(stamps: readonly SourceStamp[]): SourceStamps | undefined {
  const paths = joinPaths(stamps.map((stamp) => stamp[0]));
  const hashes = joinHashes(stamps.map((stamp) => stamp[3]));
  if (paths === undefined || hashes === undefined) return undefined;
  return { paths, sizes: stamps.map((stamp) => stamp[1]), mtimes: stamps.map((stamp) => stamp[2]), hashes };
}

/** sha256 hex digests one after another, as the record keeps a column of them; undefined if one is not a digest. */
function joinHashes(hashes: readonly string[]): string | undefined {
  return hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash)) ? hashes.join('') : undefined;
}

/** The digest at this index of a joined column (see joinHashes). */
export function hashAt(hashes: string, index: number): string {
  return hashes.slice(index * 64, index * 64 + 64);
}

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
  sources: SourceStamps;
  /** The folders discovery searched (relative to the config's root, posix; '' for the root itself). */
  sourceFolders: FolderStamp[];
  /** outDir and its folders. */
  folders: FolderStamp[];
  /** The analysis cache's shard files as saved after the build. */
  shards: FileStamp[];
  /**
   * Every file the build wrote in outDir, relative posix paths, sorted and front-coded (see
   * joinPaths): one string parses much faster than 60,000, and only a reader of
   * the output or `write.unchanged` splits it.
   */
  outputs: string;
  /** Every diagnostic of the build (analysis, cross-file checks and targets), by source path (see encodeMessages). */
  messages: EncodedMessages;
  /**
   * The source lines the errors and warnings point at (path -> line -> text; lines over
   * MAX_RECORDED_LINE are left out): the code frames of an up-to-date build without reading
   * 2,000 files at 10,000 agents. Infos, shown only with --verbose, read their files.
   */
  lines: Record<string, Record<string, string>>;
  agents: number;
  /**
   * The agents the build emitted: their names sorted and front-coded (joinPaths), and their
   * record hashes in the same order, 64 hex digits each. A later build that finds an agent with
   * the same hash knows its per-agent files in outDir without reading them (see agentsInOutDir).
   */
  agentHashes: { names: string; hashes: string };
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
    if (![record.sourceFolders, record.folders, record.shards].every(Array.isArray) || typeof record.outputs !== 'string') return undefined;
    const sources = record.sources as Partial<SourceStamps> | null;
    if (typeof sources?.paths !== 'string' || typeof sources.hashes !== 'string' || !Array.isArray(sources.sizes) || !Array.isArray(sources.mtimes)) return undefined;
    if (sources.sizes.length !== sources.mtimes.length || sources.hashes.length !== sources.sizes.length * 64) return undefined;
    if (!record.messages || !Array.isArray(record.messages.strings) || !Array.isArray(record.messages.rows)) return undefined;
    if (typeof record.agentHashes?.names !== 'string' || typeof record.agentHashes.hashes !== 'string') return undefined;
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

/** The emitted agents' names and hashes as the record keeps them; undefined when a name cannot be kept (no record then). */
export function encodeAgentHashes(agents: readonly { name: string; hash: string }[]): BuildRecord['agentHashes'] | undefined {
  const sorted = [...agents].sort((a, b) => compareCodeUnits(a.name, b.name));
  const names = joinPaths(sorted.map((agent) => agent.name));
  const hashes = joinHashes(sorted.map((agent) => agent.hash));
  return names === undefined || hashes === undefined ? undefined : { names, hashes };
}

/** Name -> hash of every agent the record's build emitted; undefined when the two lists disagree. */
export function decodeAgentHashes(encoded: BuildRecord['agentHashes']): Map<string, string> | undefined {
  const names = splitPaths(encoded.names);
  if (encoded.hashes.length !== names.length * 64) return undefined;
  return new Map(names.map((name, i) => [name, hashAt(encoded.hashes, i)]));
}

/** Forget the record: outDir or the cache is about to change in a way it does not describe. */
export function removeRecord(cacheFolder: string): void {
  rmSync(recordFile(cacheFolder), { force: true });
}

/**
 * Sorted paths as the record holds them (its outputs and sources): one per line, each line the
 * length of the part it shares with the path before it, a space and the rest (`agents/a.d.ts`
 * after `agents/a.cjs` is `9 d.ts`): at 10,000 agents 2.0 MB of output paths become 0.5 MB,
 * which an up-to-date build reads on every run. Undefined when a path holds a newline (then
 * no record is written).
 */
export function joinPaths(paths: readonly string[]): string | undefined {
  const lines: string[] = [];
  let previous = '';
  for (const file of paths) {
    if (file.includes('\n')) return undefined;
    const max = Math.min(file.length, previous.length);
    let shared = 0;
    while (shared < max && file.charCodeAt(shared) === previous.charCodeAt(shared)) shared++;
    lines.push(`${shared} ${file.slice(shared)}`);
    previous = file;
  }
  return lines.join('\n');
}

export function splitPaths(joined: string): string[] {
  if (joined === '') return [];
  const paths: string[] = [];
  let previous = '';
  for (const line of joined.split('\n')) {
    const space = line.indexOf(' ');
    previous = previous.slice(0, Number(line.slice(0, space))) + line.slice(space + 1);
    paths.push(previous);
  }
  return paths;
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

/** These folders (absolute) as they are now, relative to root; undefined if one is gone. */
export function stampSourceFolders(root: string, folders: readonly string[]): FolderStamp[] | undefined {
  const stamps: FolderStamp[] = [];
  for (const folder of folders) {
    const info = statSync(folder, { throwIfNoEntry: false });
    if (!info?.isDirectory()) return undefined;
    stamps.push([path.relative(root, folder).split(path.sep).join('/'), info.mtimeMs, info.ino]);
  }
  return stamps;
}

/**
 * True when every folder is unchanged (foldersUnchanged) and its mtime is older than `before`
 * by more than RACY_WINDOW_MS (an entry added in the same timestamp tick as the stamp would
 * not show).
 */
export function sourceFoldersUnchanged(root: string, folders: readonly FolderStamp[], before: number): boolean {
  // None: the build could not stamp them (discovery always searches at least one folder).
  return folders.length > 0 && folders.every(([, mtimeMs]) => mtimeMs < before - RACY_WINDOW_MS) && foldersUnchanged(root, folders);
}

/** True when every folder (relative to base, posix) still has the recorded mtime and inode. */
export function foldersUnchanged(base: string, folders: readonly FolderStamp[]): boolean {
  for (const [folder, mtimeMs, ino] of folders) {
    const info = statSync(path.resolve(base, folder), { throwIfNoEntry: false });
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

/**
 * Messages in a compact form: a 10,000-agent build has ~13,000 messages whose texts repeat
 * (every `agent/no-examples` says the same), ~600 bytes each as objects; as rows of numbers
 * into one table of distinct strings the record reads ~20 times faster.
 *
 * A row: [path, reason, fatal (0 info, 1 error, 2 warning), ruleId, source, url, place kind,
 * ...place], strings as indexes into `strings` (-1: absent); place kind 0 none, 1 a point
 * [line, column], 2 a range [line, column, endLine, endColumn], 3 anything else as JSON.
 */
export interface EncodedMessages {
  strings: string[];
  rows: number[][];
}

export function encodeMessages(files: readonly (readonly [string, readonly SerializedMessage[]])[]): EncodedMessages {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (value: string | undefined): number => {
    if (value === undefined) return -1;
    let at = index.get(value);
    if (at === undefined) {
      at = strings.push(value) - 1;
      index.set(value, at);
    }
    return at;
  };
  const rows: number[][] = [];
  for (const [file, messages] of files) {
    for (const m of messages) {
      const row = [ref(file), ref(m.reason), m.fatal === null ? 0 : m.fatal ? 1 : 2, ref(m.ruleId), ref(m.source), ref(m.url)];
      const place = m.place as Record<string, unknown> | undefined;
      if (place === undefined) row.push(0);
      else if (isPoint(place)) row.push(1, place.line as number, place.column as number);
      else if (hasKeys(place, ['start', 'end']) && isPoint(place.start) && isPoint(place.end)) {
        const { start, end } = place as { start: { line: number; column: number }; end: { line: number; column: number } };
        row.push(2, start.line, start.column, end.line, end.column);
      } else row.push(3, ref(JSON.stringify(place)));
      rows.push(row);
    }
  }
  return { strings, rows };
}

/**
 * The messages as Diagnostics by file, made straight from the rows (the same objects
 * toDiagnostic makes of decodeMessages' messages): an up-to-date build shows them without
 * making 13,000 message objects first.
 */
export function decodeDiagnostics(encoded: EncodedMessages): Map<string, Diagnostic[]> {
  const { strings, rows } = encoded;
  const byFile = new Map<string, Diagnostic[]>();
  for (const row of rows) {
    const file = strings[row[0]!]!;
    const kind = row[6];
    const severity = row[2] === 1 ? 'error' : row[2] === 2 ? 'warning' : 'info';
    const ruleId = row[3]! >= 0 ? strings[row[3]!]! : 'unknown';
    const message = strings[row[1]!]!;
    const diagnostic: Diagnostic =
      kind === 3
        ? toDiagnostic({ reason: message, fatal: row[2] === 0 ? null : row[2] === 1, place: JSON.parse(strings[row[7]!]!) as SerializedMessage['place'], ruleId }, file)
        : { file, line: kind ? row[7]! : null, column: kind ? row[8]! : null, endLine: kind === 2 ? row[9]! : null, endColumn: kind === 2 ? row[10]! : null, severity, ruleId, message };
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    list.push(diagnostic);
  }
  return byFile;
}

export function decodeMessages(encoded: EncodedMessages): Map<string, SerializedMessage[]> {
  const { strings, rows } = encoded;
  const at = (i: number | undefined): string | undefined => (i === undefined || i < 0 ? undefined : strings[i]);
  const byFile = new Map<string, SerializedMessage[]>();
  for (const row of rows) {
    const file = at(row[0])!;
    const message: SerializedMessage = { reason: at(row[1])!, fatal: row[2] === 0 ? null : row[2] === 1 };
    const kind = row[6];
    if (kind === 1) message.place = { line: row[7]!, column: row[8]! };
    else if (kind === 2) message.place = { start: { line: row[7]!, column: row[8]! }, end: { line: row[9]!, column: row[10]! } };
    else if (kind === 3) message.place = JSON.parse(at(row[7])!) as SerializedMessage['place'];
    const ruleId = at(row[3]);
    const source = at(row[4]);
    const url = at(row[5]);
    if (ruleId !== undefined) message.ruleId = ruleId;
    if (source !== undefined) message.source = source;
    if (url !== undefined) message.url = url;
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    list.push(message);
  }
  return byFile;
}

function hasKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

function isPoint(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const point = value as Record<string, unknown>;
  return hasKeys(point, ['line', 'column']) && Number.isInteger(point.line) && Number.isInteger(point.column);
}
