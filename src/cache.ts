/**
 * The analysis cache: what `analyzeFile` found for one source (its messages and agent draft),
 * kept in memory by the builder and persisted under node_modules/.cache/agentc/.
 *
 * Validity: an entry is reused only for the same path and the same content hash; the whole
 * file is reused only for the same agentc version and the same config hash (the resolved
 * config values plus the bytes of the config and every file it imports). Anything unreadable,
 * corrupt or from another version is ignored: the cache can make a build faster, never wrong.
 */
import { createHash, hash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { VFile as VFileType } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { ResolvedConfig } from './config/schema.js';
import { addMessage } from './diagnostics.js';
import type { AgentDraft, AnalyzedFile } from './pipeline/analyze.js';
import { compareCodeUnits } from './util/text.js';

// Loaded on first use: an up-to-date build makes no VFile unless a caller asks for `files`.
// The CLI's bundle drops the next line to bundle these requires (scripts/bundle-cli.mjs).
const require = createRequire(import.meta.url);
let VFile: typeof VFileType | undefined;
const vfile = (): typeof VFileType => (VFile ??= (require('vfile') as typeof import('vfile')).VFile);

/** Bumped when the cache file's shape changes. */
export const CACHE_FORMAT = 2;

/** A vfile message reduced to what `reporterFor` sets, so it can be recreated exactly. */
export interface SerializedMessage {
  reason: string;
  place?: VFileMessage['place'];
  ruleId?: string;
  source?: string;
  /** true error, false warning, null info (undefined does not survive JSON). */
  fatal: boolean | null;
  url?: string;
}

export interface CacheEntry {
  /** Relative posix path, as in diagnostics. */
  path: string;
  /** sha256 of the file's bytes; '' when the file could not be read (never persisted). */
  sha256: string;
  messages: SerializedMessage[];
  agent: AgentDraft | undefined;
  /** The decoded text (in memory only, never persisted): reporters show code frames from it. */
  value?: string;
  /**
   * Loaded from a shard whose agent has no prompt, or let go of its text once a one-shot build
   * wrote its files (released-sources.ts): this many code units end the text (see withText).
   */
  promptLength?: number;
}

export function serializeMessages(messages: readonly VFileMessage[]): SerializedMessage[] {
  return messages.map((m) => {
    const out: SerializedMessage = { reason: m.reason, fatal: m.fatal ?? null };
    if (m.place) out.place = m.place;
    if (m.ruleId !== undefined) out.ruleId = m.ruleId;
    if (m.source !== undefined) out.source = m.source;
    if (m.url !== undefined) out.url = m.url;
    return out;
  });
}

/** A fresh VFile carrying the entry's messages, made the same way `reporterFor` makes them. */
export function restoreEntry(entry: CacheEntry): AnalyzedFile {
  const file = new (vfile())({ path: entry.path });
  if (entry.value !== undefined) file.value = entry.value;
  for (const m of entry.messages) {
    const message = addMessage(file, m.reason, { place: m.place, ruleId: m.ruleId, source: m.source });
    message.fatal = m.fatal === null ? undefined : m.fatal;
    if (m.url !== undefined) message.url = m.url;
  }
  return { file, agent: entry.agent };
}

export function entryOf(analyzed: AnalyzedFile, sha256: string): CacheEntry {
  const entry = { path: analyzed.file.path, sha256, agent: analyzed.agent } as CacheEntry;
  // Serialized when first read (saving the cache, or restoring after the analysis is gone):
  // a one-shot build uses the analysis itself (builder.ts), and 30,000 message copies at 10k
  // agents were memory for nothing. The analysis's own messages are the first `count`: later
  // builds append theirs (cross-file checks, targets) to the same VFile.
  const count = analyzed.file.messages.length;
  let messages: SerializedMessage[] | undefined;
  Object.defineProperty(entry, 'messages', { enumerable: true, get: () => (messages ??= serializeMessages(analyzed.file.messages.slice(0, count))) });
  if (typeof analyzed.file.value === 'string') entry.value = analyzed.file.value;
  return entry;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text `readSource` would have put in file.value (BOM removed), or undefined where it sets none. */
export function textOf(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.length === 0 || text.includes('\u0000')) return undefined;
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The text of the source at absolutePath if its bytes still have this sha256 (hex), else
 * undefined: what a result that reads its sources back on demand gives (up-to-date.ts,
 * released-sources.ts), never a text the build did not read.
 */
export function textIfUnchanged(absolutePath: string, sha256: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolutePath);
  } catch {
    return undefined;
  }
  return hash('sha256', bytes, 'hex') === sha256 ? textOf(bytes) : undefined;
}

