/**
 * `createBuilder`: builds that remember. The builder keeps every file's analysis (messages +
 * agent draft) in memory keyed by path and content hash, persists it under
 * node_modules/.cache/agentc/, and in watch mode re-reads only the files that changed; the
 * cross-file checks and emit always run over the whole set, so the result is exactly what a
 * fresh `build()` gives. It reports through typed events and returned results; it never
 * prints or exits (the CLI does).
 */
import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { BuildResult } from './build.js';
import { readRecord, removeRecord, stampSourceFolders, writeRecord, type BuildRecord, type SourceStamp } from './build-record.js';
import { agentsInOutDir, findUpToDate, recordOf, type RecordedResult, type RecordKey } from './up-to-date.js';
import { cacheDirFor, cacheFolderFor, entryOf, hashConfig, loadCache, restoreEntry, saveCache, shardOf, SHARDS, textOf, withText, type CacheEntry, type CacheLoadStatus } from './cache.js';
import { CONFIG_FILES, ConfigError, loadConfig, type LoadConfigOptions } from './config/load.js';
import type { ResolvedConfig } from './config/schema.js';
import { countErrors, type Diagnostic } from './diagnostics.js';
import type { Agent } from './ir.js';
import type { AnalyzedFile } from './pipeline/analyze.js';
import { discover, searchedFolders, searchRoots, type SourcePath } from './pipeline/discover.js';
import { compareCodeUnits } from './util/text.js';
import { VERSION } from './version.js';
import type { CompileResult } from './compile.js';
import type { EarlyOutput } from './early-output.js';
import type { OutputSink } from './targets/index.js';
import type { IncrementalEmit, OutputPlan } from './targets/incremental.js';
import { writeChanges } from './write-changes.js';
import { MARKER_FILE, MARKER_OUTPUT, openOutput, readOutput, type WriteResult } from './write.js';
import { defineLazy } from './util/memo.js';
import { mapLimit } from './util/map-limit.js';
import { readRegularFile, type RegularFile } from './util/read-file.js';
import { FolderWatcher } from './watch/folder-watcher.js';
import { startReadAhead, type ReadAhead } from './read-ahead.js';
import { ReleasedSources } from './released-sources.js';

export interface BuilderOptions extends LoadConfigOptions {
  /** A config already loaded; config files are then not watched or reloaded. */
  config?: ResolvedConfig;
  /** Use the persistent cache (default true; `--no-cache` sets false). */
  cache?: boolean;
  /** Where the persistent cache lives (default `<root>/node_modules/.cache/agentc`). */
  cacheDir?: string;
  /** Write outDir (default true); false compiles only. */
  write?: boolean;
  /** Quiet time after the last file event before a rebuild starts (default DEBOUNCE_MS). */
  debounceMs?: number;
  /** The compiler version keying the cache (default agentc's own; tests change it). */
  version?: string;
  /** Watch with polling (network drives, some containers). */
  usePolling?: boolean;
  /**
   * From how many sources to read (with no cached analyses) a thread reads them ahead (default
   * READ_AHEAD_MIN: 256, or never on two cores or fewer; tests set it).
   */
  readAheadFrom?: number;
}

export type BuildReason = 'initial' | 'change' | 'config';

export interface BuildSummary {
  /** 1 for the first build of this builder, then counting. */
  id: number;
  reason: BuildReason;
  /** Files whose events caused this build (relative posix paths, sorted); empty for a full build. */
  changed: string[];
  /** Source files read and parsed in this build (a cache miss); the rest came from the cache. */
  analyzed: string[];
  /** Source files whose analysis came from memory or the persistent cache. */
  cached: number;
  /** Agents whose record changed, appeared or disappeared since the previous build, sorted. */
  agentsRebuilt: string[];
  agents: number;
  errors: number;
  warnings: number;
  /** Wall time of the build, including the write. */
  durationMs: number;
  /** Files written and removed in outDir (empty when nothing was written). */
  written: string[];
  removed: string[];
  /** False when errors kept outDir as it was (or `write: false`). */
  wroteOutput: boolean;
  /**
   * True when outDir already held exactly this build's output. A `build()` whose sources,
   * config and outDir are as its build record says finds this without parsing or emitting
   * anything (see ./build-record.ts); `result.agents` and `result.output` are then read from
   * the cache and outDir only when first accessed. (A `build()` that writes lets each source's
   * text go once its agent's files are written: its `result.agents` and `result.files` read
   * the sources back when first accessed, see ./released-sources.ts.)
   */
  upToDate: boolean;
  result: BuildResult;
}

export interface BuilderEvents {
  'build:start': { id: number; reason: BuildReason; changed: string[] };
  'build:end': BuildSummary;
  /** Every diagnostic of a finished build, in order. */
  diagnostic: Diagnostic;
  /** A source file is read and parsed (a cache miss). Counting these proves a warm build parses nothing. */
  'file:analyze': { path: string };
  'cache:load': { file: string; status: CacheLoadStatus; entries: number; error?: Error };
  'cache:save': { file: string; entries: number };
  'config:reload': { file: string | undefined; dependencies: string[]; changed: string[] };
  /** A config failed to load; the last good one (if any) stays in use. */
  'config:error': { error: Error; file: string | undefined };
  'watch:ready': { paths: string[] };
  'watch:close': Record<string, never>;
  /** An unexpected failure (an outDir that cannot be written, a watcher error); watching goes on. */
  error: { error: Error; id?: number };
}

export type BuilderEventName = keyof BuilderEvents;
export type Listener<K extends BuilderEventName> = (payload: BuilderEvents[K]) => void;

