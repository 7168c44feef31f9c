/**
 * A one-shot build lets each source's text go once its agent's files are written. Held to the
 * end, the texts were the build's largest data (90 MB of sources at 10k agents are ~120 MB of
 * strings), copied into V8's old generation as they aged: a cold 10k build's peak RSS went
 * ~345 -> ~257 MB and its wall time ~7% down (README, Performance). What the build still needs
 * of a source after that is the lines its messages point at (code frames), kept here; its
 * agent's prompt and its text are emptied (plain assignments: with accessors instead, most of
 * the memory stayed, probably because redefining a property makes the object a dictionary).
 *
 * The build's result gives them back on demand, as an up-to-date build's does: `agents` and
 * `files` read the sources again when first asked for (checked against the sha256 the build
 * read), and `sourceLine` answers from the kept lines or the one source. A source changed since
 * the build cannot give its prompt back: reading `agents` then throws, saying so.
 */
import type { VFile } from 'vfile';
import type { BuildResult } from './build.js';
import { textIfUnchanged, type CacheEntry } from './cache.js';
import { defineLazy } from './util/memo.js';
import type { Agent } from './ir.js';
import type { AnalyzedFile } from './pipeline/analyze.js';
import { detachStrings, lineAt } from './util/text.js';

interface Released {
  entry: CacheEntry;
  file: VFile;
  /** The draft and the agent stamped from it: the same prompt. */
  agents: { prompt: string }[];
  absolutePath: string;
  restored: boolean;
}

export class ReleasedSources {
  private readonly released: Released[] = [];
  private readonly byPath = new Map<string, Released>();
  /** path -> line -> text, for the lines the sources' messages pointed at when let go. */
  private readonly lines = new Map<string, Map<number, string>>();

  /**
   * Empties the prompt of `analyzed`'s agent (its draft, also `entry.agent`, and `agent`, the
   * same stamped with its hash) and the file's text, keeping the lines its messages point at;
   * the entry takes the form the persistent cache stores (the prompt's length, no text).
   * Nothing happens for a source without an agent or not read as text.
   */
  release(entry: CacheEntry, analyzed: AnalyzedFile, agent: Agent, absolutePath: string): void {
    const text = analyzed.file.value;
    const draft = entry.agent;
    if (typeof text !== 'string' || !draft || analyzed.agent !== draft || entry.sha256 === '' || entry.promptLength !== undefined) return;
    for (const message of analyzed.file.messages) {
      if (typeof message.line !== 'number') continue;
      let lines = this.lines.get(entry.path);
      if (!lines) this.lines.set(entry.path, (lines = new Map()));
      // Copied: a slice of the text would keep all of it.
      const line = lineAt(text, message.line);
      if (line !== undefined && !lines.has(message.line)) lines.set(message.line, detachStrings(line));
    }
    entry.promptLength = draft.prompt.length;
    delete entry.value;
    draft.prompt = '';
    agent.prompt = '';
    // No text, as a VFile made without one has (vfile's type says a value is always there).
    (analyzed.file as { value: unknown }).value = undefined;
    const released: Released = { entry, file: analyzed.file, agents: [draft, agent], absolutePath, restored: false };
    this.released.push(released);
    this.byPath.set(entry.path, released);
  }

  /**
   * Gives every prompt and text back from the sources. `strict`: throw when a source's bytes
   * changed since the build (its agent would have no prompt); else that file keeps no text.
   */
  private restore(strict: boolean): void {
    for (const released of this.released) {
      if (released.restored) continue;
      const text = readBack(released);
      if (text === undefined) {
        if (strict) throw new Error(`${released.entry.path} changed after the build, which let its text go once its files were written: its agent's prompt cannot be read back (build again)`);
        continue;
      }
      const prompt = text.slice(text.length - released.entry.promptLength!);
      for (const agent of released.agents) agent.prompt = prompt;
      released.file.value = text;
      released.restored = true;
    }
  }

  /**
   * Makes the build's result give back what was let go: `agents` and `files` (the ones the
   * build made, in it now) restored on first access, `sourceLine` for code frames. False, and
   * the result as it was, when nothing was let go.
   */
  giveBackThrough(result: BuildResult): boolean {
    if (this.released.length === 0) return false;
    const { agents, files } = result;
    defineLazy(result, 'agents', () => (this.restore(true), agents));
    defineLazy(result, 'files', () => (this.restore(false), files));
    // A source not let go (one with an error stops writing early) still has its text.
    let filesByPath: Map<string, VFile> | undefined;
    result.sourceLine = (path, line) => {
      const kept = this.sourceLine(path, line);
      if (kept !== undefined) return kept;
      const value = (filesByPath ??= new Map(files.map((file) => [file.path, file]))).get(path)?.value;
      return typeof value === 'string' ? lineAt(value, line) : undefined;
    };
    return true;
  }

  /** A line of a source let go (undefined for any other source, or a line not there). */
  private sourceLine(path: string, line: number): string | undefined {
    const kept = this.lines.get(path)?.get(line);
    if (kept !== undefined) return kept;
    const released = this.byPath.get(path);
    if (!released) return undefined;
    const text = typeof released.file.value === 'string' ? released.file.value : readBack(released);
    return text === undefined ? undefined : lineAt(text, line);
  }
}

function readBack(released: Released): string | undefined {
  return textIfUnchanged(released.absolutePath, released.entry.sha256);
}