/** Hash of everything about the config that can change an analysis or an output. */
export async function hashConfig(config: ResolvedConfig): Promise<string> {
  const { root, file, dependencies, ...values } = config;
  const digest = createHash('sha256');
  digest.update(stableJson(values));
  digest.update('\0');
  digest.update(file ? path.relative(root, file) : '');
  for (const dependency of [...dependencies].sort(compareCodeUnits)) {
    digest.update(`\0${path.relative(root, dependency)}\0`);
    try {
      digest.update(await readFile(dependency));
    } catch {
      digest.update('\0missing');
    }
  }
  return digest.digest('hex');
}

/** JSON with object keys sorted, so the same config always hashes the same. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareCodeUnits(a, b)));
  });
}

/** The persistent cache's folder: `cacheDir` relative to the project root, by default node_modules/.cache/agentc. */
export function cacheDirFor(root: string, cacheDir?: string): string {
  return cacheDir ? path.resolve(root, cacheDir) : path.join(root, 'node_modules', '.cache', 'agentc');
}

/** One cache folder per config file, so two configs in one project do not evict each other. */
export function cacheFolderFor(cacheDir: string, config: Pick<ResolvedConfig, 'root' | 'file'>): string {
  const id = createHash('sha256').update(config.file ? path.relative(config.root, config.file) : '.').digest('hex').slice(0, 12);
  return path.join(cacheDir, `analysis-${id}`);
}

/**
 * Entries are spread over this many shard files by a hash of their path: a watch rebuild
 * rewrites the one shard it touched (1/32 of the cache), not a file holding every agent.
 */
export const SHARDS = 32;

export function shardOf(relativePath: string): number {
  return hash('sha256', relativePath, 'buffer')[0]! % SHARDS;
}

/** The file name of one shard inside the cache folder. */
export function shardFileName(shard: number): string {
  return `shard-${String(shard).padStart(2, '0')}.json`;
}

function shardFile(folder: string, shard: number): string {
  return path.join(folder, shardFileName(shard));
}

export type CacheLoadStatus = 'hit' | 'missing' | 'stale' | 'corrupt';

export interface LoadedCache {
  /** hit: every shard matched; stale: some were from another version or config; corrupt: some could not be read. */
  status: CacheLoadStatus;
  entries: Map<string, CacheEntry>;
  /** Why a shard was ignored (corrupt or unreadable). */
  error?: Error;
}

interface ShardShape {
  format: number;
  version: string;
  configHash: string;
  /**
   * [path, sha256, messages, agent | null, prompt length]: arrays keep the file small and quick
   * to parse. The prompt is the end of the source's text, so it is not stored: only its length
   * (-1 when it is stored in the agent after all, see storedAgent).
   */
  entries: [string, string, SerializedMessage[], AgentDraft | null, number][];
}

/**
 * The agent as a shard stores it: without its prompt when the prompt is the end of the text the
 * entry was analyzed from (always, for an agent: the body, byte for byte). Prompts are most of a
 * cache's bytes (85 MB at 10k agents); the build reads each source anyway to hash it.
 */
function storedAgent(entry: CacheEntry): [AgentDraft | null, number] {
  const agent = entry.agent;
  if (!agent) return [null, -1];
  // Let go of its text by a one-shot build (released-sources.ts): its prompt may be '' by now.
  if (entry.promptLength !== undefined) return [withoutPrompt(agent), entry.promptLength];
  if (entry.value !== undefined && entry.value.endsWith(agent.prompt)) return [withoutPrompt(agent), agent.prompt.length];
  return [agent, -1];
}

function withoutPrompt(agent: AgentDraft): AgentDraft {
  const { prompt: _prompt, ...rest } = agent;
  return rest as AgentDraft;
}

/**
 * A stored entry with the source's text it was analyzed from (`textOf` the bytes): the text for
 * code frames, and the agent's prompt back from its end. Undefined when the text cannot give the
 * prompt (then the entry is not used).
 */
export function withText(entry: CacheEntry, text: string | undefined): CacheEntry | undefined {
  if (entry.promptLength === undefined || !entry.agent) return text === undefined ? entry : { ...entry, value: text };
  if (text === undefined || text.length < entry.promptLength) return undefined;
  const { promptLength: _length, ...rest } = entry;
  // The key order of a fresh analysis: the prompt in its place (rebuilt below), not last.
  return { ...rest, agent: restoreKeyOrder(entry.agent, text.slice(text.length - entry.promptLength)), value: text };
}