export interface WatchHandle {
  /** Stop watching; waits for a build in progress (outDir is never left half-written). */
  close(): Promise<void>;
  /** Settles when no build is running or queued (tests and benchmarks wait on it). */
  idle(): Promise<void>;
}

export interface Builder {
  /** The config in use (the last good one), once loaded. */
  readonly config: ResolvedConfig | undefined;
  /** A full build: (re)load the config, rediscover, hash every file, reuse analyses that match. */
  build(): Promise<BuildSummary>;
  /** Build, then rebuild on every change until `close()`. Resolves once the watcher is ready. */
  watch(): Promise<WatchHandle>;
  on<K extends BuilderEventName>(event: K, listener: Listener<K>): () => void;
  off<K extends BuilderEventName>(event: K, listener: Listener<K>): void;
  /** The next event of this name. */
  once<K extends BuilderEventName>(event: K): Promise<BuilderEvents[K]>;
  /** Stop watching and save the cache. */
  close(): Promise<void>;
}

const READ_CONCURRENCY = 64;
/**
 * Below this many files to read, a read-ahead thread does not pay: it starts ~90 ms after it is
 * made, and a cold build on two cores has no core to spare for it (the main thread, the writer
 * thread and V8's compiler threads fill both). Measured on two cores, `--no-cache`, alternating
 * runs, since the heads are no longer given to remark: 2k agents 1.86 s without it and 1.90 s
 * with it (CPU 2.65 -> 2.88 s, 8 pairs, tmpfs); 10k 4.1 and 4.2 s on tmpfs (CPU +6%), 5.15 and
 * 5.08 s on ext4 (medians of 6 pairs each, spread 4.1-6.7 s). With more cores its CPU is
 * spare, so it starts early there.
 */
const READ_AHEAD_MIN = availableParallelism() > 2 ? 256 : Number.POSITIVE_INFINITY;
/**
 * The same when the analyses come from the cache, so the thread only reads and hashes (~50 µs
 * a file): an edit-then-build at 1k was ~40 ms slower with it (509-553 -> 569-570 ms; without
 * it 490-514 ms), at 10k faster (5.72 -> 5.46 s).
 */
const READ_AHEAD_MIN_CACHED = 2000;

/**
 * The compiler proper (remark, yaml, the targets), loaded on first use: a build that
 * finds outDir up to date never needs it, and loading it is a large part of such a build.
 */
let compiler:
  | Promise<{
      analyzeFile: typeof import('./pipeline/analyze.js').analyzeFile;
      compileAnalyzedWith: typeof import('./compile.js').compileAnalyzedWith;
      compileAnalyzedTo: typeof import('./compile.js').compileAnalyzedTo;
      IncrementalEmit: typeof import('./targets/incremental.js').IncrementalEmit;
      EarlyOutput: typeof import('./early-output.js').EarlyOutput;
      sharedFilesReadPrompts: typeof import('./targets/index.js').sharedFilesReadPrompts;
    }>
  | undefined;
function loadCompiler() {
  compiler ??= Promise.all([import('./pipeline/analyze.js'), import('./compile.js'), import('./targets/incremental.js'), import('./early-output.js'), import('./targets/index.js')]).then(([analyze, compile, incremental, early, targets]) => ({
    analyzeFile: analyze.analyzeFile,
    compileAnalyzedWith: compile.compileAnalyzedWith,
    compileAnalyzedTo: compile.compileAnalyzedTo,
    IncrementalEmit: incremental.IncrementalEmit,
    EarlyOutput: early.EarlyOutput,
    sharedFilesReadPrompts: targets.sharedFilesReadPrompts,
  }));
  return compiler;
}
/** The cache is saved this long after the last watch rebuild, off the edit-to-dist path. */
const CACHE_SAVE_DELAY_MS = 1000;
/**
 * The events of one save (a write, or a temporary file renamed over the source) arrive within
 * about a millisecond of each other; 10 ms merges them without being felt. A burst that lasts
 * longer (a git checkout) may take one build more; events during a build queue one more, and
 * the re-check below catches a write that came after the build read the file.
 */
const DEBOUNCE_MS = 10;
/** Longer than chokidar's 50 ms window in which it drops repeated `change` events (config files, polling). */
const VERIFY_DELAY_MS = 75;

interface Pending {
  config: Set<string>;
  dirty: Set<string>;
  rediscover: boolean;
}

export function createBuilder(options: BuilderOptions = {}): Builder {
  return new IncrementalBuilder(options);
}

