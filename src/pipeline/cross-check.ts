/** Checks that need every agent: duplicate names (case-insensitive, as file systems compare). */
import type { VFile } from 'vfile';
import type { ResolvedConfig } from '../config/schema.js';
import { reporterFor } from '../diagnostics.js';
import type { AnalyzedFile } from './analyze.js';

/** The names of the last check that found no duplicate, in file order (undefined for a file without an agent). */
let lastClean: (string | undefined)[] = [];

export function crossCheck(files: readonly AnalyzedFile[], config: Pick<ResolvedConfig, 'rules'>): Set<VFile> {
  // A watch edit keeps every name: the same names in the same files cannot collide now either
  // (an unchanged agent keeps its name string, so this is mostly pointer comparisons).
  if (files.length === lastClean.length && files.every((entry, i) => entry.agent?.name === lastClean[i])) return new Set();
  const firstByName = new Map<string, AnalyzedFile>();
  const rejected = new Set<VFile>();
  for (const entry of files) {
    if (!entry.agent) continue;
    const key = entry.agent.name.toLowerCase();
    const first = firstByName.get(key);
    if (!first) {
      firstByName.set(key, entry);
      continue;
    }
    const at = entry.agent.source.positions.name ?? { line: 1, column: 1 };
    const firstAt = first.agent!.source.positions.name;
    const same = first.agent!.name === entry.agent.name ? '' : ` (as \`${first.agent!.name}\`; names that differ only in case collide on macOS and Windows)`;
    reporterFor(entry.file, config.rules)(
      'agent/duplicate-name',
      `Agent name \`${entry.agent.name}\` is already defined in ${first.file.path}${firstAt ? `:${firstAt.line}:${firstAt.column}` : ''}${same}`,
      at,
    );
    rejected.add(entry.file);
  }
  lastClean = rejected.size === 0 ? files.map((entry) => entry.agent?.name) : [];
  return rejected;
}
