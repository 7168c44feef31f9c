/**
 * Write-behind for the output writer (write.ts): files are handed to a worker thread that
 * creates them while the main thread goes on making the next ones. In a cold 10k build the
 * kernel's side of creating 60,000 files (open, copy into the page cache, close) was 2.8 s of
 * the main thread's time, with the targets' own work (~1.5 s) waiting behind it; the two now
 * overlap on two cores.
 *
 * The emit loop is synchronous (targets hand files to a sink one by one), so the queue is a
 * ring in a SharedArrayBuffer with Atomics, not messages: a message is only delivered when the
 * main thread's event loop turns, and a full queue must make the producer wait (memory stays
 * bounded by the ring). Text is encoded into the ring in C++ (Buffer#write), so nothing is
 * copied twice and no Buffer is made per file.
 *
 * A record is three int32 (kind, path bytes, data bytes), the UTF-8 path, the data, padded to
 * 4 bytes. Only the producer moves `head`, only the worker moves `tail`; `used` (bytes in the
 * ring, padding included) is what both read and change, atomically.
 *
 * Each side sleeps only when it must and is woken only when it can go on for a while: the
 * worker on an empty ring, woken by the record that ends that; the producer on a full ring,
 * woken once the ring has drained to `wakeAt`, half of it (or empty, for flush). Waking the
 * producer at every record instead (it then wrote one file and slept again) made ~35,000 waits
 * and ~65,000 wake-ups in a cold 10k build (counted under strace; ~10,000 futex calls in all now).
 */
import { Worker } from 'node:worker_threads';
import { chunkSize, type OutputChunk } from './targets/types.js';

export interface WriteBehind {
  /**
   * Queues a file to be written (its folder must exist); text is written as UTF-8. A file too
   * large for one record goes in parts, appended in order (the manifest, the SDK modules: the
   * main thread then neither allocates their bytes nor waits for the kernel to take them).
   */
  write(target: string, contents: string | readonly OutputChunk[]): void;
  /**
   * Queues a file whose pieces are made as they are read (OutputFile.stream), in parts of at most
   * a quarter of the ring, each made, written into the ring and let go before the next.
   */
  writeStream(target: string, pieces: Iterable<OutputChunk>): void;
  /** Returns once every queued file is written; throws the first write's error. */
  flush(): void;
  /** Stops the worker (what is queued and not yet written is dropped). Safe to call twice. */
  close(): void;
  /** How many times the producer slept waiting for room or for flush (each until half the ring was free, or all of it). */
  readonly sleeps: number;
}

const RECORD_FILE = 1;
/** The rest of the ring is padding; the next record is at offset 0. */
const RECORD_WRAP = 2;
/** The next part of the file of the record before it: appended. */
const RECORD_APPEND = 3;
const HEADER_BYTES = 12;

// Control words (Int32Array over the first CONTROL_BYTES of the buffer).
const USED = 0;
const STATE = 1;
/** Records the worker has finished: how a waiting producer tells slow from stuck. */
const DONE = 2;
const ERROR_BYTES = 3;
/** While the producer sleeps: the fill (`used`) at or below which the worker wakes it; else -1. */
const WAKE_AT = 4;
const CONTROL_WORDS = 5;
const CONTROL_BYTES = CONTROL_WORDS * 4;
/** Room for the first error's message, after the control words. */
const ERROR_ROOM = 4096;

const RUNNING = 0;
const STOP = 1;
const FAILED = 2;
const STOPPED = 3;

/** 4 MB: ~400 agent files in flight at most; a file over half of it goes in parts. */
export const DEFAULT_RING_BYTES = 4 << 20;
/** A worker that finishes no record in this long while the producer waits is taken as gone. */
const STALL_MS = 60_000;

export class WriteBehindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteBehindError';
  }
}

function recordBytes(pathBytes: number, dataBytes: number): number {
  return (HEADER_BYTES + pathBytes + dataBytes + 3) & ~3;
}

