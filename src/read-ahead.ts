/**
 * Read-ahead for a build that reads many sources: a worker thread stats, reads and hashes the
 * files, in the order the build will ask for them, into a ring in a SharedArrayBuffer; the build
 * takes each file from there instead of doing that work itself. At 10k sources the main thread
 * spent ~0.6 s in stat, open, read and close (page cache hits, ~60 µs a file here) and ~0.2 s
 * hashing. System calls and hashing keep nothing, so they run in parallel on this machine; the
 * analysis proper, which keeps what it makes, stays on the main thread (see the README's
 * Performance section).
 *
 * It only ever saves work, and the caller never waits for it: a file the worker has not read
 * yet, or did not read as a whole regular file (missing, a folder, too large, too large for the
 * ring, changed size while read), is left to the caller's own read, and so is every file after
 * the caller asks out of order. A record: int32 status, int32 byte count, float64 mtimeMs, the
 * sha256 (32 bytes), the file's bytes, padded to 8.
 */
import { Worker } from 'node:worker_threads';

export interface ReadAhead {
  /**
   * The next file's stat and bytes, or undefined when the caller must read it itself. Files
   * must be asked for in the order given to startReadAhead.
   */
  take(absolutePath: string): { size: number; mtimeMs: number; bytes: Buffer; sha256: string } | undefined;
  /** Whether the next file's record is already in the ring (`take` would not leave it to the caller). */
  ready(): boolean;
  /** Stops the worker; later `take`s return undefined. Safe to call twice. */
  close(): void;
}

const READ = 1;
/** Not read (see above): the caller reads it. */
const SKIPPED = 2;
const WRAP = 3;
/** status, byte count, mtimeMs, the bytes' sha256. */
const HEADER_BYTES = 48;
const SHA256_AT = 16;

const USED = 0;
const STATE = 1;
/** 1 while the worker waits for room (see release). */
const SLEEPING = 2;
const CONTROL_WORDS = 4;
const CONTROL_BYTES = 16;

const RUNNING = 0;
const STOP = 1;

export const DEFAULT_READ_RING_BYTES = 2 << 20;
/** The caller has read this many files itself while the worker lagged: it is not keeping up, stop it. */
const MAX_BEHIND = 1024;

export interface ReadAheadOptions {
  ringBytes?: number;
}

