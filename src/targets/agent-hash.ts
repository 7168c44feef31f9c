/**
 * Agents' hashes, apart from the targets (no zod, no schemas): an up-to-date build restores
 * agents with them without loading the json target.
 */
import { createHash } from 'node:crypto';
import type { Agent } from '../ir.js';
import type { AgentDraft } from '../pipeline/analyze.js';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Stamp an agent with the hash of its own record. Memoized by draft: the watch-mode builder
 * hands back the same (never mutated) draft for every unchanged file, so an edit costs one
 * hash, not ten thousand, and the agent keeps its identity for the targets' memos.
 */
const stamped = new WeakMap<AgentDraft, Agent>();
export function withHash(draft: AgentDraft): Agent {
  let agent = stamped.get(draft);
  if (!agent) stamped.set(draft, (agent = { ...draft, hash: sha256(JSON.stringify(draft)) }));
  return agent;
}
