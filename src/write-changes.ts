/**
 * The watch-mode write: outDir already holds the previous build (the builder wrote it, and its
 * IncrementalEmit planned what differs since), so only files whose bytes changed are written, each through a
 * temporary file renamed over the old one (a reader never sees half a file), and files no
 * longer emitted are removed. Files in subfolders go first and top-level files (the manifest)
 * last, so the manifest never names an agent file that is not there yet.
 *
 * A full swap (./write.ts) would hard-link every unchanged file, which at 10,000 agents costs
 * more than the whole rebuild; the builder falls back to it whenever it is unsure of outDir.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputPlan } from './targets/incremental.js';
import { chunkBytes, type OutputFile } from './targets/types.js';
import { compareCodeUnits } from './util/text.js';
import { assertInside, OutputError, type WriteResult } from './write.js';

export async function writeChanges(outDir: string, plan: Pick<OutputPlan, 'written' | 'removed'>): Promise<WriteResult> {
  const { removed } = plan;
  const byPath = new Map(plan.written.map((file) => [file.path, file]));
  const written = [...byPath.keys()];
  const result: WriteResult = { written: [...written].sort(compareCodeUnits), unchanged: [], removed, changed: written.length + removed.length > 0 };
  if (!result.changed) return result;

  const order = [...written].sort((a, b) => Number(!a.includes('/')) - Number(!b.includes('/')) || compareCodeUnits(a, b));
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const made = new Set<string>();
    for (const relative of order) {
      const target = path.join(outDir, ...relative.split('/'));
      assertInside(outDir, target);
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      const temp = path.join(dir, `.${path.basename(target)}.agentc-tmp-${tag}`);
      await writeOutputFile(temp, byPath.get(relative)!);
      await rename(temp, target);
    }
    for (const relative of removed) {
      const target = path.join(outDir, ...relative.split('/'));
      assertInside(outDir, target);
      await rm(target, { force: true });
      // Leave no empty folder behind (a full build would not have it).
      await rmdir(path.dirname(target)).catch(() => undefined);
    }
  } catch (error) {
    throw new OutputError(`Cannot write ${outDir}: ${(error as Error).message}`, outDir);
  }
  return result;
}

/** A file's text, or its pieces as they are (one writev: no joined copy of a 14 MB manifest). */
async function writeOutputFile(target: string, file: OutputFile): Promise<void> {
  if (!file.chunks) return writeFile(target, file.contents);
  const chunks = file.chunks.map(chunkBytes);
  const handle = await open(target, 'w');
  try {
    const { bytesWritten } = await handle.writev(chunks);
    // A short write (the OS may stop early) goes on from where it stopped.
    const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    if (bytesWritten < total) await handle.write(Buffer.concat(chunks).subarray(bytesWritten), 0, total - bytesWritten, bytesWritten);
  } finally {
    await handle.close();
  }
}
