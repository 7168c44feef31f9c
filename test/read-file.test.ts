/**
 * util/read-file.ts: how the builder and the read stage read each source (one descriptor: open,
 * fstat, read). Their diagnostics for unreadable sources are in test/security/fs.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegularFile } from '../src/util/read-file.js';
import { cleanupTempDirs, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

describe('readRegularFile', () => {
  it('gives the bytes, size and mtime that readFileSync and statSync give', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a.md');
    // Larger than Buffer's pool and with multi-byte UTF-8, so nothing is cut or re-encoded.
    await writeFile(file, `---\nname: a\n---\n${'é — 🙂 '.repeat(5000)}`);
    const read = readRegularFile(file, 1 << 20);
    expect(read.bytes!.equals(readFileSync(file))).toBe(true);
    expect(read.size).toBe(statSync(file).size);
    expect(read.mtimeMs).toBe(statSync(file).mtimeMs);
  });

  it('an empty file: zero bytes, not undefined', async () => {
    const file = path.join(await tempDir(), 'empty.md');
    await writeFile(file, '');
    expect(readRegularFile(file, 100).bytes).toEqual(Buffer.alloc(0));
  });

  it('larger than the limit: its size, no bytes', async () => {
    const file = path.join(await tempDir(), 'big.md');
    await writeFile(file, 'x'.repeat(101));
    expect(readRegularFile(file, 100)).toMatchObject({ isFile: true, size: 101, bytes: undefined });
    expect(readRegularFile(file, 101).bytes!.length).toBe(101);
  });

  it('a folder and a FIFO: no bytes, and the FIFO does not block', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'folder.md'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.md')]);
    expect(readRegularFile(path.join(dir, 'folder.md'), 100)).toMatchObject({ isFile: false, bytes: undefined });
    expect(readRegularFile(path.join(dir, 'pipe.md'), 100)).toMatchObject({ isFile: false, bytes: undefined });
  });

  it('a missing file throws ENOENT', async () => {
    expect(() => readRegularFile(path.join(path.sep, 'no', 'such', 'file.md'), 100)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

