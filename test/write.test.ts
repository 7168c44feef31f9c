/** The streaming output writer (src/write.ts openOutput): file by file, swapped in whole, or not at all. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputFromChunks } from '../src/targets/types.js';
import { diffOutput, MARKER_CONTENTS, MARKER_FILE, openOutput, writeOutput } from '../src/write.js';
import { cleanupTempDirs, snapshotDir, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const FILES = [
  { path: MARKER_FILE, contents: MARKER_CONTENTS },
  { path: 'a.json', contents: '{"a":1}\n' },
  { path: 'agents/b.json', contents: '{"b":"é—2"}\n' },
];

/** Everything beside outDir: the temporary and old folders of a swap would show here. */
const beside = (outDir: string) => readdirSync(path.dirname(outDir)).filter((entry) => entry !== path.basename(outDir));

describe('openOutput', () => {
  it('an unchanged output makes no temporary folder, links nothing and keeps every file as it was', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    await writeOutput(outDir, FILES);
    const before = statSync(path.join(outDir, 'agents/b.json'));
    const writer = await openOutput(outDir);
    for (const file of FILES) {
      writer.add(file);
      expect(beside(outDir)).toEqual([]);
    }
    expect(await writer.commit()).toEqual({ written: [], unchanged: [MARKER_FILE, 'a.json', 'agents/b.json'], removed: [], changed: false });
    const after = statSync(path.join(outDir, 'agents/b.json'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('writes changed files as they come, links the unchanged ones, removes the ones not added', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    await writeOutput(outDir, [...FILES, { path: 'gone.json', contents: '{}\n' }]);
    const kept = statSync(path.join(outDir, 'a.json'));
    const writer = await openOutput(outDir);
    writer.add(FILES[0]!);
    writer.add(FILES[1]!);
    writer.add({ path: 'agents/b.json', contents: '{"b":3}\n' });
    // The new output exists beside outDir before the swap; outDir is still the old build.
    expect(beside(outDir)).toEqual([expect.stringMatching(/^\.dist\.agentc-tmp-/)]);
    expect(existsSync(path.join(outDir, 'gone.json'))).toBe(true);
    expect(await writer.commit()).toEqual({ written: ['agents/b.json'], unchanged: [MARKER_FILE, 'a.json'], removed: ['gone.json'], changed: true });
    expect(await snapshotDir(outDir)).toEqual({ [MARKER_FILE]: MARKER_CONTENTS, 'a.json': '{"a":1}\n', 'agents/b.json': '{"b":3}\n' });
    // Hard-linked from the old build: same inode, same mtime.
    expect(statSync(path.join(outDir, 'a.json')).ino).toBe(kept.ino);
    expect(beside(outDir)).toEqual([]);
  });

  it('a path with empty or dot segments lands where path.join puts it; one that leaves outDir is refused', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    const writer = await openOutput(outDir);
    writer.add(FILES[0]!);
    writer.add({ path: 'x/./y//z.json', contents: '1\n' });
    writer.add({ path: 'x/q/../w.json', contents: '2\n' });
    await writer.commit();
    expect(await snapshotDir(outDir)).toEqual({ [MARKER_FILE]: MARKER_CONTENTS, 'x/y/z.json': '1\n', 'x/w.json': '2\n' });
    for (const escape of ['../escape.json', 'x/../../escape.json', 'x/..', '.']) {
      const again = await openOutput(outDir);
      again.add(FILES[0]!);
      expect(() => again.add({ path: escape, contents: '{}\n' }), escape).toThrow(/outside the output folder|Cannot write/);
      await again.abort();
    }
    expect(beside(outDir)).toEqual([]);
  });

  it('tells same-size files apart by their bytes: text, pieces, and files larger than the reused buffers', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    // 3 MB: past the 1 MB the comparison reuses between files; multi-byte text throughout.
    const big = 'é'.repeat(1_500_000);
    const pieces = (text: string) => outputFromChunks('manifest.json', [Buffer.from('{"a":'), Buffer.from(text), Buffer.from('}\n')]);
    // Text pieces, bytes between them (the index modules are text pieces).
    const textPieces = (text: string) => outputFromChunks('index.js', ['// é\n', Buffer.from('x = '), text, ';\n']);
    // Each changed file keeps its size in bytes, so only its bytes can tell.
    const outputs = (bigEnd: string, piece: string, accent: string) => [
      FILES[0]!,
      { path: 'big.txt', contents: `${big}${bigEnd}` },
      { path: 'big-same.txt', contents: `${big}b` },
      pieces(piece),
      textPieces(`"${accent}"`),
      outputFromChunks('index-same.js', ['a', 'é'.repeat(700_000), Buffer.from('b')]),
      { path: 'small.json', contents: `{"b":"${accent}—2"}\n` },
      { path: 'small-same.json', contents: '{"c":1}\n' },
    ];
    await writeOutput(outDir, outputs('a', '"xé"', 'é'));
    const after = outputs('z', '"yé"', 'è');
    expect(await diffOutput(outDir, after)).toEqual({ stale: ['big.txt', 'index.js', 'manifest.json', 'small.json'], missing: [], extra: [], unchanged: [MARKER_FILE, 'big-same.txt', 'index-same.js', 'small-same.json'] });
    // Unchanged in pieces too: compared piece by piece with the file.
    expect((await diffOutput(outDir, [pieces('"xé"'), textPieces('"é"')])).unchanged).toEqual(['index.js', 'manifest.json']);
    const result = await writeOutput(outDir, after);
    expect(result.written).toEqual(['big.txt', 'index.js', 'manifest.json', 'small.json']);
    expect(await snapshotDir(outDir)).toEqual(Object.fromEntries(after.map((file) => [file.path, file.contents])));
  });

  it('writes a file of more pieces than one system call takes, in order, byte for byte', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    // 2,500 pieces (past two batches of 1,024), of mixed sizes, some empty, with multi-byte text.
    // Every third piece is text.
    const chunks = Array.from({ length: 2500 }, (_, i) => {
      const piece = i % 7 === 0 ? '' : `${i}:${'é—'.repeat(i % 13)}\n`;
      return i % 3 === 0 ? piece : Buffer.from(piece);
    });
    const writer = await openOutput(outDir);
    writer.add(outputFromChunks('manifest.json', chunks));
    await writer.commit();
    expect(readFileSync(path.join(outDir, 'manifest.json'))).toEqual(Buffer.concat(chunks.map((chunk) => Buffer.from(chunk))));
  });

  it('abort leaves outDir as it was and nothing beside it', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    await writeOutput(outDir, FILES);
    const snapshot = await snapshotDir(outDir);
    const writer = await openOutput(outDir);
    writer.add({ path: 'a.json', contents: 'changed' });
    await writer.abort();
    expect(await snapshotDir(outDir)).toEqual(snapshot);
    expect(beside(outDir)).toEqual([]);
    expect(() => writer.add(FILES[0]!)).toThrow(/closed/);
  });

  it('refuses a path twice and a path outside outDir', async () => {
    const outDir = path.join(await tempDir(), 'dist');
    const writer = await openOutput(outDir);
    writer.add(FILES[1]!);
    expect(() => writer.add(FILES[1]!)).toThrow(/two targets emit a\.json/);
    await writer.abort();
    const other = await openOutput(outDir);
    expect(() => other.add({ path: '../escape.json', contents: '{}' })).toThrow(/outside the output folder/);
    expect(existsSync(path.join(path.dirname(outDir), 'escape.json'))).toBe(false);
    expect(beside(outDir)).toEqual([]);
  });
});
