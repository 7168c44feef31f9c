import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import type { RuleId } from '../rules.js';
import { isRetaining } from '../util/memo.js';

/** One file a target emits, path relative to outDir (posix). */
export interface OutputFile {
  path: string;
  contents: string;
  /**
   * The same text in pieces, in order, when the target has them ready: writers write them as
   * they are instead of `contents` (which such a file makes only when read). manifest.json is
   * assembled from per-agent UTF-8 pieces this way: making and encoding its megabytes of text
   * again on every watch rebuild was most of an edit's cost at 10,000 agents. The index and SDK
   * modules (see textPieces) and each agent's files are text pieces.
   */
  chunks?: readonly OutputChunk[];
  /**
   * The same pieces, made one by one as they are read (each call starts again), when the
   * target makes them on demand: a one-shot build writes the index and SDK modules of 10,000
   * agents this way, so no megabytes of their text outlive being written (see outputFromStream).
   * Readers that want the pieces all at once use `chunks`, which such a file makes when read.
   */
  stream?: () => Iterable<OutputChunk>;
}

/**
 * A piece of a file: UTF-8 bytes, or text (written as UTF-8; a file's text pieces never split
 * a surrogate pair, so each encodes on its own).
 */
export type OutputChunk = Uint8Array | string;

/** A piece's bytes. */
export function chunkBytes(chunk: OutputChunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** A piece's size in bytes, without encoding it. */
export function chunkSize(chunk: OutputChunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
}

/** What a writer puts on disk for this file, in one piece. */
export function encodeOutput(file: OutputFile): Uint8Array {
  return file.chunks ? Buffer.concat(file.chunks.map(chunkBytes)) : Buffer.from(file.contents);
}

/** The file's size in bytes, without encoding it. */
export function outputSize(file: OutputFile): number {
  if (!file.chunks) return Buffer.byteLength(file.contents);
  let size = 0;
  for (const chunk of file.chunks) size += chunkSize(chunk);
  return size;
}

/** Whether two emitted files hold the same bytes, compared piece by piece when both are in pieces. */
export function sameOutput(a: OutputFile, b: OutputFile): boolean {
  if (a === b) return true;
  if (a.chunks === undefined && b.chunks === undefined) return a.contents === b.contents;
  if (a.chunks && b.chunks && a.chunks.length === b.chunks.length && a.chunks.every((chunk, i) => sameChunk(chunk, b.chunks![i]!))) return true;
  return Buffer.compare(encodeOutput(a), encodeOutput(b)) === 0;
}

function sameChunk(a: OutputChunk, b: OutputChunk): boolean {
  // Unchanged pieces are the same (memoized) objects or equal strings: mostly pointer comparisons.
  if (a === b) return true;
  // Text against other text or bytes: the whole files are compared instead.
  if (typeof a === 'string' || typeof b === 'string') return false;
  return Buffer.compare(a, b) === 0;
}

/**
 * A file given in pieces; its `contents` is made on first read. `chunks` is not enumerable, so
 * the file compares, spreads and serializes like one given as text.
 */
export function outputFromChunks(path: string, chunks: readonly OutputChunk[]): OutputFile {
  // One shared getter, no closure per file: with a getter in an object literal (a closure over
  // the pieces) the pieces of every agent's files outlived V8's young generation (promoted
  // ~100 -> ~220 MB in a cold 10k build).
  return Object.defineProperties({ path } as OutputFile, {
    contents: { get: joinedContents, enumerable: true, configurable: true },
    chunks: { value: chunks },
  });
}

/**
 * A file whose pieces `stream` makes as they are read; its `chunks` and `contents` are made on
 * first read (and kept). Writing it through the writer thread never holds more than a part of
 * it: at 10k agents the index and SDK modules (~12 MB of text, made at the end of a build)
 * otherwise lived long enough for V8 to move them to its old generation, copying them into
 * fresh memory (see "Measuring on this machine" in the README for what that costs here).
 */
export function outputFromStream(path: string, stream: () => Iterable<OutputChunk>): OutputFile {
  return Object.defineProperties({ path } as OutputFile, {
    contents: { get: joinedContents, enumerable: true, configurable: true },
    chunks: { get: streamedChunks, configurable: true },
    stream: { value: stream },
  });
}

const streamedPieces = new WeakMap<OutputFile, readonly OutputChunk[]>();
function streamedChunks(this: OutputFile): readonly OutputChunk[] {
  let chunks = streamedPieces.get(this);
  if (chunks === undefined) {
    chunks = Array.from(this.stream!());
    streamedPieces.set(this, chunks);
  }
  return chunks;
}

/** The text of a file given in pieces, made on first read and kept. */
const joinedTexts = new WeakMap<OutputFile, string>();
function joinedContents(this: OutputFile): string {
  let text = joinedTexts.get(this);
  if (text === undefined) {
    const chunks = this.chunks!;
    text = chunks.every((chunk) => typeof chunk === 'string') ? chunks.join('') : Buffer.concat(chunks.map(chunkBytes)).toString('utf8');
    joinedTexts.set(this, text);
  }
  return text;
}

/**
 * A file's UTF-8 pieces made of a list: `head`, each item's piece with `separator` between them,
 * `tail`. Large lists of per-item text (the manifest's entries, inlined SDK definitions) are
 * written as these pieces, never joined into one string.
 */
export function listChunks(head: string, items: readonly Uint8Array[], separator: Uint8Array, tail: string): Uint8Array[] {
  const chunks: Uint8Array[] = [Buffer.from(head)];
  items.forEach((item, i) => {
    if (i > 0) chunks.push(separator);
    chunks.push(item);
  });
  chunks.push(Buffer.from(tail));
  return chunks;
}

/**
 * Text made of many small texts (a line per agent), as pieces of about PIECE_UNITS code units
 * each, every piece one flat string: the index and SDK modules of 10,000 agents are megabytes,
 * and made as one string (a join, then flattening the template around it) each was copied
 * twice into fresh memory, whose page faults were most of the end of a cold build here.
 * Pieces this size stay in V8's young generation and are encoded straight into the writer's
 * ring. Concatenated, the pieces are the texts, in order (one empty piece for no text).
 */
export function textPieces(texts: Iterable<string>): string[] {
  const pieces = Array.from(pieceStream(texts));
  return pieces.length === 0 ? [''] : pieces;
}

/**
 * A file made of many small texts (a line per agent): in pieces (textPieces) that a caller may
 * keep, or, in a one-shot build (nothing retained, see util/memo.ts), made as it is written
 * (outputFromStream over pieceStream). `lines` may be called more than once.
 */
export function outputFromLines(path: string, lines: () => Iterable<string>): OutputFile {
  return isRetaining() ? outputFromChunks(path, textPieces(lines())) : outputFromStream(path, () => pieceStream(lines()));
}

/** textPieces' pieces, each made when it is read: only the texts of one piece are held at a time. */
export function* pieceStream(texts: Iterable<string>): Generator<string> {
  let group: string[] = [];
  let units = 0;
  for (const text of texts) {
    group.push(text);
    units += text.length;
    if (units >= PIECE_UNITS) {
      yield group.join('');
      group = [];
      units = 0;
    }
  }
  if (group.length > 0) yield group.join('');
}
const PIECE_UNITS = 16 * 1024;

/** A copy of a file for a caller to keep (a spread would decode a file given in pieces, and drop them). */
export function copyOutput(file: OutputFile): OutputFile {
  if (file.stream) return outputFromStream(file.path, file.stream);
  return file.chunks ? outputFromChunks(file.path, file.chunks) : { ...file };
}

/**
 * Reports a diagnostic about one agent from a target. It lands on the agent's source file, at
 * the position of `field` when given (else the agent's `name`), with the configured severity.
 */
export type TargetReport = (agent: Agent, ruleId: RuleId, message: string, field?: string) => void;

export interface EmitContext {
  config: ResolvedConfig;
  /** Targets report through this; they never print or throw for an agent's content. */
  report: TargetReport;
}

/** An entry of the generated package.json `exports` map. */
export type PackageExport = string | { [condition: string]: PackageExport };

/** A target turns the compiled agents into files. Pure: no I/O, same input, same bytes. */
export interface Target {
  name: string;
  emit(agents: readonly Agent[], context: EmitContext): OutputFile[];
  /**
   * Optional, both or neither: the same output as `emit`, in two parts. `emitAgent` gives the
   * files that depend on that one agent alone; `emitShared` the files that depend on several
   * (indexes, manifests). With them a build writes each agent's files and lets them go, so its
   * memory does not grow with its output.
   */
  emitAgent?(agent: Agent, context: EmitContext): OutputFile[];
  emitShared?(agents: readonly Agent[], context: EmitContext): OutputFile[];
  /** What the target adds to the generated package's `exports` (subpath -> entry). */
  exports?(agents: readonly Agent[]): Record<string, PackageExport>;
}
