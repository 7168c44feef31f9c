/** "Did you mean …?": the known value nearest to a typo, by edit distance. */

/** Edit distance: insert, delete, substitute, or swap two neighbours (optimal string alignment); each costs 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `value`: an exact case-insensitive match first, else the nearest
 * within a distance that grows with the word (1 for short words, at most 3), compared without
 * case. Ties go to the earlier candidate, so the answer is deterministic.
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.trim().toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const limit = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // The distance is at least the length difference: skip without the O(n*m) table (a 60 KB tool name took 15 s).
    if (Math.abs(candidate.length - lower.length) >= bestDistance) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
