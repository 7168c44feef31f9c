/**
 * A one-shot build's agent files, written while the sources are still being analyzed: as soon
 * as every file before it (in discovery order) is analyzed, an agent is final, and its files
 * go to the output writer (which hands them to a thread, write.ts). Writing no longer waits for
 * the last source: in a cold 10k build, creating the 50,000 agent files overlaps the analysis.
 *
 * An agent is final when nothing after it can change it: the only check across files is
 * duplicate names (cross-check.ts), where the first file in discovery order keeps the name. So
 * agents are taken in that order, and a name seen before is left for the cross-check to reject
 * (a duplicate name is an error that cannot be lowered, so such a build writes nothing anyway).
 * A file with an error means the build will write nothing: from then on nothing is emitted early,
 * and the caller throws the writer away. The targets' reports wait for `finish` (see
 * streamTargets), so a build that fails before emitting reports what compiling first would. What is emitted here is never emitted again: the
 * caller finishes with `stream` (targets/index.ts streamTargets), which emits the rest.
 */
import { countErrors } from './diagnostics.js';
import { reportOnFile } from './compile.js';
import type { ResolvedConfig } from './config/schema.js';
import type { Agent } from './ir.js';
import type { AnalyzedFile } from './pipeline/analyze.js';
import { streamTargets, type TargetStream } from './targets/index.js';
import { withHash } from './targets/json.js';
import { MARKER_OUTPUT, openOutput, type OutputWriter } from './write.js';

export interface EarlyOutputOptions {
  /** How many sources there are (indexes given to `add` are below it). */
  count: number;
  outDir: string;
  config: ResolvedConfig;
  /** Whether outDir holds this agent's files as the last build wrote them (see OutputWriter.add `known`). */
  known?: (agent: Agent) => boolean;
  /** The agent of the source at `index` had its files handed to the writer (the builder may let its text go). */
  emitted?: (index: number, agent: Agent) => void;
}

export class EarlyOutput {
  /** Analyzed files not yet taken, by index. */
  private readonly waiting: (AnalyzedFile | undefined)[];
  /** Every file before this index has been taken. */
  private next = 0;
  private readonly names = new Set<string>();
  private opened?: Promise<{ writer: OutputWriter; stream: TargetStream } | undefined>;
  private output?: { writer: OutputWriter; stream: TargetStream };
  private stopped = false;
  /** Why writing early failed (outDir unreadable, a failed write): the build's to report if it has no errors. */
  error?: unknown;

  constructor(private readonly options: EarlyOutputOptions) {
    this.waiting = new Array(options.count);
  }

  /** The file at `index` (in discovery order) is analyzed. */
  async add(index: number, file: AnalyzedFile): Promise<void> {
    if (this.stopped) return;
    this.waiting[index] = file;
    this.opened ??= this.open();
    await this.opened;
    while (!this.stopped && this.waiting[this.next]) {
      const entry = this.waiting[this.next]!;
      this.waiting[this.next] = undefined;
      this.take(this.next++, entry);
    }
  }

  /**
   * The writer and the stream that hold this build's output so far, for the caller to finish
   * and commit (after checking `error`); undefined when nothing was added.
   */
  result(): { writer: OutputWriter; stream: TargetStream } | undefined {
    return this.output;
  }

  private take(index: number, entry: AnalyzedFile): void {
    if (countErrors([entry.file]) > 0) {
      this.stopped = true;
      return;
    }
    if (!entry.agent) return;
    const key = entry.agent.name.toLowerCase();
    if (this.names.has(key)) return;
    this.names.add(key);
    try {
      const agent = withHash(entry.agent);
      this.output!.stream.agent(agent, reportOnFile(entry.file, this.options.config));
      this.options.emitted?.(index, agent);
    } catch (error) {
      this.error = error;
      this.stopped = true;
    }
  }

  /** Throws away what was written. */
  async abort(): Promise<void> {
    this.stopped = true;
    const output = this.output ?? (await this.opened);
    this.output = undefined;
    await output?.writer.abort();
  }

  private async open(): Promise<{ writer: OutputWriter; stream: TargetStream } | undefined> {
    const { outDir, config, known } = this.options;
    try {
      const writer = await openOutput(outDir);
      writer.add(MARKER_OUTPUT);
      const stream = streamTargets(config, (file, agent) => writer.add(file, agent !== undefined && known?.(agent) === true));
      this.output = { writer, stream };
      return this.output;
    } catch (error) {
      this.error = error;
      this.stopped = true;
      return undefined;
    }
  }
}
