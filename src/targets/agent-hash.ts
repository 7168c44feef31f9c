/**
 * Agents' hashes, apart from the targets (no zod, no schemas): an up-to-date build restores
 * agents with them without loading the json target.
 */
import { hash } from 'node:crypto';
import type { Agent } from '../ir.js';
import type { AgentDraft } from '../pipeline/analyze.js';

export function sha256(text: string): string {
  // One-shot crypto.hash: no Hash object per call (10,000 records at 10k agents).
  return hash('sha256', text, 'hex');
}

/**
 * Stamp an agent with the hash of its own record: sha256 of the record's JSON text as
 * agents/<name>.json writes it (two-space indent), without `hash`. That text is also the json
 * target's text for the stamped agent, up to the `hash` line it appends (see stampedJson): one
 * serialization per agent instead of a compact one to hash and an indented one to write (over
 * the 10k bench corpus in process, hash and text 0.83 -> 0.66 s). Memoized by draft: the watch-mode builder hands back the same (never
 * mutated) draft for every unchanged file, so an edit costs one hash, not ten thousand, and
 * the agent keeps its identity for the targets' memos.
 */
const stamped = new WeakMap<AgentDraft, Agent>();
/** The last agent stamped and its draft's text: the targets ask for it next (one-shot builds emit as they stamp). */
let lastStamped: { agent: Agent; draftJson: string } | undefined;

export function withHash(draft: AgentDraft): Agent {
  let agent = stamped.get(draft);
  if (!agent) {
    const draftJson = JSON.stringify(draft, null, 2);
    agent = { ...draft, hash: sha256(draftJson) };
    stamped.set(draft, agent);
    lastStamped = { agent, draftJson };
  }
  return agent;
}

/**
 * JSON.stringify(agent, null, 2): for the agent stamped last, its draft's text with the `hash`
 * member added before the closing brace (`hash` is the record's last key), else stringified.
 */
export function stampedJson(agent: Agent): string {
  if (lastStamped?.agent === agent) {
    const { draftJson } = lastStamped;
    return `${draftJson.slice(0, -2)},\n  "hash": ${JSON.stringify(agent.hash)}\n}`;
  }
  return JSON.stringify(agent, null, 2);
}