class IncrementalBuilder implements Builder {
  private readonly listeners = new Map<BuilderEventName, Set<(payload: never) => void>>();
  private readonly version: string;
  private readonly useCache: boolean;
  private currentConfig: ResolvedConfig | undefined;
  private configHash = '';
  /** hashConfig of the files as they were when the config was last (re)loaded, loaded or not. */
  private configAttempt = '';
  private sources: SourcePath[] = [];
  /** Analyses of the current sources, by relative path. */
  private entries = new Map<string, CacheEntry>();
  /** Analyses from the persistent cache not yet claimed by a source. */
  private stored = new Map<string, CacheEntry>();
  /** Cache shards whose entries changed since the last save. */
  private dirtyShards = new Set<number>();
  private storedLoaded = true;
  /** Each entry's VFile, made once and reused by every build (see restore). */
  private restoredFiles = new WeakMap<CacheEntry, { analyzed: AnalyzedFile; messages: number }>();
  /** The agents and files of a result that gives them back on demand (see ReleasedSources), as the build made them. */
  private madeOf = new WeakMap<BuildResult, Pick<BuildResult, 'agents' | 'files'>>();
  /** Size and mtime of each source as it was when last hashed (for the build record). */
  private sourceStats = new Map<string, [number, number]>();
  /**
   * What outDir holds, as this builder last wrote it (the emitter's state is its output);
   * undefined when unknown: then the next build writes outDir whole.
   */
  private lastOutput: { emitter: IncrementalEmit; outDir: string } | undefined;
  private agentHashes = new Map<string, string>();
  private buildCount = 0;
  /** chokidar: the config file(s) and the files they import; with `usePolling`, the sources too. */
  private watcher: FSWatcher | undefined;
  /** The source folders, one fs.watch per folder (see ./watch/folder-watcher.ts); none with `usePolling`. */
  private folderWatcher: FolderWatcher | undefined;
  /** What made each pending batch ask for a rediscovery (see onFsEvent); keyed by the batch, so a flush starts afresh. */
  private pendingCauses = new WeakMap<Pending, { added: Set<string>; other: boolean }>();
  /** this.sources as a set, made when an event needs it (see isSource). */
  private sourceSet: { of: SourcePath[]; paths: Set<string> } | undefined;
  private watched = new Set<string>();
  private configDeps = new Set<string>();
  private pending: Pending = { config: new Set(), dirty: new Set(), rediscover: false };
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: BuilderOptions) {
    this.version = options.version ?? VERSION;
    this.useCache = options.cache !== false;
    this.currentConfig = options.config;
  }

  get config(): ResolvedConfig | undefined {
    return this.currentConfig;
  }

  on<K extends BuilderEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  off<K extends BuilderEventName>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  once<K extends BuilderEventName>(event: K): Promise<BuilderEvents[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        off();
        resolve(payload);
      });
    });
  }

  private emit<K extends BuilderEventName>(event: K, payload: BuilderEvents[K]): void {
    const listeners = this.listeners.get(event);
    // A build emits one `diagnostic` per message (30,000 at 10k agents): no copy when nobody listens.
    if (!listeners || listeners.size === 0) return;
    for (const listener of [...listeners]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        // A throwing listener must not break a build or the watcher.
        if (event !== 'error') this.emit('error', { error: error as Error });
      }
    }
  }

  /** One `diagnostic` event per message (13,000 at 10k agents): the loop only when someone listens. */
  private emitDiagnostics(diagnostics: readonly Diagnostic[]): void {
    if (this.listeners.get('diagnostic')?.size) for (const diagnostic of diagnostics) this.emit('diagnostic', diagnostic);
  }

  async build(): Promise<BuildSummary> {
    return this.exclusive(async () => {
      if (!this.options.config) await this.applyConfig(await loadConfig({ ...this.options, cache: this.useCache }));
      else if (this.configHash === '') await this.applyConfig(this.options.config);
      // Outside watch mode nothing tells us what changed on disk: re-read everything, and
      // verify outDir against the files themselves.
      this.lastOutput = undefined;
      const startedAt = Date.now();
      // Read once: it decides whether this build is up to date, and else which agents' files to keep.
      const record = this.useCache && this.options.write !== false ? readRecord(this.cacheFile()) : undefined;
      const upToDate = await this.upToDateBuild(record);
      if (upToDate) return upToDate;
      const summary = await this.run('initial', [], { all: true, rediscover: true, dirty: new Set(), stream: true, record });
      const saved = await this.saveCacheNow();
      // The record's agents come from the cache: without a whole cache, no record.
      if (summary.wroteOutput && saved) this.saveRecord(summary, startedAt);
      return summary;
    });
  }

  /**
   * The summary of a build that finds outDir up to date by the build record alone, or
   * undefined when anything may have changed (then a real build runs). See ./build-record.ts.
   */
  private async upToDateBuild(record: BuildRecord | undefined): Promise<BuildSummary | undefined> {
    if (!record) return undefined;
    const started = performance.now();
    const found = await findUpToDate(this.recordKey(), record);
    if (!found) return undefined;
    const { result, sources, agents } = found;
    const id = ++this.buildCount;
    this.emit('build:start', { id, reason: 'initial', changed: [] });
    const summary: BuildSummary = {
      id,
      reason: 'initial',
      changed: [],
      analyzed: [],
      cached: sources,
      agentsRebuilt: [],
      agents,
      errors: result.errorCount,
      warnings: result.warningCount,
      durationMs: performance.now() - started,
      written: [],
      removed: [],
      wroteOutput: false,
      upToDate: true,
      result,
    };
    this.emitDiagnostics(result.diagnostics);
    this.emit('build:end', summary);
    return summary;
  }

  private forgetRecord(): void {
    try {
      removeRecord(this.cacheFile());
    } catch (error) {
      // Still safe: the record's folder stamps no longer match once outDir is written.
      this.emit('error', { error: new Error(`Cannot remove the build record in ${this.cacheFile()}: ${(error as Error).message}`) });
    }
  }

  /** After a build() that wrote outDir (or found it current) and saved the cache: what the next build() can trust. */
  private saveRecord(summary: BuildSummary, startedAt: number): void {
    if (!this.useCache || summary.errors > 0) return;
    const cacheFolder = this.cacheFile();
    // As the build made them: reading a result's `agents` or `files` may read every source back.
    const made = this.madeOf.get(summary.result);
    const { config, write, diagnostics, errorCount, warningCount, sourceLine } = summary.result;
    const result: RecordedResult = made ? { config, write, diagnostics, errorCount, warningCount, sourceLine, ...made } : summary.result;
    const sources: SourceStamp[] = [];
    for (const file of result.files) {
      const entry = this.entries.get(file.path);
      const stat = this.sourceStats.get(file.path);
      // A source that was not read as bytes (unreadable, too large) cannot be vouched for.
      if (!entry || entry.sha256 === '' || !stat) return;
      sources.push([file.path, stat[0], stat[1], entry.sha256]);
    }
    try {
      // Stamped after the build: a folder changed since startedAt is too fresh to trust anyway.
      const sourceFolders = stampSourceFolders(summary.result.config.root, searchedFolders(summary.result.config)) ?? [];
      const record = recordOf(result, { cacheFolder, version: this.version, configHash: this.configHash, startedAt, sources, sourceFolders });
      // No record (a path with a newline): the next build is a normal, cached one.
      if (record) writeRecord(cacheFolder, record);
    } catch (error) {
      // Without a record the next build is a normal (cached) one: slower, never wrong.
      this.emit('error', { error: new Error(`Cannot write the build record in ${cacheFolder}: ${(error as Error).message}`) });
    }
  }

  async watch(): Promise<WatchHandle> {
    if (this.watcher) throw new Error('this builder is already watching');
    this.closed = false;
    await this.exclusive(async () => {
      try {
        if (!this.options.config) await this.applyConfig(await loadConfig({ ...this.options, cache: this.useCache }));
        else await this.applyConfig(this.options.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.emit('config:error', { error, file: error.file });
        return;
      }
      this.lastOutput = undefined;
      await this.run('initial', [], { all: true, rediscover: true, dirty: new Set() }).catch((error: Error) => this.emit('error', { error, id: this.buildCount }));
      this.scheduleSave();
    });
    const paths = this.watchPaths();
    // Polling is for file systems where fs.watch reports nothing (network drives, some
    // containers): there chokidar polls everything. Otherwise chokidar only watches the few
    // config files, and the sources get a watcher that does O(1) work per event.
    const polling = this.options.usePolling ?? false;
    const sourceFolders = polling ? [] : this.sourceFolders();
    const chokidarPaths = polling ? paths : this.configPaths();
    // Loaded here: a one-shot build never needs it.
    const { watch: chokidarWatch } = await import('chokidar');
    this.watcher = chokidarWatch(chokidarPaths, {
      ignoreInitial: true,
      // Editors that save by rename produce unlink + add; the debounce merges them, so no extra wait.
      atomic: false,
      usePolling: polling,
      ignored: (p: string) => this.ignored(p),
    });
    for (const p of paths) this.watched.add(p);
    this.watcher.on('all', (event, p) => this.onFsEvent(event, p));
    this.watcher.on('error', (error) => this.emit('error', { error: error as Error }));
    if (!polling) {
      this.folderWatcher = new FolderWatcher({
        onEvent: (event, p) => this.onFsEvent(event, p),
        onError: (error) => this.emit('error', { error }),
        ignored: (p) => this.ignored(p),
        // A removed source folder is waited for from within the project, never above it.
        boundary: () => this.currentConfig?.root,
      });
      this.folderWatcher.add(sourceFolders);
    }
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.emit('watch:ready', { paths: paths.map((p) => this.relative(p)).sort(compareCodeUnits) });
    return { close: () => this.close(), idle: () => this.idle() };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const watcher = this.watcher;
    this.watcher = undefined;
    this.folderWatcher?.close();
    this.folderWatcher = undefined;
    this.watched.clear();
    if (watcher) await watcher.close();
    while (this.running) await this.running;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saveCacheNow();
    if (watcher) this.emit('watch:close', {});
  }

  private async idle(): Promise<void> {
    while (this.running || this.timer) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Runs fn when no other build runs; builds never overlap. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.running) await this.running.catch(() => undefined);
    let done!: () => void;
    this.running = new Promise<void>((resolve) => (done = resolve));
    try {
      return await fn();
    } finally {
      this.running = undefined;
      done();
    }
  }

  private async applyConfig(config: ResolvedConfig): Promise<boolean> {
    const hash = await hashConfig(config);
    this.currentConfig = config;
    this.configDeps = new Set(config.dependencies.map((d) => path.resolve(d)));
    if (config.file) this.configDeps.add(path.resolve(config.file));
    if (hash === this.configHash) return false;
    this.configHash = hash;
    // The emitter's targets and package come from the old config.
    this.lastOutput = undefined;
    // Analyses depend on the config: none from the old one may be reused.
    this.entries = new Map();
    this.stored = new Map();
    // Loaded when a build first needs analyses: an up-to-date build never does.
    this.storedLoaded = !this.useCache;
    return true;
  }

  /** The persistent cache's analyses for the current config, loaded once per config. */
  private async loadStored(): Promise<void> {
    if (this.storedLoaded) return;
    this.storedLoaded = true;
    const file = this.cacheFile();
    const loaded = await loadCache(file, this.version, this.configHash);
    this.stored = loaded.entries;
    // Shards from another version or config, or corrupt ones, are all rewritten (or removed).
    if (loaded.status !== 'hit') for (let shard = 0; shard < SHARDS; shard++) this.dirtyShards.add(shard);
    this.emit('cache:load', { file, status: loaded.status, entries: loaded.entries.size, ...(loaded.error ? { error: loaded.error } : {}) });
  }

  private recordKey(): RecordKey {
    return { config: this.currentConfig!, cacheFolder: this.cacheFile(), version: this.version, configHash: this.configHash };
  }

  private cacheFile(): string {
    const config = this.currentConfig!;
    return cacheFolderFor(cacheDirFor(config.root, this.options.cacheDir), config);
  }

  /**
   * One build over the current config. `all`: every source is re-read (content hashes decide
   * what is re-parsed); otherwise only `dirty` paths are, and the rest reuse memory untouched.
   * `record`: the build record as this build found it (see compileToOutDir).
   */
  private async run(reason: BuildReason, changed: string[], plan: { all: boolean; rediscover: boolean; dirty: Set<string>; stream?: boolean; record?: BuildRecord }): Promise<BuildSummary> {
    const config = this.currentConfig!;
    const started = performance.now();
    if (this.useCache) await this.loadStored();
    const { compileAnalyzedWith, IncrementalEmit, EarlyOutput, sharedFilesReadPrompts } = await loadCompiler();
    const id = ++this.buildCount;
    this.emit('build:start', { id, reason, changed });

    if (plan.rediscover || this.sources.length === 0) {
      this.sources = await discover(config);
      // Analyses of files that are no longer sources (only a rediscovery can drop one).
      const live = new Set(this.sources.map((s) => s.path));
      for (const key of [...this.entries.keys()]) {
        if (!live.has(key)) {
          this.entries.delete(key);
          this.dirtyShards.add(shardOf(key));
        }
      }
    }
    const outDir = path.resolve(config.root, config.outDir);
    const writing = this.options.write !== false;
    // A one-shot build writes each agent's files as soon as that agent is final, while the
    // other sources are still analyzed (early-output.ts). The agents whose files outDir holds
    // as the last build wrote them (judged before the record is forgotten) are kept without
    // reading them back: at 10,000 agents, comparing 60,000 files byte by byte after a
    // one-agent edit was a quarter of that build.
    const keptAgents = writing && plan.stream && plan.record ? agentsInOutDir(this.recordKey(), plan.record) : undefined;
    const analyzed = new Array<AnalyzedFile>(this.sources.length);
    // Each source's text is let go once its agent's files are written, unless the shared files
    // still need the prompts (see released-sources.ts); watch mode keeps every text for the next edit.
    const released = writing && plan.stream && !sharedFilesReadPrompts(config) ? new ReleasedSources() : undefined;
    const early =
      writing && plan.stream
        ? new EarlyOutput({
            count: this.sources.length,
            outDir,
            config,
            known: (agent) => keptAgents?.get(agent.name) === agent.hash,
            emitted: (index, agent) => {
              const source = this.sources[index]!;
              const entry = this.entries.get(source.path);
              if (released && entry) released.release(entry, analyzed[index]!, agent, source.absolutePath);
            },
          })
        : undefined;
    const analyzedPaths: string[] = [];
    let cached = 0;
    // Known, clean sources are restored at once; only the others are read (10,000 promises per edit cost more than the edit).
    const toRead: number[] = [];
    const restored: number[] = [];
    this.sources.forEach((source, index) => {
      const known = this.entries.get(source.path);
      if (known && !plan.all && !plan.dirty.has(source.path)) {
        cached++;
        analyzed[index] = this.restore(known);
        restored.push(index);
      } else toRead.push(index);
    });
    if (early) for (const index of restored) await early.add(index, analyzed[index]!);
    // Many files to read: a thread reads them ahead, in this order (read-ahead.ts).
    const cold = this.stored.size === 0 && this.entries.size === 0;
    const readAhead =
      toRead.length >= (cold ? (this.options.readAheadFrom ?? READ_AHEAD_MIN) : READ_AHEAD_MIN_CACHED)
        ? startReadAhead(
            toRead.map((index) => this.sources[index]!.absolutePath),
            config.limits.maxFileBytes,
          )
        : undefined;
    await mapLimit(toRead, READ_CONCURRENCY, async (index) => {
      const source = this.sources[index]!;
      const { entry, parsed } = await this.analyzeSource(source, config, readAhead);
      if (parsed) analyzedPaths.push(source.path);
      else cached++;
      this.entries.set(source.path, entry);
      analyzed[index] = this.restore(entry);
      await early?.add(index, analyzed[index]);
    })
      .catch(async (error: unknown) => {
        // No build follows to commit or abort what was written early: throw it away here.
        await early?.abort();
        throw error;
      })
      .finally(() => readAhead?.close());
    analyzedPaths.sort(compareCodeUnits);
    if (plan.all) {
      // Cached analyses of files that are no longer sources: drop them from their shards.
      for (const key of this.stored.keys()) this.dirtyShards.add(shardOf(key));
      this.stored.clear();
    }

    // What outDir holds is known again only once this build's output is written.
    const last = this.lastOutput;
    this.lastOutput = undefined;
    const canPatch = !plan.stream && last !== undefined && last.outDir === outDir && existsSync(path.join(outDir, MARKER_FILE));
    // Watch mode keeps its output per agent between rebuilds; a new emitter plans every file.
    const emitter = canPatch ? last!.emitter : new IncrementalEmit(config);
    // Written whole (a one-shot build; watch mode's first build, or after a failure): file by file as made.
    const streamed = writing && !canPatch ? await this.compileToOutDir(analyzed, config, outDir, plan.stream ? undefined : emitter, early) : undefined;
    const compiled: CompileResult & { plan?: OutputPlan } = streamed?.compiled ?? compileAnalyzedWith(analyzed, config, emitter);
    const { agents, files, diagnostics, errorCount, warningCount } = compiled;
    // `output` is made only when read: at 10k agents, sorting 60,000 files per edit for nobody.
    const result = { agents, files, diagnostics, errorCount, warningCount, config, outDir } as BuildResult;
    defineLazy(result, 'output', () => compiled.output);
    // The build itself goes on with what it made; the result reads the texts back when asked.
    if (released?.giveBackThrough(result)) this.madeOf.set(result, { agents, files });
    let written: string[] = [];
    let removed: string[] = [];
    let wroteOutput = false;
    let upToDate = false;
    let write: WriteResult | undefined;
    if (streamed?.write) {
      write = streamed.write;
      if (!plan.stream) this.lastOutput = { emitter, outDir };
      // Not kept in memory: read back from outDir if asked for.
      const paths = [...write.written, ...write.unchanged].sort(compareCodeUnits);
      defineLazy(result, 'output', () => readOutput(outDir, paths));
    } else if (!compiled.plan) {
      // Nothing was emitted (errors before emit): outDir is as the last build left it.
      this.lastOutput = last;
    } else if (canPatch && compiled.errorCount === 0 && writing) {
      // The record would describe an outDir that is about to change; build() writes a new one after.
      if (this.useCache) this.forgetRecord();
      const { plan: changes } = compiled;
      write = await writeChanges(outDir, changes);
      const touched = new Set([...write.written, ...write.removed]);
      // Listed only when asked for: 60,000 paths per edit at 10k agents.
      defineLazy(write, 'unchanged', () => changes.files().map((file) => file.path).filter((p) => !touched.has(p)));
      this.lastOutput = { emitter, outDir };
    }
    if (write) {
      result.write = write;
      written = write.written;
      removed = write.removed;
      wroteOutput = true;
      upToDate = !write.changed;
    }

    // Agents whose hash differs from the last good build's, and agents gone since (one pass; no map of every agent per edit).
    const changedAgents: Agent[] = [];
    let kept = 0;
    for (const agent of compiled.agents) {
      const before = this.agentHashes.get(agent.name);
      if (before !== undefined) kept++;
      if (before !== agent.hash) changedAgents.push(agent);
    }
    const gone: string[] = [];
    if (kept < this.agentHashes.size) {
      const names = new Set(compiled.agents.map((agent) => agent.name));
      for (const name of this.agentHashes.keys()) if (!names.has(name)) gone.push(name);
    }
    const agentsRebuilt = [...changedAgents.map((agent) => agent.name), ...gone].sort(compareCodeUnits);
    // Agents of a failed build are not "rebuilt" (nothing was written); compare the next build with the last good one.
    if (compiled.errorCount === 0) {
      for (const agent of changedAgents) this.agentHashes.set(agent.name, agent.hash);
      for (const name of gone) this.agentHashes.delete(name);
    }

    const summary: BuildSummary = {
      id,
      reason,
      changed,
      analyzed: analyzedPaths,
      cached,
      agentsRebuilt: compiled.errorCount === 0 ? agentsRebuilt : [],
      agents: compiled.agents.length,
      errors: compiled.errorCount,
      warnings: compiled.warningCount,
      durationMs: performance.now() - started,
      written,
      removed,
      wroteOutput,
      upToDate,
      result,
    };
    this.emitDiagnostics(compiled.diagnostics);
    this.emit('build:end', summary);
    return summary;
  }

  /**
   * The entry as an AnalyzedFile for this build. Its VFile is made once and reused: the
   * messages the cross-file checks and targets added in the last build are dropped, the
   * analysis's own stay. Making 10,000 VFiles and their messages again on every watch rebuild
   * cost more than the rebuild of the file that changed.
   */
  private restore(entry: CacheEntry): AnalyzedFile {
    const known = this.restoredFiles.get(entry);
    if (known) {
      known.analyzed.file.messages.length = known.messages;
      return known.analyzed;
    }
    const analyzed = restoreEntry(entry);
    this.restoredFiles.set(entry, { analyzed, messages: analyzed.file.messages.length });
    return analyzed;
  }

  /**
   * Compile and write at once: each file goes to outDir's new build as soon as a target makes
   * it (write.ts openOutput), so a one-shot build never holds its whole output. Nothing is
   * written when the build has errors; a failure leaves outDir as it was.
   */
  private async compileToOutDir(analyzed: AnalyzedFile[], config: ResolvedConfig, outDir: string, emitter?: IncrementalEmit, early?: EarlyOutput) {
    const { compileAnalyzedTo, compileAnalyzedWith } = await loadCompiler();
    // Through the watch-mode emitter (its shared files include the marker), or the one-shot emit.
    const compileTo = (sink: OutputSink): CompileResult & { plan?: OutputPlan } =>
      emitter ? compileAnalyzedWith(analyzed, config, emitter, sink) : compileAnalyzedTo(analyzed, config, sink);
    // Nothing will be emitted: do not open (or judge) outDir, and throw away what was written early.
    if (countErrors(analyzed.map((entry) => entry.file)) > 0) {
      await early?.abort();
      return { compiled: compileTo(() => {}), write: undefined };
    }
    if (early?.error !== undefined) {
      await early.abort();
      throw early.error;
    }
    if (this.useCache) this.forgetRecord();
    const started = early?.result();
    const writer = started?.writer ?? (await openOutput(outDir));
    try {
      // The agents left after writing early (the marker is written), or everything.
      let compiled: CompileResult & { plan?: OutputPlan };
      if (started && !emitter) compiled = compileAnalyzedTo(analyzed, config, started.stream);
      else {
        if (!emitter) writer.add(MARKER_OUTPUT);
        compiled = compileTo((file) => writer.add(file));
      }
      if (compiled.errorCount > 0) {
        await writer.abort();
        return { compiled, write: undefined };
      }
      return { compiled, write: await writer.commit() };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /** Read one source; reuse an analysis with the same content hash, else parse it. */
  private async analyzeSource(source: SourcePath, config: ResolvedConfig, readAhead?: ReadAhead): Promise<{ entry: CacheEntry; parsed: boolean }> {
    // The read-ahead thread's record, or the file read here; undefined when it cannot be opened.
    const read: { size: number; mtimeMs: number; bytes?: Uint8Array; sha256?: string } | undefined = readAhead?.take(source.absolutePath) ?? readOrUndefined(source.absolutePath, config.limits.maxFileBytes);
    if (!read?.bytes) {
      this.sourceStats.delete(source.path);
      // Unreadable, too large, not a file: the pipeline says why. Such results depend on the
      // file system, not on content, so they are never cached by hash.
      this.emit('file:analyze', { path: source.path });
      const analyzed = await (await loadCompiler()).analyzeFile(source, config);
      this.dirtyShards.add(shardOf(source.path));
      return { entry: entryOf(analyzed, ''), parsed: true };
    }
    const { bytes } = read;
    // Stat before read: a write in between leaves a newer mtime, so the next build hashes again.
    this.sourceStats.set(source.path, [read.size, read.mtimeMs]);
    const sha256 = read.sha256 ?? hash('sha256', bytes, 'hex');
    const known = this.entries.get(source.path);
    if (known && known.sha256 === sha256) {
      // An entry a one-shot build let go of its text gets it back from these bytes (released-sources.ts).
      const entry = known.promptLength === undefined ? known : withText(known, textOf(bytes));
      if (entry) return { entry, parsed: false };
    }
    const stored = this.stored.get(source.path);
    if (stored && stored.sha256 === sha256) {
      this.stored.delete(source.path);
      const value = textOf(bytes);
      // The shard keeps no prompt: it is the end of this text (withText).
      const entry = withText(stored, value);
      if (entry) return { entry, parsed: false };
    }
    this.emit('file:analyze', { path: source.path });
    const analyzed = await (await loadCompiler()).analyzeFile({ ...source, bytes, sha256 }, config);
    this.dirtyShards.add(shardOf(source.path));
    const entry = entryOf(analyzed, sha256);
    // This build uses the analysis itself, not a copy restored from the entry (see restore()).
    this.restoredFiles.set(entry, { analyzed, messages: analyzed.file.messages.length });
    return { entry, parsed: true };
  }

  private scheduleSave(): void {
    if (!this.useCache) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      // Saving waits for (and blocks) builds, so it never sees a half-updated set.
      void this.exclusive(() => this.saveCacheNow());
    }, CACHE_SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  /** False when the cache could not be written (then no build record may vouch for it). */
  private async saveCacheNow(): Promise<boolean> {
    if (!this.useCache || this.dirtyShards.size === 0 || !this.currentConfig) return true;
    const file = this.cacheFile();
    const shards = this.dirtyShards;
    this.dirtyShards = new Set();
    try {
      await saveCache(file, this.version, this.configHash, this.entries.values(), shards);
      this.emit('cache:save', { file, entries: this.entries.size });
      return true;
    } catch (error) {
      // A cache that cannot be written only makes the next cold build slower.
      this.emit('error', { error: new Error(`Cannot write the cache ${file}: ${(error as Error).message}`) });
      return false;
    }
  }

  // --- watching -------------------------------------------------------------------------

  /** Everything watched: the source folders and the config files. */
  private watchPaths(): string[] {
    return [...new Set([...this.sourceFolders(), ...this.configPaths()])].sort(compareCodeUnits);
  }

  /** The folder of each include glob (or its nearest existing ancestor); watched with all below. */
  private sourceFolders(): string[] {
    const config = this.currentConfig;
    if (!config) return [];
    return searchRoots(config);
  }

  /** The config file and the files it imports (or the candidate config files while none loaded). */
  private configPaths(): string[] {
    const paths = new Set<string>();
    const root = this.currentConfig?.root ?? path.resolve(this.options.cwd ?? process.cwd());
    for (const dep of this.configDeps) paths.add(dep);
    if (!this.options.config) {
      // Also the config file when none loaded yet (it failed to load: fixing it must rebuild).
      if (this.options.configFile) paths.add(path.resolve(root, this.options.configFile));
      else for (const name of CONFIG_FILES) paths.add(path.join(root, name));
    }
    // Only paths that exist: chokidar 5 reports nothing at all when given a missing file.
    return [...paths].filter((p) => existsSync(p)).sort(compareCodeUnits);
  }

  private ignored(p: string): boolean {
    const base = path.basename(p);
    if (base === 'node_modules' || base === '.git' || base.startsWith('.agentc-config-')) return true;
    const config = this.currentConfig;
    if (!config) return false;
    const outDir = path.resolve(config.root, config.outDir);
    if (p === outDir || p.startsWith(outDir + path.sep)) return true;
    // The temporary and old folders of an atomic swap sit beside outDir.
    return path.dirname(p) === path.dirname(outDir) && base.startsWith(`.${path.basename(outDir)}.agentc-`);
  }

  private relative(p: string): string {
    const root = this.currentConfig?.root ?? path.resolve(this.options.cwd ?? process.cwd());
    return path.relative(root, p).split(path.sep).join('/');
  }

  private onFsEvent(event: string, p: string): void {
    if (this.closed) return;
    const absolute = path.resolve(p);
    const isConfigFile = this.configDeps.has(absolute) || (!this.options.config && this.isConfigCandidate(absolute));
    if (isConfigFile) {
      if (this.options.config) return;
      this.pending.config.add(absolute);
    } else {
      if (!this.currentConfig) return;
      const relative = this.relative(absolute);
      // An `add` of a known source is a save by rename (a temporary file renamed over the
      // source, as editors do on every save): the set of sources is the same, so it is a change,
      // not a rediscovery of every file.
      if (event === 'change' || (event === 'add' && this.entries.has(relative))) {
        // A change can only matter to a file that is already a source.
        if (!this.entries.has(relative)) return;
        this.pending.dirty.add(relative);
      } else if (event === 'unlink' && !this.running && !this.isSource(relative)) {
        // Not a source of the last build (and none is running that may make it one): its
        // removal changes no output. If it was added in this same window, as the temporary file
        // of a save by rename is, its add needs no rediscovery any more either.
        const causes = this.rediscoverCauses(this.pending);
        if (causes.added.delete(relative)) this.pending.dirty.delete(relative);
        this.pending.rediscover = causes.other || causes.added.size > 0;
      } else {
        // add / unlink / addDir / unlinkDir: the globs decide what is a source now.
        const causes = this.rediscoverCauses(this.pending);
        if (event === 'add') causes.added.add(relative);
        else causes.other = true;
        this.pending.rediscover = true;
        if (event === 'add' || event === 'unlink') this.pending.dirty.add(relative);
      }
    }
    this.schedule(this.options.debounceMs ?? DEBOUNCE_MS);
  }

  /** Why `pending` rediscovers: paths added that were not sources, or anything else. */
  private rediscoverCauses(pending: Pending): { added: Set<string>; other: boolean } {
    let causes = this.pendingCauses.get(pending);
    if (!causes) this.pendingCauses.set(pending, (causes = { added: new Set(), other: false }));
    return causes;
  }

  /** Whether the last build had this source (a set made once per discovery, only when asked). */
  private isSource(relative: string): boolean {
    if (this.sourceSet?.of !== this.sources) this.sourceSet = { of: this.sources, paths: new Set(this.sources.map((s) => s.path)) };
    return this.sourceSet.paths.has(relative);
  }

  private isConfigCandidate(absolute: string): boolean {
    const root = this.currentConfig?.root ?? path.resolve(this.options.cwd ?? process.cwd());
    if (this.options.configFile) return absolute === path.resolve(path.resolve(this.options.cwd ?? process.cwd()), this.options.configFile);
    return path.dirname(absolute) === root && (CONFIG_FILES as readonly string[]).includes(path.basename(absolute));
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // One build at a time: events during a build wait in `pending` and make one more.
      if (this.running) void this.running.then(() => this.schedule(0));
      else void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = { config: new Set(), dirty: new Set(), rediscover: false };
    if (pending.config.size === 0 && pending.dirty.size === 0 && !pending.rediscover) return;
    await this.exclusive(async () => {
      if (this.closed) return;
      let reason: BuildReason = 'change';
      let all = false;
      const configChanged = [...pending.config].map((p) => this.relative(p)).sort(compareCodeUnits);
      if (pending.config.size > 0) {
        try {
          if (this.currentConfig) this.configAttempt = await hashConfig(this.currentConfig);
          const config = await loadConfig({ ...this.options, cache: this.useCache });
          await this.applyConfig(config);
          this.configAttempt = this.configHash;
          this.emit('config:reload', { file: config.file, dependencies: config.dependencies, changed: configChanged });
          reason = 'config';
          all = true;
          this.addWatchPaths();
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          this.emit('config:error', { error, file: error.file });
          // The last good config keeps serving source edits.
          if (!this.currentConfig || (pending.dirty.size === 0 && !pending.rediscover)) return;
        }
      }
      if (!this.currentConfig) return;
      const changed = [...new Set([...configChanged, ...pending.dirty])].sort(compareCodeUnits);
      try {
        await this.run(reason, changed, { all, rediscover: all || pending.rediscover, dirty: pending.dirty });
      } catch (error) {
        this.emit('error', { error: error as Error, id: this.buildCount });
        // outDir's state is unknown after a failed write: the next write verifies it.
        this.lastOutput = undefined;
      }
    }).catch((error: Error) => this.emit('error', { error }));
    this.verifySoon(pending);
    this.scheduleSave();
  }

  /**
   * chokidar drops a second `change` of a file within 50 ms of the first (a save followed by a
   * format-on-save, or a truncate then a write). So once that window has passed, the files just
   * built are hashed again, and any that differ from what was built go round once more.
   */
  private verifySoon(pending: Pending): void {
    const sources = [...pending.dirty];
    const configFiles = pending.config.size > 0;
    if (this.closed || (sources.length === 0 && !configFiles)) return;
    const attempt = this.configAttempt;
    const timer = setTimeout(() => {
      void (async () => {
        if (this.closed || !this.currentConfig) return;
        let stale = false;
        for (const relative of sources) {
          const entry = this.entries.get(relative);
          let sha256 = '';
          try {
            sha256 = hash('sha256', await readFile(path.join(this.currentConfig.root, relative)), 'hex');
          } catch {
            sha256 = '';
          }
          // A source with other bytes than were built (entries without a hash were not read as text).
          if (entry && entry.sha256 !== '' && sha256 !== entry.sha256) {
            this.pending.dirty.add(relative);
            stale = true;
          }
        }
        // Compared with the bytes of the last attempt (a config that failed to load must not retry forever).
        if (configFiles && attempt === this.configAttempt && (await hashConfig(this.currentConfig)) !== attempt) {
          for (const dep of this.configDeps) this.pending.config.add(dep);
          stale = true;
        }
        if (stale) this.schedule(0);
      })().catch((error: Error) => this.emit('error', { error }));
    }, VERIFY_DELAY_MS);
    timer.unref?.();
  }

  /** After a config reload: watch what the new config adds (files it imports, source folders of new includes). */
  private addWatchPaths(): void {
    if (!this.watcher) return;
    const polling = this.options.usePolling ?? false;
    const freshSources = polling ? [] : this.sourceFolders().filter((p) => !this.watched.has(p));
    const freshOthers = (polling ? this.watchPaths() : this.configPaths()).filter((p) => !this.watched.has(p));
    for (const p of [...freshSources, ...freshOthers]) this.watched.add(p);
    // Folders already watched as part of another tree are skipped by the folder watcher.
    if (freshSources.length > 0) this.folderWatcher?.add(freshSources);
    if (freshOthers.length > 0) this.watcher.add(freshOthers);
  }
}

/** readRegularFile, or undefined where it throws: the pipeline reads such a file again to say why. */
function readOrUndefined(absolutePath: string, maxBytes: number): RegularFile | undefined {
  try {
    return readRegularFile(absolutePath, maxBytes);
  } catch {
    return undefined;
  }
}