export function startWriteBehind(ringBytes = DEFAULT_RING_BYTES): WriteBehind {
  const shared = new SharedArrayBuffer(CONTROL_BYTES + ERROR_ROOM + ringBytes);
  const control = new Int32Array(shared, 0, CONTROL_WORDS);
  control[WAKE_AT] = -1;
  const ringStart = CONTROL_BYTES + ERROR_ROOM;
  const ring = Buffer.from(shared, ringStart, ringBytes);
  const header = new Int32Array(shared, ringStart, ringBytes / 4);
  // It allocates almost nothing (each path's string): a small young generation is enough.
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared, ringStart, ringBytes }, resourceLimits: { maxYoungGenerationSizeMb: 1 } });
  // The build never waits for the worker's exit event; it must not keep the process alive.
  worker.unref();
  // A worker that cannot start never finishes a record: the producer's wait reports that.
  worker.on('error', () => {});
  let head = 0;
  let closed = false;
  let sleeps = 0;

  const failure = (): WriteBehindError => {
    const message = Buffer.from(shared, CONTROL_BYTES, Atomics.load(control, ERROR_BYTES)).toString('utf8');
    return new WriteBehindError(message);
  };
  /**
   * Waits until the ring holds at most `most` bytes, throwing the worker's error, or a stall
   * when it stops finishing records. Once asleep it waits until the ring is down to `wakeAt`
   * (at most `most`): one wake-up per half ring drained, not one per record.
   */
  const waitFor = (most: number, wakeAt = most): void => {
    let done = Atomics.load(control, DONE);
    let since = Date.now();
    let slept = false;
    for (;;) {
      if (Atomics.load(control, STATE) === FAILED) throw failure();
      // WAKE_AT before `used` is read: a record finished after this read changes `used`, so
      // the wait below returns at once; one finished later sees WAKE_AT and wakes it.
      Atomics.store(control, WAKE_AT, wakeAt);
      const used = Atomics.load(control, USED);
      if (used <= (slept ? wakeAt : most)) break;
      if (!slept) {
        slept = true;
        sleeps++;
      }
      Atomics.wait(control, USED, used, 50);
      const now = Atomics.load(control, DONE);
      if (now !== done) {
        done = now;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        Atomics.store(control, WAKE_AT, -1);
        throw new WriteBehindError(`the file writer thread wrote nothing for ${STALL_MS / 1000} s`);
      }
    }
    Atomics.store(control, WAKE_AT, -1);
    if (Atomics.load(control, STATE) === FAILED) throw failure();
  };
  /**
   * Room for a record of at most `bytes` at head (wrapping to 0 first when they may not fit
   * before the end); its offset. Head moves when the record is written (`publish`).
   */
  const reserve = (bytes: number): number => {
    const tailRoom = ringBytes - head;
    const wrap = bytes > tailRoom;
    const needed = wrap ? bytes + tailRoom : bytes;
    if (ringBytes - Atomics.load(control, USED) < needed) waitFor(ringBytes - needed, Math.min(ringBytes - needed, ringBytes >> 1));
    if (wrap) {
      if (tailRoom >= 4) header[head / 4] = RECORD_WRAP;
      // Padding counts as used until the worker skips it (and may end an empty ring, see publish).
      if (Atomics.add(control, USED, tailRoom) === 0) Atomics.notify(control, USED);
      head = 0;
    }
    return head;
  };
  /** Hands the record written at head to the worker. */
  const publish = (bytes: number): void => {
    head = (head + bytes) % ringBytes;
    // The worker sleeps only on an empty ring: wake it when this record ends that, not per file
    // (a wake-up per file was ~60,000 context switches in a 10k build).
    if (Atomics.add(control, USED, bytes) === 0) Atomics.notify(control, USED);
  };

  /** Queues one record of `kind`; false, and nothing queued, when it would take more than half the ring. */
  const queue = (kind: number, target: string, contents: readonly OutputChunk[]): boolean => {
    if (closed) throw new Error('the write-behind queue is closed');
    if (Atomics.load(control, STATE) === FAILED) throw failure();
    // Text is reserved by its largest UTF-8 size (3 bytes per UTF-16 unit) and encoded
    // straight in: measuring it first (Buffer.byteLength) was a second pass over every file
    // (36,000 writes through the ring alone: ~245 -> ~170 ms). Only text that may not fit is
    // measured.
    let pathBytes = target.length * 3;
    let dataBytes = 0;
    for (const chunk of contents) dataBytes += typeof chunk === 'string' ? chunk.length * 3 : chunk.length;
    let bytes = recordBytes(pathBytes, dataBytes);
    if (bytes > ringBytes / 2) {
      pathBytes = Buffer.byteLength(target);
      dataBytes = 0;
      for (const chunk of contents) dataBytes += chunkSize(chunk);
      bytes = recordBytes(pathBytes, dataBytes);
    }
    // At most half the ring: a record that must wrap then always finds room once the ring drains.
    if (bytes > ringBytes / 2) return false;
    const at = reserve(bytes);
    pathBytes = ring.write(target, at + HEADER_BYTES, pathBytes, 'utf8');
    const dataStart = at + HEADER_BYTES + pathBytes;
    let offset = dataStart;
    for (const chunk of contents) {
      if (typeof chunk === 'string') offset += ring.write(chunk, offset, dataStart + dataBytes - offset, 'utf8');
      else {
        ring.set(chunk, offset);
        offset += chunk.length;
      }
    }
    dataBytes = offset - dataStart;
    header[at / 4] = kind;
    header[at / 4 + 1] = pathBytes;
    header[at / 4 + 2] = dataBytes;
    publish(recordBytes(pathBytes, dataBytes));
    return true;
  };

  /** Queues a file's pieces in parts (see WriteBehind.writeStream); `write` is this over the whole file. */
  const writeStream = (target: string, pieces: Iterable<OutputChunk>): void => {
    // Parts of at most a quarter of the ring (a record may take half): a file that fits is one record.
    const limit = ringBytes / 4;
    let kind = RECORD_FILE;
    const put = (part: readonly OutputChunk[]) => {
      // A part holds whole pieces, so only one piece larger than the ring allows needs cutting.
      if (!queue(kind, target, part)) {
        for (const cut of partsOf(part, limit)) {
          if (!queue(kind, target, cut)) throw new Error(`write-behind: a part of ${target} does not fit the ring`);
          kind = RECORD_APPEND;
        }
      }
      kind = RECORD_APPEND;
    };
    let part: OutputChunk[] = [];
    let bytes = 0;
    for (const piece of pieces) {
      // Sized as queue() sizes them before measuring: 3 bytes per UTF-16 unit at most.
      const size = typeof piece === 'string' ? piece.length * 3 : piece.length;
      if (part.length > 0 && bytes + size > limit) {
        put(part);
        part = [];
        bytes = 0;
      }
      part.push(piece);
      bytes += size;
    }
    // The last part, or the empty file's only record.
    if (part.length > 0 || kind === RECORD_FILE) put(part);
  };

  return {
    get sleeps() {
      return sleeps;
    },
    write(target, contents) {
      writeStream(target, typeof contents === 'string' ? [contents] : contents);
    },
    writeStream,
    flush() {
      waitFor(0);
    },
    close() {
      if (closed) return;
      closed = true;
      if (Atomics.compareExchange(control, STATE, RUNNING, STOP) === RUNNING) Atomics.notify(control, USED);
      // The worker stops between records; wait for that, so no write lands after close().
      const deadline = Date.now() + STALL_MS;
      while (Atomics.load(control, STATE) === STOP && Date.now() < deadline) Atomics.wait(control, STATE, STOP, 50);
      void worker.terminate();
    },
  };
}

