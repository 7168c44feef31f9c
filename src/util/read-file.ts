/**
 * A regular file's size, mtime and bytes through one descriptor: open, fstat, read, close.
 * statSync + readFileSync walked the path twice (stat, then open) and fstat'ed besides, for
 * every source of a build. Sync on purpose: each promise-based read is four thread-pool round
 * trips (open, fstat, read, close); for thousands of small files those hops, not the disk,
 * dominate a build.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

// Opened for reading, a FIFO blocks until something writes to it; non-blocking, the fstat below
// turns it away first. (Windows has no O_NONBLOCK, and no FIFOs to open by path.)
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export interface RegularFile {
  isFile: boolean;
  size: number;
  mtimeMs: number;
  /** Undefined when the path is not a regular file or is larger than `maxBytes`. */
  bytes: Buffer | undefined;
}

/** Throws what open, fstat or read throw (a missing file, a permission, an I/O error). */
export function readRegularFile(absolutePath: string, maxBytes: number): RegularFile {
  const fd = openSync(absolutePath, READ_FLAGS);
  try {
    const stats = fstatSync(fd);
    const { size, mtimeMs } = stats;
    const isFile = stats.isFile();
    if (!isFile || size > maxBytes) return { isFile, size, mtimeMs, bytes: undefined };
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    // Read until the size fstat gave or the end (a file that shrank meanwhile), as readFileSync does.
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { isFile, size, mtimeMs, bytes: got === size ? bytes : bytes.subarray(0, got) };
  } finally {
    closeSync(fd);
  }
}
