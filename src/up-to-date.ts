/**
 * An up-to-date build: when the build record (./build-record.ts) vouches for the sources, the
 * config and outDir, the result of the recorded build is given again without parsing, emitting
 * or writing anything. What a caller may not need is read only on demand: `agents` from the
 * analysis cache, `output` from outDir, each file's text from disk (for code frames).
 */
import { hash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { BuildResult } from './build.js';
import { decodeAgentHashes, decodeDiagnostics, decodeMessages, encodeAgentHashes, encodeMessages, encodeSources, hashAt, joinPaths, splitPaths, filesUnchanged, foldersUnchanged, RACY_WINDOW_MS, RECORD_FORMAT, sourceFoldersUnchanged, stampFiles, stampFolders, stampSourceFolders, writeRecord, type BuildRecord, type FolderStamp, type SourceStamp } from './build-record.js';
import { loadCacheSync, restoreEntry, serializeMessages, shardFileName, SHARDS, textIfUnchanged, withText } from './cache.js';
import type { ResolvedConfig } from './config/schema.js';
import { compareDiagnostics, type Diagnostic } from './diagnostics.js';
import type { Agent } from './ir.js';
import { discover, searchedFolders, sourcePaths, type SourcePath } from './pipeline/discover.js';
import { withHash } from './targets/agent-hash.js';
import { compareCodeUnits, lineAt } from './util/text.js';
import { defineLazy } from './util/memo.js';
import { MARKER_FILE, readOutput } from './write.js';

export interface RecordKey {
  config: ResolvedConfig;
  /** The analysis cache's folder, which holds the record. */
  cacheFolder: string;
  version: string;
  configHash: string;
}

/** The recorded build's result, or undefined when anything may have changed (then build for real). `found`: the record as read (readRecord). */
export async function findUpToDate(key: RecordKey, found: BuildRecord | undefined): Promise<{ result: BuildResult; sources: number; agents: number } | undefined> {
  const { config, cacheFolder, version, configHash } = key;
  const outDir = path.resolve(config.root, config.outDir);
  const record = recordOfOutDir(key, found);
  if (!record || !filesUnchanged(cacheFolder, record.shards)) return undefined;
  const checkedAt = Date.now();
  // Unchanged folders list the same files: the recorded paths, without globbing.
  const sameFolders = sourceFoldersUnchanged(config.root, record.sourceFolders, record.startedAt);
  // Else stamped before discovery runs (an entry added meanwhile must not be vouched for).
  const restamped = sameFolders ? undefined : stampSourceFolders(config.root, searchedFolders(config));
  const recordedPaths = splitPaths(record.sources.paths);
  if (recordedPaths.length !== record.sources.sizes.length) return undefined;
  const sources = sameFolders ? sourcePaths(config.root, recordedPaths) : await discover(config);
  if (sources.length !== recordedPaths.length) return undefined;
  const { sizes, mtimes } = record.sources;
  let rehashed = 0;
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index]!;
    if (source.path !== recordedPaths[index]) return undefined;
    const info = statSync(source.absolutePath, { throwIfNoEntry: false });
    if (!info || !info.isFile()) return undefined;
    if (info.size === sizes[index] && info.mtimeMs === mtimes[index] && mtimes[index]! < record.startedAt - RACY_WINDOW_MS) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(source.absolutePath);
    } catch {
      return undefined;
    }
    if (hash('sha256', bytes, 'hex') !== hashAt(record.sources.hashes, index)) return undefined;
    // Same bytes: vouch for them with the stat seen now (taken before the read).
    sizes[index] = info.size;
    mtimes[index] = info.mtimeMs;
    rehashed++;
  }
  // New stamps are worth a write only if the next build can trust them: a folder that changes
  // on every build (the project root, where each config load puts its bundle) never will be.
  const trustedNext = restamped?.every(([, mtimeMs]) => mtimeMs < checkedAt - RACY_WINDOW_MS) ?? false;
  if (rehashed > 0 || trustedNext) {
    // Files that were too fresh to trust by stat are now proven by hash as of checkedAt, and
    // folders that were too fresh (or changed) by discovery: the next build need not do it again.
    try {
      writeRecord(cacheFolder, { ...record, startedAt: checkedAt, sourceFolders: restamped ?? record.sourceFolders });
    } catch {
      // Only the next build's speed depends on it.
    }
  }

  // The diagnostics straight from the record; a VFile per source only if asked for (10,000
  // VFiles and 13,000 messages are most of what such a build would allocate).
  const result = {
    diagnostics: diagnosticsOf(sources, decodeDiagnostics(record.messages)),
    errorCount: record.errorCount,
    warningCount: record.warningCount,
    config,
    outDir,
    write: { written: [], removed: [], changed: false },
    sourceLine: (file: string, line: number) => record.lines[file]?.[line],
  } as unknown as BuildResult;
  defineLazy(result, 'files', () => {
    const messages = decodeMessages(record.messages);
    return sources.map((source, index) => {
      const file = restoreEntry({ path: source.path, sha256: '', messages: messages.get(source.path) ?? [], agent: undefined }).file;
      lazyValue(file, source.absolutePath, hashAt(record.sources.hashes, index));
      return file;
    });
  });
  defineLazy(result, 'agents', () => agentsFromCache(cacheFolder, version, configHash, sources));
  defineLazy(result.write!, 'unchanged', () => splitPaths(record.outputs));
  defineLazy(result, 'output', () => readOutput(outDir, result.write!.unchanged));
  return { result, sources: sources.length, agents: record.agents };
}

/**
 * The record, when it is of this version and config and outDir is as its build left it (the
 * marker there, no folder of it changed: no output added, removed or renamed since).
 */
