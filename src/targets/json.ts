/** The `json` target: manifest.json, its JSON Schema, and one JSON file per agent. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, type Agent, type Manifest } from '../ir.js';
import type { AgentDraft } from '../pipeline/analyze.js';
import type { OutputFile, Target } from './types.js';

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stamp an agent with the hash of its own record. */
export function withHash(draft: AgentDraft): Agent {
  return { ...draft, hash: sha256(JSON.stringify(draft)) };
}

export function createManifest(agents: readonly Agent[]): Manifest {
  return {
    $schema: './manifest.schema.json',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    hash: sha256(agents.map((a) => a.hash).join('\n')),
    agents: [...agents],
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

export const jsonTarget: Target = {
  name: 'json',
  emit(agents) {
    const files: OutputFile[] = [
      { path: 'manifest.json', contents: toJson(createManifest(agents)) },
      { path: 'manifest.schema.json', contents: manifestJsonSchema() },
    ];
    for (const agent of agents) files.push({ path: `agents/${agent.name}.json`, contents: toJson(agent) });
    return files;
  },
};
