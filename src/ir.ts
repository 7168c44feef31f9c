/**
 * The Agent IR: what every target is made from, and (as JSON Schema) the manifest's contract.
 * Field order here is the order in the emitted JSON.
 */
import { z } from 'zod';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'auto', 'dontAsk', 'bypassPermissions', 'plan', 'manual'] as const;
export const MEMORY_SCOPES = ['user', 'project', 'local'] as const;
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export const ISOLATION_MODES = ['worktree'] as const;
export const CLAUDE_CODE_COLORS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan'] as const;

const Example = z.object({
  context: z.string().optional(),
  user: z.string(),
  assistant: z.string(),
  commentary: z.string().optional(),
});

const McpServerSpec = z.union([z.string(), z.record(z.string(), z.unknown())]);

const Point = z.object({ line: z.number().int(), column: z.number().int() });

/** Frontmatter fields after normalization, as validated. */
export const AgentFieldsSchema = z.object({
  name: z.string().min(1),
  description: z.string().refine((s) => s.trim() !== '', 'must not be empty'),
  tools: z.array(z.string()).optional(),
  disallowedTools: z.array(z.string()).optional(),
  model: z.string().min(1).optional(),
  permissionMode: z.enum(PERMISSION_MODES).optional(),
  maxTurns: z.number().int().positive().optional(),
  skills: z.array(z.string()).optional(),
  mcpServers: z.array(McpServerSpec).optional(),
  hooks: z.record(z.string(), z.unknown()).optional(),
  memory: z.enum(MEMORY_SCOPES).optional(),
  background: z.boolean().optional(),
  effort: z.enum(EFFORT_LEVELS).optional(),
  isolation: z.enum(ISOLATION_MODES).optional(),
  initialPrompt: z.string().optional(),
  color: z.string().optional(),
});
export type AgentFields = z.infer<typeof AgentFieldsSchema>;
export const KNOWN_FIELD_NAMES = Object.keys(AgentFieldsSchema.shape) as (keyof AgentFields)[];

export const AgentSchema = z.object({
  name: z.string().describe('Unique agent id (the record key for the Claude Agent SDK).'),
  description: z.string().describe('Routing text as authored, newlines restored.'),
  summary: z.string().describe('The description without its <example> blocks.'),
  examples: z.array(Example),
  prompt: z.string().describe('The markdown body: the system prompt, byte-exact.'),
  model: z.object({
    requested: z.string().describe("What the file wrote ('inherit' when absent)."),
    resolved: z.string().describe('The model id it resolves to under the config.'),
  }),
  tools: z.array(z.string()).optional().describe('Absent: the agent inherits every tool. []: no tools.'),
  disallowedTools: z.array(z.string()).optional(),
  permissionMode: z.enum(PERMISSION_MODES).optional(),
  maxTurns: z.number().int().positive().optional(),
  skills: z.array(z.string()).optional(),
  mcpServers: z.array(McpServerSpec).optional(),
  hooks: z.record(z.string(), z.unknown()).optional(),
  memory: z.enum(MEMORY_SCOPES).optional(),
  background: z.boolean().optional(),
  effort: z.enum(EFFORT_LEVELS).optional(),
  isolation: z.enum(ISOLATION_MODES).optional(),
  initialPrompt: z.string().optional(),
  color: z.string().optional(),
  extra: z.record(z.string(), z.unknown()).describe('Frontmatter keys agentc does not know, kept as written.'),
  source: z.object({
    path: z.string().describe('Source file, relative to the project root, posix separators.'),
    sha256: z.string(),
    frontmatter: z.enum(['yaml', 'claude-code', 'recovered']).describe('How the frontmatter was read.'),
    positions: z.record(z.string(), Point).describe('Where each frontmatter field starts (1-based).'),
  }),
  hash: z.string().describe('sha256 of this agent record\'s JSON text (two-space indent, as agents/<name>.json) without `hash`.'),
});
export type Agent = z.infer<typeof AgentSchema>;
export type AgentExample = z.infer<typeof Example>;

/** 2: manifest.json became an index; each agent's full record (with its prompt) is in its own file. */
export const MANIFEST_SCHEMA_VERSION = 2;

/** An agent in manifest.json: its record without `prompt`, and where the full record is. */
export const ManifestEntrySchema = z.object({
  name: AgentSchema.shape.name,
  file: z.string().describe('The full record, prompt included, relative to manifest.json: agents/<name>.json.'),
  ...AgentSchema.omit({ name: true, prompt: true }).shape,
  hash: z.string().describe('sha256 of the full agent record\'s JSON text (prompt included, two-space indent) without `hash`: the `hash` of its file.'),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const ManifestSchema = z.object({
  $schema: z.string().optional(),
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  hash: z.string().describe('sha256 over the agents\' hashes, in order.'),
  agents: z.array(ManifestEntrySchema).describe('Every agent, sorted by name, without its prompt.'),
});
export type Manifest = z.infer<typeof ManifestSchema>;