/**
 * A file's contents in parts of at most `limit` bytes of UTF-8: text by `limit / 3` code units
 * (never cutting a surrogate pair, whose halves would each be written as U+FFFD), pieces by
 * bytes (a piece larger than the rest of a part is cut; a text piece counts 3 bytes per unit).
 */
export function partsOf(contents: string, limit: number): Generator<string>;
export function partsOf(contents: readonly OutputChunk[], limit: number): Generator<OutputChunk[]>;
export function* partsOf(contents: string | readonly OutputChunk[], limit: number): Generator<string | OutputChunk[]> {
  const units = Math.max(1, Math.floor(limit / 3));
  if (typeof contents === 'string') {
    for (let start = 0; start < contents.length; ) {
      const end = textCut(contents, start, units);
      yield contents.slice(start, end);
      start = end;
    }
    return;
  }
  let part: OutputChunk[] = [];
  let bytes = 0;
  for (const chunk of contents) {
    if (typeof chunk === 'string') {
      for (let at = 0; at < chunk.length; ) {
        let end = textCut(chunk, at, Math.floor((limit - bytes) / 3));
        // Nothing fits the rest of this part, or only half of a pair: on in the next part.
        if (end === at || (end === at + 1 && end < chunk.length && isHighSurrogate(chunk.charCodeAt(at)))) {
          if (part.length > 0) {
            yield part;
            part = [];
            bytes = 0;
          }
          end = textCut(chunk, at, units);
        }
        part.push(at === 0 && end === chunk.length ? chunk : chunk.slice(at, end));
        bytes += (end - at) * 3;
        at = end;
      }
      continue;
    }
    for (let at = 0; at < chunk.length; ) {
      if (bytes === limit) {
        yield part;
        part = [];
        bytes = 0;
      }
      const take = Math.min(chunk.length - at, limit - bytes);
      part.push(take === chunk.length ? chunk : chunk.subarray(at, at + take));
      bytes += take;
      at += take;
    }
  }
  if (part.length > 0) yield part;
}

