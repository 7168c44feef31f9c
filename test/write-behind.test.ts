/**
 * The write-behind ring (src/write-behind.ts): files handed to the worker thread land with
 * exactly their bytes, in any mix of sizes that makes the ring wrap and fill; a write error is
 * reported, never lost; a closed queue writes nothing more.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openOutput } from '../src/write.js';
import { partsOf, startWriteBehind, WriteBehindError } from '../src/write-behind.js';
import { cleanupTempDirs, snapshotDir, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

/** Deterministic text of `length` characters mixing 1- to 4-byte UTF-8. */
function text(seed: number, length: number): string {
  const alphabet = ['a', 'Z', '\n', 'é', '—', '漢', '😀', '"'];
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(seed * 31 + i * 7 + ((i * i) >> 3)) % alphabet.length];
  return out;
}

describe('startWriteBehind', () => {
  it('writes every file with its exact bytes through a small ring that wraps and fills many times', async () => {
    const dir = await tempDir();
    // 4 KB ring: records of 12 B to ~1.6 KB, so it wraps at every offset and the producer waits often.
    const queue = startWriteBehind(4096);
    const expected = new Map<string, Buffer>();
    for (let i = 0; i < 400; i++) {
      const target = path.join(dir, `f${i}-é.txt`);
      const length = [0, 1, 3, 50, 333, 400][i % 6]!;
      if (i % 5 === 0) {
        const chunks = [Buffer.from(text(i, length)), Buffer.alloc(0), Buffer.from(text(i + 1, 7))];
        queue.write(target, chunks);
        expected.set(target, Buffer.concat(chunks));
      } else {
        const contents = text(i, length);
        queue.write(target, contents);
        expected.set(target, Buffer.from(contents));
      }
    }
    queue.flush();
    queue.close();
    expect(readdirSync(dir)).toHaveLength(400);
    for (const [target, bytes] of expected) expect(readFileSync(target).equals(bytes), target).toBe(true);
  });

  it('puts the producer to sleep until half the ring is free, not once per file', async () => {
    const dir = await tempDir();
    // 64 KiB ring, 600 files of ~2 KB: the loop fills the ring far faster than files are made.
    // A sleep ends with at most half the ring used, and the next one starts when a record's
    // reserved room (3 bytes per UTF-16 unit) no longer fits: between two sleeps at least
    // half the ring less one reservation goes in. Waking at every record finished (what it did
    // before) slept for nearly every file once the ring was full.
    const ring = 64 * 1024;
    const queue = startWriteBehind(ring);
    const files = 600;
    const contents = text(3, 1000);
    const target = (i: number) => path.join(dir, `f${String(i).padStart(3, '0')}.txt`);
    for (let i = 0; i < files; i++) queue.write(target(i), contents);
    queue.flush();
    queue.close();
    const recordBytes = 12 + Buffer.byteLength(target(0)) + Buffer.byteLength(contents) + 3;
    const reserved = 12 + 3 * target(0).length + 3 * contents.length + 3;
    // + 1 for the flush's wait.
    expect(queue.sleeps).toBeLessThanOrEqual(Math.ceil((files * recordBytes) / (ring / 2 - reserved)) + 1);
    expect(readdirSync(dir)).toHaveLength(files);
    for (let i = 0; i < files; i += 97) expect(readFileSync(target(i), 'utf8')).toBe(contents);
  });

  it('writes a file larger than the ring in parts, with its exact bytes', async () => {
    const dir = await tempDir();
    // 4 KB ring: parts of at most 1 KB, text cut every 341 code units.
    const queue = startWriteBehind(4096);
    const pair = '😀';
    const texts: Record<string, string> = {
      long: 'x'.repeat(10_000),
      wide: '漢'.repeat(3000),
      // A surrogate pair across each cut, and mixed widths.
      pairs: `${'a'.repeat(340)}${pair}${'b'.repeat(339)}${pair}${text(7, 5000)}`,
      // Measured, it fits in one record after all.
      measured: 'y'.repeat(1000),
    };
    for (const [name, contents] of Object.entries(texts)) queue.write(path.join(dir, name), contents);
    const pieces = [Buffer.from(text(1, 9000)), Buffer.alloc(0), ...Array.from({ length: 50 }, (_, i) => Buffer.from(text(i, 97))), Buffer.alloc(3000, 7)];
    queue.write(path.join(dir, 'pieces'), pieces);
    // Text and byte pieces mixed, text pieces longer than a part, pairs across the cuts.
    const mixed = [text(2, 2000), Buffer.from(text(3, 500)), '', `${'c'.repeat(339)}${pair}${text(4, 700)}`, Buffer.alloc(0), '漢'.repeat(900), 'tail'];
    queue.write(path.join(dir, 'mixed'), mixed);
    // A file written in parts replaces what was there (the first part truncates).
    queue.write(path.join(dir, 'long'), 'z'.repeat(5000));
    queue.flush();
    queue.close();
    expect(readdirSync(dir).sort()).toEqual(['long', 'measured', 'mixed', 'pairs', 'pieces', 'wide']);
    expect(readFileSync(path.join(dir, 'mixed')).equals(Buffer.concat(mixed.map((piece) => Buffer.from(piece))))).toBe(true);
    for (const name of ['wide', 'pairs', 'measured']) expect(readFileSync(path.join(dir, name)).equals(Buffer.from(texts[name]!)), name).toBe(true);
    expect(readFileSync(path.join(dir, 'long'), 'utf8')).toBe('z'.repeat(5000));
    expect(readFileSync(path.join(dir, 'pieces')).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('writes a streamed file with its exact bytes, pieces longer than a part cut as write() cuts them', async () => {
    const dir = await tempDir();
    // 4 KB ring: parts of at most 1 KB (by 3 bytes per UTF-16 unit), so a part holds a few pieces.
    const queue = startWriteBehind(4096);
    const pieces = [
      ...Array.from({ length: 300 }, (_, i) => text(i, i % 37)),
      Buffer.from(text(5, 200)),
      `${'a'.repeat(340)}😀${text(8, 3000)}`,
      '',
      Buffer.alloc(2500, 9),
      'end',
    ];
    queue.writeStream(path.join(dir, 'streamed'), (function* () {
      yield* pieces;
    })());
    queue.writeStream(path.join(dir, 'empty'), []);
    // A streamed file replaces what was there, as a written one does.
    queue.write(path.join(dir, 'again'), 'old text that is longer');
    queue.writeStream(path.join(dir, 'again'), ['new']);
    queue.flush();
    queue.close();
    expect(readFileSync(path.join(dir, 'streamed')).equals(Buffer.concat(pieces.map((piece) => Buffer.from(piece))))).toBe(true);
    expect(readFileSync(path.join(dir, 'empty'))).toHaveLength(0);
    expect(readFileSync(path.join(dir, 'again'), 'utf8')).toBe('new');
  });

  it('reads a stream a part at a time: what came before a part that fails to be made is already queued', async () => {
    const dir = await tempDir();
    const queue = startWriteBehind(4096);
    // Pieces of 100 units: 3 to a part of 1 KB. Had the stream been read whole first, nothing
    // would be queued when it throws.
    const piece = (i: number) => String(i % 10).repeat(100);
    const failing = (function* () {
      for (let i = 0; i < 60; i++) yield piece(i);
      throw new Error('the target failed while making its file');
    })();
    expect(() => queue.writeStream(path.join(dir, 'half'), failing)).toThrow('the target failed');
    queue.flush();
    queue.close();
    const written = readFileSync(path.join(dir, 'half'), 'utf8');
    expect(written.length).toBeGreaterThanOrEqual(57 * 100);
    expect(written).toBe(Array.from({ length: written.length / 100 }, (_, i) => piece(i)).join(''));
  });

  it('cuts text between whole characters and pieces at the limit', () => {
    // 9 bytes: 3 code units a part, one fewer where the third would be half of a pair.
    expect([...partsOf('aa😀😀', 9)]).toEqual(['aa', '😀', '😀']);
    expect([...partsOf('a😀😀', 9)]).toEqual(['a😀', '😀']);
    expect([...partsOf('abcdefg', 6)]).toEqual(['ab', 'cd', 'ef', 'g']);
    const parts = [...partsOf([Buffer.from('abc'), Buffer.alloc(0), Buffer.from('defgh')], 3)] as Buffer[][];
    expect(parts.map((part) => Buffer.concat(part).toString())).toEqual(['abc', 'def', 'gh']);
    // Text pieces count 3 bytes a unit: a piece is cut to the room left, never inside a pair
    // (the pair moves to the next part), and a short piece goes whole.
    const asText = (input: (string | Buffer)[], limit: number) => [...partsOf(input, limit)].map((part) => (part as (string | Buffer)[]).map(String));
    expect(asText(['ab', 'cdef'], 9)).toEqual([['ab', 'c'], ['def']]);
    expect(asText(['ab😀', 'x'], 9)).toEqual([['ab'], ['😀', 'x']]);
    expect(asText([Buffer.from('abcd'), 'xyz'], 9)).toEqual([['abcd', 'x'], ['yz']]);
    expect(asText(['a', '😀😀'], 9)).toEqual([['a', '😀'], ['😀']]);
  });

  it('reports a failed write at the next flush or write, with the system error', async () => {
    const dir = await tempDir();
    const queue = startWriteBehind(4096);
    queue.write(path.join(dir, 'ok.txt'), 'fine');
    queue.write(path.join(dir, 'no-such-folder', 'x.txt'), 'lost');
    queue.write(path.join(dir, 'after.txt'), 'not written: the worker stops at the first error');
    expect(() => queue.flush()).toThrow(WriteBehindError);
    expect(() => queue.flush()).toThrow(/ENOENT.*no-such-folder/);
    expect(() => queue.write(path.join(dir, 'later.txt'), 'x')).toThrow(/ENOENT/);
    queue.close();
    expect(readdirSync(dir)).toEqual(['ok.txt']);
  });

  it('after close, nothing more is written and writing throws', async () => {
    const dir = await tempDir();
    const queue = startWriteBehind(4096);
    queue.write(path.join(dir, 'a.txt'), 'a');
    queue.flush();
    queue.close();
    queue.close();
    expect(() => queue.write(path.join(dir, 'b.txt'), 'b')).toThrow(/closed/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });
});

describe('openOutput with write-behind', () => {
  it('gives the same folder as writing inline, files larger than the ring included', async () => {
    const root = await tempDir();
    const files = Array.from({ length: 300 }, (_, i) => ({ path: `agents/a${String(i).padStart(3, '0')}.json`, contents: i % 40 === 0 ? text(i, 2000).repeat(2500) : text(i, 2000) }));
    const write = async (name: string, writeBehindAfter: number) => {
      const outDir = path.join(root, name);
      const writer = await openOutput(outDir, { writeBehindAfter });
      for (const file of files) writer.add(file);
      const result = await writer.commit();
      expect(result.written).toHaveLength(300);
      return snapshotDir(outDir);
    };
    const inline = await write('inline', Infinity);
    const behind = await write('behind', 0);
    expect(Object.keys(behind)).toHaveLength(300);
    expect(behind).toEqual(inline);
  });

  it('a write that fails in the thread fails the commit, and leaves no temporary folder and no outDir', async () => {
    const root = await tempDir();
    const outDir = path.join(root, 'dist');
    const writer = await openOutput(outDir, { writeBehindAfter: 0 });
    writer.add({ path: 'agents/a.json', contents: '{}\n' });
    writer.add({ path: 'agents/b.json', contents: '{}\n' });
    // The folder goes away under the thread: its next file cannot be created.
    const temp = readdirSync(root).find((entry) => entry.startsWith('.dist.agentc-tmp-'))!;
    const { rmSync } = await import('node:fs');
    await new Promise((resolve) => setTimeout(resolve, 200));
    rmSync(path.join(root, temp, 'agents'), { recursive: true });
    writer.add({ path: 'agents/c.json', contents: '{}\n' });
    await expect(writer.commit()).rejects.toThrow(/Cannot write .*dist: ENOENT/);
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(outDir)).toBe(false);
  });
});
