/**
 * The watch-mode write: outDir already holds the previous build (the builder wrote it and
 * remembers its bytes), so only files whose bytes changed are written, each through a
 * temporary file renamed over the old one (a reader never sees half a file), and files no
 * longer emitted are removed. Files in subfolders go first and top-level files (the manifest)
 * last, so the manifest never names an agent file that is not there yet.
 *
 * A full swap (./write.ts) would hard-link every unchanged file, which at 10,000 agents costs
 * more than the whole rebuild; the builder falls back to it whenever it is unsure of outDir.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from './targets/types.js';
import { compareCodeUnits } from './util/text.js';
import { assertInside, OutputError, type WriteResult } from './write.js';

export async function writeChanges(outDir: string, previous: ReadonlyMap<string, string>, files: readonly OutputFile[]): Promise<WriteResult> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const byPath = new Map<string, string>();
  for (const file of files) {
    if (previous.get(file.path) === file.contents) unchanged.push(file.path);
    else {
      written.push(file.path);
      byPath.set(file.path, file.contents);
    }
  }
  // Every previous path that is neither written nor unchanged is gone (no set of 60,000 new paths per edit).
  const removed = previous.size === unchanged.length + written.length - countNew(previous, written) ? [] : removedPaths(previous, files);
  const result: WriteResult = { written: [...written].sort(compareCodeUnits), unchanged, removed, changed: written.length + removed.length > 0 };
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
      await writeFile(temp, byPath.get(relative)!);
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

/** How many of these paths the previous output did not have. */
function countNew(previous: ReadonlyMap<string, string>, paths: readonly string[]): number {
  let count = 0;
  for (const p of paths) if (!previous.has(p)) count++;
  return count;
}

function removedPaths(previous: ReadonlyMap<string, string>, files: readonly OutputFile[]): string[] {
  const next = new Set(files.map((file) => file.path));
  return [...previous.keys()].filter((p) => !next.has(p)).sort(compareCodeUnits);
}