/** Where a slice of `text` from `start` of at most `units` code units ends: not between the halves of a surrogate pair, unless the slice is that one unit. */
function textCut(text: string, start: number, units: number): number {
  let end = Math.min(start + units, text.length);
  if (end < text.length && end - start > 1 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return end;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The worker, as source text (an eval worker: the same code runs from src/ under the test
 * runner and from lib/, with no file to locate). It takes records in order until told to stop,
 * and on the first error records the message and stops.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { openSync, writeSync, closeSync } = require('node:fs');
const { shared, ringStart, ringBytes } = workerData;
const control = new Int32Array(shared, 0, ${CONTROL_WORDS});
const ring = Buffer.from(shared, ringStart, ringBytes);
const header = new Int32Array(shared, ringStart, ringBytes / 4);
let tail = 0;
// Wakes the producer only when it sleeps and the ring is down to where it asked to be woken.
function drained(bytes) {
  const used = Atomics.sub(control, ${USED}, bytes) - bytes;
  const wakeAt = Atomics.load(control, ${WAKE_AT});
  if (wakeAt >= 0 && used <= wakeAt) Atomics.notify(control, ${USED});
}
try {
  for (;;) {
    if (Atomics.load(control, ${STATE}) !== ${RUNNING}) break;
    if (Atomics.load(control, ${USED}) === 0) {
      Atomics.wait(control, ${USED}, 0, 1000);
      continue;
    }
    const room = ringBytes - tail;
    if (room < ${HEADER_BYTES} || header[tail / 4] === ${RECORD_WRAP}) {
      tail = 0;
      drained(room);
      continue;
    }
    const pathBytes = header[tail / 4 + 1];
    const dataBytes = header[tail / 4 + 2];
    const start = tail + ${HEADER_BYTES};
    const target = ring.toString('utf8', start, start + pathBytes);
    const fd = openSync(target, header[tail / 4] === ${RECORD_APPEND} ? 'a' : 'w');
    try {
      let written = 0;
      const dataStart = start + pathBytes;
      while (written < dataBytes) written += writeSync(fd, ring, dataStart + written, dataBytes - written);
    } finally {
      closeSync(fd);
    }
    const bytes = (${HEADER_BYTES} + pathBytes + dataBytes + 3) & ~3;
    tail = (tail + bytes) % ringBytes;
    Atomics.add(control, ${DONE}, 1);
    drained(bytes);
  }
  Atomics.store(control, ${STATE}, ${STOPPED});
} catch (error) {
  const message = Buffer.from(String(error && error.message || error), 'utf8').subarray(0, ${ERROR_ROOM});
  message.copy(Buffer.from(shared, ${CONTROL_BYTES}, ${ERROR_ROOM}));
  Atomics.store(control, ${ERROR_BYTES}, message.length);
  Atomics.store(control, ${STATE}, ${FAILED});
}
Atomics.notify(control, ${USED});
Atomics.notify(control, ${STATE});
`;