export function startReadAhead(paths: readonly string[], maxFileBytes: number, options: ReadAheadOptions = {}): ReadAhead {
  const ringBytes = options.ringBytes ?? DEFAULT_READ_RING_BYTES;
  const shared = new SharedArrayBuffer(CONTROL_BYTES + ringBytes);
  const control = new Int32Array(shared, 0, CONTROL_WORDS);
  const ring = Buffer.from(shared, CONTROL_BYTES, ringBytes);
  const words = new Int32Array(shared, CONTROL_BYTES, ringBytes / 4);
  const doubles = new Float64Array(shared, CONTROL_BYTES, ringBytes / 8);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { shared, paths, maxFileBytes, ringBytes },
    // What it makes is garbage at once (the file's bytes live in the ring): a small young
    // generation keeps its memory small (peak RSS is a target, and touching memory is slow here).
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  worker.on('error', () => {});
  /** Files asked for so far, and records taken from the ring (the worker writes one per file, in order). */
  let asked = 0;
  let taken = 0;
  let tail = 0;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    Atomics.store(control, STATE, STOP);
    Atomics.notify(control, USED);
    void worker.terminate();
  };
  const release = (bytes: number): void => {
    tail = (tail + bytes) % ringBytes;
    // The worker sleeps only on a full ring, saying so first: wake it then, not per file.
    Atomics.sub(control, USED, bytes);
    if (Atomics.load(control, SLEEPING) === 1) Atomics.notify(control, USED);
  };
  /** Whether the next record is in the ring (past a wrap marker, which is skipped); never waits. */
  const nextReady = (): boolean => {
    for (;;) {
      if (Atomics.load(control, USED) === 0) return false;
      if (words[tail / 4] !== WRAP) return true;
      release(ringBytes - tail);
    }
  };
  const recordBytes = (): number => (words[tail / 4] === READ ? (HEADER_BYTES + words[tail / 4 + 1]! + 7) & ~7 : HEADER_BYTES);

  return {
    take(absolutePath) {
      if (closed) return undefined;
      if (paths[asked] !== absolutePath) {
        // Out of order: this and every later file are the caller's.
        close();
        return undefined;
      }
      const position = asked++;
      // Records of files the caller read itself (the worker was behind): drop the ones here by now.
      while (taken < position && nextReady()) {
        release(recordBytes());
        taken++;
      }
      // The caller never waits for the worker (it starts ~90 ms after the build asks for the
      // first file, here): while it is behind, the caller reads for itself.
      if (taken < position || !nextReady()) {
        if (position + 1 - taken > MAX_BEHIND) close();
        return undefined;
      }
      const status = words[tail / 4]!;
      const size = words[tail / 4 + 1]!;
      const mtimeMs = doubles[tail / 8 + 1]!;
      // Copied out: the ring's bytes are reused once released.
      let bytes: Buffer | undefined;
      let sha256 = '';
      if (status === READ) {
        // Not Buffer.from(view): that zero-fills before copying.
        bytes = Buffer.allocUnsafe(size);
        ring.copy(bytes, 0, tail + HEADER_BYTES, tail + HEADER_BYTES + size);
        sha256 = ring.toString('hex', tail + SHA256_AT, tail + SHA256_AT + 32);
      }
      release(recordBytes());
      taken++;
      if (asked === paths.length) close();
      if (!bytes) return undefined;
      return { size, mtimeMs, bytes, sha256 };
    },
    ready: () => !closed && taken === asked && nextReady(),
    close,
  };
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { statSync, openSync, readSync, closeSync } = require('node:fs');
const { hash } = require('node:crypto');
const { shared, paths, maxFileBytes, ringBytes } = workerData;
const control = new Int32Array(shared, 0, ${CONTROL_WORDS});
const ring = Buffer.from(shared, ${CONTROL_BYTES}, ringBytes);
const words = new Int32Array(shared, ${CONTROL_BYTES}, ringBytes / 4);
const doubles = new Float64Array(shared, ${CONTROL_BYTES}, ringBytes / 8);
let head = 0;
const probe = Buffer.alloc(1);
const running = () => Atomics.load(control, ${STATE}) === ${RUNNING};
/** Waits for room for a record of \`bytes\` at head (after a wrap when it does not fit before the end). */
function reserve(bytes) {
  for (;;) {
    if (!running()) return -1;
    const room = ringBytes - head;
    const wrap = bytes > room;
    const needed = wrap ? bytes + room : bytes;
    const used = Atomics.load(control, ${USED});
    if (ringBytes - used >= needed) {
      if (wrap) {
        words[head / 4] = ${WRAP};
        head = 0;
        if (Atomics.add(control, ${USED}, room) === 0) Atomics.notify(control, ${USED});
      }
      return head;
    }
    Atomics.store(control, ${SLEEPING}, 1);
    // Room made between the load above and here changes USED: then wait returns at once.
    Atomics.wait(control, ${USED}, used, 1000);
    Atomics.store(control, ${SLEEPING}, 0);
  }
}
function publish(at, bytes) {
  head = (at + bytes) % ringBytes;
  if (Atomics.add(control, ${USED}, bytes) === 0) Atomics.notify(control, ${USED});
}
try {
  for (const file of paths) {
    let size = -1;
    let mtimeMs = 0;
    try {
      const info = statSync(file);
      if (info.isFile() && info.size <= maxFileBytes) {
        size = info.size;
        mtimeMs = info.mtimeMs;
      }
    } catch {}
    const bytes = size >= 0 ? (${HEADER_BYTES} + size + 7) & ~7 : ${HEADER_BYTES};
    if (bytes > ringBytes / 2) size = -1;
    const at = reserve(size >= 0 ? bytes : ${HEADER_BYTES});
    if (at < 0) break;
    let status = ${SKIPPED};
    if (size >= 0) {
      try {
        const fd = openSync(file, 'r');
        try {
          let got = 0;
          while (got < size) {
            const n = readSync(fd, ring, at + ${HEADER_BYTES} + got, size - got, null);
            if (n === 0) break;
            got += n;
          }
          // A file that shrank or grew since stat: the caller reads it again.
          if (got === size && readSync(fd, probe, 0, 1, null) === 0) status = ${READ};
        } finally {
          closeSync(fd);
        }
      } catch {}
    }
    words[at / 4] = status;
    words[at / 4 + 1] = status === ${READ} ? size : 0;
    doubles[at / 8 + 1] = mtimeMs;
    if (status === ${READ}) hash('sha256', ring.subarray(at + ${HEADER_BYTES}, at + ${HEADER_BYTES} + size), 'buffer').copy(ring, at + ${SHA256_AT});
    publish(at, status === ${READ} ? bytes : ${HEADER_BYTES});
  }
} catch {}
`;
