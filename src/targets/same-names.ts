import type { Agent } from '../ir.js';

/**
 * Whether two agent lists have the same names in the same order: output that depends on the
 * names alone (the index modules, the SDK's imports) is kept when a watch edit keeps them. An
 * unchanged agent keeps its name string, so this is mostly pointer comparisons, where joining
 * 10,000 names into a key cost milliseconds per edit.
 */
export function sameNames(before: readonly Agent[] | undefined, after: readonly Agent[]): boolean {
  if (before === undefined || before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) if (before[i]!.name !== after[i]!.name) return false;
  return true;
}