function recordOfOutDir(key: RecordKey, record: BuildRecord | undefined): BuildRecord | undefined {
  const { config, version, configHash } = key;
  const outDir = path.resolve(config.root, config.outDir);
  if (!record || record.version !== version || record.configHash !== configHash || record.outDir !== outDir) return undefined;
  if (!existsSync(path.join(outDir, MARKER_FILE)) || !foldersUnchanged(outDir, record.folders)) return undefined;
  return record;
}

/**
 * Name -> hash of the agents whose per-agent files outDir holds as the recorded build wrote
 * them, or undefined when the record cannot vouch for outDir. Targets make an agent's files
 * from that agent alone (Target.emitAgent), and the hash covers the whole agent, so an agent
 * with the same hash has the same files: a build can keep them without reading them. It is
 * the trust the up-to-date check gives outDir (a file edited in place is not noticed; `agents
 * build --check` compares every byte).
 */
export function agentsInOutDir(key: RecordKey, found: BuildRecord | undefined): Map<string, string> | undefined {
  const record = recordOfOutDir(key, found);
  return record && decodeAgentHashes(record.agentHashes);
}

/** What of a build's result its record is made of. */
export type RecordedResult = Pick<BuildResult, 'config' | 'write' | 'agents' | 'files' | 'diagnostics' | 'sourceLine' | 'errorCount' | 'warningCount'>;

/** The record of a build that wrote outDir (or found it current), after the cache was saved; undefined if it cannot have one. */
export function recordOf(result: RecordedResult, facts: { cacheFolder: string; version: string; configHash: string; startedAt: number; sources: SourceStamp[]; sourceFolders: FolderStamp[] }): BuildRecord | undefined {
  const outDir = path.resolve(result.config.root, result.config.outDir);
  // The written and unchanged files are every output (reading result.output would read them back).
  const paths = [...(result.write?.written ?? []), ...(result.write?.unchanged ?? [])].sort(compareCodeUnits);
  const outputs = joinPaths(paths);
  const sources = encodeSources(facts.sources);
  const agentHashes = encodeAgentHashes(result.agents);
  if (outputs === undefined || sources === undefined || agentHashes === undefined) return undefined;
  return {
    format: RECORD_FORMAT,
    version: facts.version,
    configHash: facts.configHash,
    outDir,
    startedAt: facts.startedAt,
    sources,
    sourceFolders: facts.sourceFolders,
    folders: stampFolders(outDir, paths),
    shards: stampFiles(facts.cacheFolder, Array.from({ length: SHARDS }, (_, shard) => shardFileName(shard))),
    outputs,
    messages: encodeMessages(result.files.filter((file) => file.messages.length > 0).map((file) => [file.path, serializeMessages(file.messages)] as const)),
    lines: linesOf(result),
    agents: result.agents.length,
    agentHashes,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
  };
}

/** Lines longer than this are not recorded (a code frame of one is read from the file). */
const MAX_RECORDED_LINE = 2000;

/** The lines the build's errors and warnings point at (see BuildRecord.lines). */
function linesOf(result: Pick<BuildResult, 'files' | 'diagnostics' | 'sourceLine'>): BuildRecord['lines'] {
  const shown = result.diagnostics.filter((d) => d.severity !== 'info' && d.line !== null);
  const texts = new Map(result.files.map((file) => [file.path, file.value]));
  const lines: BuildRecord['lines'] = {};
  for (const d of shown) {
    const value = texts.get(d.file);
    // A source a one-shot build let go of has no text here; the result knows its lines.
    const text = typeof value === 'string' ? lineAt(value, d.line!) : result.sourceLine?.(d.file, d.line!);
    if (text !== undefined && text.length <= MAX_RECORDED_LINE) (lines[d.file] ??= {})[d.line!] = text;
  }
  return lines;
}

/** The recorded messages as Diagnostics, ordered as collectDiagnostics orders a build's (sources come sorted). */
function diagnosticsOf(sources: readonly SourcePath[], byFile: ReadonlyMap<string, Diagnostic[]>): Diagnostic[] {
  const all: Diagnostic[] = [];
  for (const source of sources) {
    const list = byFile.get(source.path);
    if (list) all.push(...list.sort(compareDiagnostics));
  }
  return all;
}

/** file.value becomes the source's text (as read at build time: undefined if it changed since) on first access. */
function lazyValue(file: VFile, absolutePath: string, sha256: string): void {
  let value: string | undefined;
  let read = false;
  Object.defineProperty(file, 'value', {
    configurable: true,
    enumerable: true,
    get() {
      if (!read) {
        read = true;
        value = textIfUnchanged(absolutePath, sha256);
      }
      return value;
    },
    set(next: string | undefined) {
      read = true;
      value = next;
    },
  });
}

/** The agents of an up-to-date build, from the analysis cache it saved (the shards were checked unchanged). */
function agentsFromCache(cacheFolder: string, version: string, configHash: string, sources: readonly SourcePath[]): Agent[] {
  const loaded = loadCacheSync(cacheFolder, version, configHash);
  const agents: Agent[] = [];
  for (const source of sources) {
    const stored = loaded.entries.get(source.path);
    // The shard keeps no prompt: it is the end of the source's text.
    const entry = stored && withText(stored, stored.promptLength === undefined ? undefined : textIfUnchanged(source.absolutePath, stored.sha256));
    if (!entry) throw new Error(`the analysis cache in ${cacheFolder} or ${source.path} changed after the build; build again`);
    if (entry.agent) agents.push(withHash(entry.agent));
  }
  return agents.sort((a, b) => compareCodeUnits(a.name, b.name));
}
