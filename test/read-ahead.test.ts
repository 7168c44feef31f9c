/**
 * The read-ahead thread (src/read-ahead.ts): each file's bytes, size and mtime exactly as the
 * build's own stat and read would give them, through a ring that wraps; anything it did not
 * read whole (missing, a folder, over the size limit, too large for the ring) and every file
 * after an out-of-order request are left to the caller.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReadAhead, type ReadAhead } from '../src/read-ahead.js';
import { cleanupTempDirs, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

async function files(count: number, sizeOf: (i: number) => number): Promise<string[]> {
  const dir = await tempDir();
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `f${i}.md`);
    writeFileSync(file, Buffer.from(Array.from({ length: sizeOf(i) }, (_, j) => (i * 7 + j) % 251)));
    return file;
  });
}

/** Waits until the worker has the next file in the ring (the build itself never waits: see the last test). */
async function whenReady(reader: ReadAhead): Promise<void> {
  const since = Date.now();
  while (!reader.ready()) {
    if (Date.now() - since > 10_000) throw new Error('the read-ahead thread did not get to the next file');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('startReadAhead', () => {
  it('gives every file with the bytes, size and mtime of statSync and readFileSync (and their sha256), through a small ring that wraps', async () => {
    // 4 KB ring: records of 16 B to ~1.9 KB (files up to half the ring are read ahead).
    const paths = await files(300, (i) => [0, 1, 7, 100, 1000, 1900][i % 6]!);
    const reader = startReadAhead(paths, 1 << 20, { ringBytes: 4096 });
    for (const file of paths) {
      await whenReady(reader);
      const got = reader.take(file);
      const stats = statSync(file);
      expect(got, file).toBeDefined();
      expect([got!.size, got!.mtimeMs]).toEqual([stats.size, stats.mtimeMs]);
      expect(got!.bytes.equals(readFileSync(file))).toBe(true);
      expect(got!.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    }
    reader.close();
  });

  it('leaves to the caller what it cannot read whole, and goes on with the next file', async () => {
    const paths = await files(6, (i) => (i === 2 ? 3000 : 50));
    const dir = path.dirname(paths[0]!);
    mkdirSync(path.join(dir, 'folder.md'));
    const list = [paths[0]!, path.join(dir, 'missing.md'), path.join(dir, 'folder.md'), paths[1]!, paths[2]!, paths[3]!];
    // paths[2] is larger than half the 4 KB ring; with a 40-byte limit, every file is over it.
    const reader = startReadAhead(list, 1 << 20, { ringBytes: 4096 });
    const got = [];
    for (const file of list) {
      await whenReady(reader);
      got.push(reader.take(file)?.bytes.length);
    }
    expect(got).toEqual([50, undefined, undefined, 50, undefined, 50]);
    const limited = startReadAhead(paths, 40, { ringBytes: 4096 });
    for (const file of paths) {
      await whenReady(limited);
      expect(limited.take(file)).toBeUndefined();
    }
  });

  it('an out-of-order request, or a closed reader, leaves this and every later file to the caller', async () => {
    const paths = await files(5, () => 10);
    const reader = startReadAhead(paths, 1 << 20, { ringBytes: 4096 });
    await whenReady(reader);
    expect(reader.take(paths[0]!)?.bytes.length).toBe(10);
    expect(reader.take(paths[2]!)).toBeUndefined();
    expect(reader.take(paths[1]!)).toBeUndefined();
    expect(reader.take(paths[3]!)).toBeUndefined();
    const closed = startReadAhead(paths, 1 << 20, { ringBytes: 4096 });
    closed.close();
    closed.close();
    expect(closed.take(paths[0]!)).toBeUndefined();
  });

  it('never makes the caller wait: a file not read yet is the caller\'s, and its record is dropped when it comes', async () => {
    const paths = await files(400, (i) => 100 + (i % 50) * 30);
    const reader = startReadAhead(paths, 1 << 20, { ringBytes: 8192 });
    // Taken at once, before the thread can have started: the first files are the caller's.
    const first = paths.slice(0, 50).map((file) => reader.take(file));
    expect(first[0]).toBeUndefined();
    let fromRing = 0;
    for (const file of paths.slice(50)) {
      if (fromRing === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      const got = reader.take(file);
      if (!got) continue;
      fromRing++;
      expect(got.bytes.equals(readFileSync(file)), file).toBe(true);
      expect(got.size).toBe(statSync(file).size);
    }
    // Once caught up, the thread keeps ahead of a caller that does anything between files.
    expect(fromRing).toBeGreaterThan(0);
    reader.close();
  });
});
