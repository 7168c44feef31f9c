/**
 * The `json` target: agents/<name>.json (one full record per agent), and manifest.json, an index
 * of every agent without its prompt (the prompts are most of the bytes; a consumer that needs
 * one reads the agent's `file`), with its JSON Schema.
 */
import { z } from 'zod';
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, type Agent, type Manifest, type ManifestEntry } from '../ir.js';
import { memoByIdentity } from '../util/memo.js';
import { sha256, stampedJson } from './agent-hash.js';
import { listChunks, outputFromChunks, type OutputFile, type Target } from './types.js';

// The hashes live in ./agent-hash.ts (no zod: an up-to-date build uses them); callers know them from here.
export { sha256, stampedJson, withHash } from './agent-hash.js';

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Where an agent's full record is, relative to outDir (and to manifest.json). */
export function agentFile(name: string): string {
  return `agents/${name}.json`;
}

/** An agent as manifest.json lists it: the record without `prompt`, `file` after `name`. */
export function manifestEntry(agent: Agent): ManifestEntry {
  const { name, prompt: _prompt, ...rest } = agent;
  return { name, file: agentFile(name), ...rest };
}

/**
 * JSON.stringify(agent, null, 2), memoized per agent: agents/<name>.json (plus a newline), and
 * what the ts target's modules are made from.
 */
export const agentJson = memoByIdentity(stampedJson);

/**
 * toJson(manifestEntry(agent)) indented as an element of the manifest's `agents`, as UTF-8, kept
 * per agent (in a one-shot build too: a few KB each, made while the agent's JSON text is at
 * hand, see emitAgent). An edit costs one agent's bytes, not the whole manifest's text.
 */
const manifestElements = new WeakMap<Agent, Uint8Array>();
function manifestElement(agent: Agent): Uint8Array {
  let element = manifestElements.get(agent);
  if (!element) {
    element = Buffer.from(manifestElementText(agent));
    manifestElements.set(agent, element);
  }
  return element;
}

function manifestElementText(agent: Agent): string {
  // JSON.stringify indents the entry as an element of `agents` itself, when it is one:
  // cheaper than re-indenting every line of its text.
  const text = JSON.stringify({ agents: [manifestEntry(agent)] }, null, 2);
  return text.slice(ELEMENT_START.length, text.length - ELEMENT_END.length);
}

/**
 * manifestElementText from the agent's record text (agentJson), without stringifying the entry
 * again: the record's lines but `name` and `prompt`, `name` and `file` first, each line four
 * spaces deeper (JSON strings hold no raw line break, so every \n is a line of the layout, and
 * a top-level member is the one line at two spaces' indent). Undefined when the text is not
 * laid out so (then the entry is stringified).
 */
export function manifestElementFromJson(json: string, name: string): string | undefined {
  const nameLine = topLevelLine(json, '\n  "name": ');
  const promptLine = topLevelLine(json, '\n  "prompt": ');
  if (!nameLine || !promptLine || nameLine.start > promptLine.start) return undefined;
  const rest = json.slice(1, nameLine.start) + json.slice(nameLine.end, promptLine.start) + json.slice(promptLine.end);
  return `    {\n      "name": ${JSON.stringify(name)},\n      "file": ${JSON.stringify(agentFile(name))},${rest.replaceAll('\n', '\n    ')}`;
}

/** Where a top-level member's line is (from the line break before it), if it is not the last member. */
function topLevelLine(json: string, start: string): { start: number; end: number } | undefined {
  const at = json.indexOf(start);
  if (at === -1) return undefined;
  const end = json.indexOf('\n', at + 1);
  // The last member has no comma to carry over; agentJson's last member is `hash`.
  if (end === -1 || json.charCodeAt(end - 1) !== 0x2c) return undefined;
  return { start: at, end };
}

const ELEMENT_START = '{\n  "agents": [\n';
const ELEMENT_END = '\n  ]\n}';
const ELEMENT_SEPARATOR = Buffer.from(',\n');

/** Exactly the bytes of toJson(createManifest(agents)), in pieces: the per-agent bytes between the shell's. */
function manifestChunks(agents: readonly Agent[]): Uint8Array[] {
  const manifest = manifestShell(agents);
  if (agents.length === 0) return [Buffer.from(toJson(manifest))];
  const marker = '\u0000agents\u0000';
  const shell = toJson({ ...manifest, agents: [marker] });
  const at = shell.indexOf(JSON.stringify(marker));
  const lineStart = shell.lastIndexOf('\n', at) + 1;
  return listChunks(shell.slice(0, lineStart), agents.map(manifestElement), ELEMENT_SEPARATOR, shell.slice(at + JSON.stringify(marker).length));
}

export function createManifest(agents: readonly Agent[]): Manifest {
  return { ...manifestShell(agents), agents: agents.map(manifestEntry) };
}

/** The agents' hashes, one per line (what the manifest's hash is of), without an array of 10,000 in between. */
function joinHashes(agents: readonly Agent[]): string {
  let text = '';
  for (let i = 0; i < agents.length; i++) text += i === 0 ? agents[i]!.hash : `\n${agents[i]!.hash}`;
  return text;
}

/** The manifest without its entries (manifestChunks puts the memoized elements in their place). */
function manifestShell(agents: readonly Agent[]): Manifest {
  return {
    $schema: './manifest.schema.json',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    hash: sha256(joinHashes(agents)),
    agents: [],
  };
}

let schemaText: string | undefined;
export function manifestJsonSchema(): string {
  schemaText ??= toJson({
    ...z.toJSONSchema(ManifestSchema, { target: 'draft-2020-12', io: 'output' }),
    $id: 'https://agentc.dev/schema/manifest.json',
    title: 'agentc manifest',
  });
  return schemaText;
}

/**
 * agents/<name>.json: the record's text and a newline, as two pieces (joined, the text would be
 * copied whole to be written). A watch rebuild hands back the same text for an unchanged agent,
 * so comparing it with the last build is immediate.
 */
function agentFileOutput(agent: Agent): OutputFile {
  return outputFromChunks(agentFile(agent.name), [agentJson(agent), '\n']);
}

export const jsonTarget: Target = {
  name: 'json',
  emit(agents, context) {
    return [...jsonTarget.emitShared!(agents, context), ...agents.flatMap((agent) => jsonTarget.emitAgent!(agent, context))];
  },
  emitAgent(agent) {
    if (!manifestElements.has(agent)) {
      const element = manifestElementFromJson(agentJson(agent), agent.name);
      if (element !== undefined) manifestElements.set(agent, Buffer.from(element));
    }
    return [agentFileOutput(agent)];
  },
  emitShared(agents) {
    return [
      outputFromChunks('manifest.json', manifestChunks(agents)),
      { path: 'manifest.schema.json', contents: manifestJsonSchema() },
    ];
  },
};