/** The draft with `prompt` where analyze puts it (after `examples`), so JSON and hashes are the same. */
function restoreKeyOrder(agent: AgentDraft, prompt: string): AgentDraft {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(agent)) {
    // An entry a one-shot build let go of its text still has its (emptied) prompt key.
    if (key === 'prompt') continue;
    out[key] = value;
    if (key === 'examples') out.prompt = prompt;
  }
  if (!('prompt' in out)) out.prompt = prompt;
  return out as AgentDraft;
}

export async function loadCache(folder: string, version: string, configHash: string): Promise<LoadedCache> {
  const texts = await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard): Promise<string | Error | undefined> => {
      try {
        return await readFile(shardFile(folder, shard), 'utf8');
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (e as Error);
      }
    }),
  );
  return parseShards(texts, version, configHash);
}

/** loadCache without awaiting: for the agents of an up-to-date build, read only when asked for. */
export function loadCacheSync(folder: string, version: string, configHash: string): LoadedCache {
  const texts = Array.from({ length: SHARDS }, (_, shard): string | Error | undefined => {
    try {
      return readFileSync(shardFile(folder, shard), 'utf8');
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (e as Error);
    }
  });
  return parseShards(texts, version, configHash);
}

/** Shard texts (undefined: no such shard; Error: unreadable) -> the entries of the shards that are whole and current. */
function parseShards(texts: readonly (string | Error | undefined)[], version: string, configHash: string): LoadedCache {
  const entries = new Map<string, CacheEntry>();
  let found = 0;
  let stale = false;
  let error: Error | undefined;
  texts.forEach((text, shard) => {
    if (text === undefined) return;
    if (text instanceof Error) {
      error ??= text;
      return;
    }
    found++;
    try {
      const data = JSON.parse(text) as ShardShape;
      if (data === null || typeof data !== 'object' || !Array.isArray(data.entries)) throw new Error('not an agentc cache shard');
      if (data.format !== CACHE_FORMAT || data.version !== version || data.configHash !== configHash) {
        stale = true;
        return;
      }
      const rows: CacheEntry[] = [];
      for (const row of data.entries) {
        if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string' || !Array.isArray(row[2])) throw new Error('malformed entry');
        if (row[3] !== null && (typeof row[4] !== 'number' || (row[4] < 0 && typeof (row[3] as { prompt?: unknown }).prompt !== 'string'))) throw new Error('malformed entry');
        rows.push({ path: row[0], sha256: row[1], messages: row[2], agent: row[3] ?? undefined, ...(row[4] >= 0 ? { promptLength: row[4] } : {}) });
      }
      // Only a whole shard is trusted: a bad row discards its shard.
      for (const row of rows) entries.set(row.path, row);
    } catch (e) {
      error ??= new Error(`${shardFileName(shard)}: ${(e as Error).message}`);
    }
  });
  const status: CacheLoadStatus = error ? 'corrupt' : stale ? 'stale' : found === 0 ? 'missing' : 'hit';
  return error ? { status, entries, error } : { status, entries };
}

/**
 * Write the given shards (default: all), each atomically (temp file + rename): a killed
 * process leaves the old shard or the new one. Shards left without entries are removed.
 */
export async function saveCache(folder: string, version: string, configHash: string, entries: Iterable<CacheEntry>, shards?: ReadonlySet<number>): Promise<void> {
  const rows: ShardShape['entries'][] = Array.from({ length: SHARDS }, () => []);
  for (const entry of entries) {
    if (entry.sha256 === '') continue;
    const shard = shardOf(entry.path);
    if (!shards || shards.has(shard)) rows[shard]!.push([entry.path, entry.sha256, entry.messages, ...storedAgent(entry)]);
  }
  await mkdir(folder, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  for (let shard = 0; shard < SHARDS; shard++) {
    if (shards && !shards.has(shard)) continue;
    const file = shardFile(folder, shard);
    const list = rows[shard]!.sort((a, b) => compareCodeUnits(a[0], b[0]));
    if (list.length === 0) {
      await rm(file, { force: true });
      continue;
    }
    const data: ShardShape = { format: CACHE_FORMAT, version, configHash, entries: list };
    const temp = `${file}.${tag}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(data));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
