/**
 * The `claude-agent-sdk` target: claude-agent-sdk.js/.cjs/.d.ts/.d.cts exporting `agents`, a
 * `Record<AgentName, AgentDefinition>` for `query({ options: { agents } })` of
 * @anthropic-ai/claude-agent-sdk. The body becomes `prompt`, the model is the resolved one.
 * Fields an AgentDefinition has no place for are left out, each agent's named in one
 * `target/dropped-field` diagnostic at the first such field.
 *
 * The declarations are self-contained (no import of the SDK, no dependency on the `ts`
 * target): `AgentDefinition` here is the subset of the SDK's type that agentc fills, with the
 * SDK's own mutable arrays, so it is assignable to the SDK's `Options['agents']`.
 */
import { EFFORT_LEVELS, MEMORY_SCOPES, type Agent } from '../ir.js';
import { GENERATED_HEADER, JS_EXT, jsValue, propertyKey, transpile, unionType, type ModuleFormat } from './js.js';
import { memoByIdentity } from '../util/memo.js';
import { dualExport, jsonData } from './ts.js';
import type { EmitContext, OutputFile, Target } from './types.js';

/** The SDK's PermissionMode (0.3.x): Claude Code's `manual` is not one of them. */
export const SDK_PERMISSION_MODES = ['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk', 'auto'] as const;

/** Agent fields that map one to one onto AgentDefinition fields (besides description, prompt, model). */
const MAPPED = ['tools', 'disallowedTools', 'permissionMode', 'maxTurns', 'skills', 'mcpServers', 'memory', 'background', 'effort', 'initialPrompt'] as const;
/** Agent fields the SDK has no place for. */
const UNMAPPED = ['hooks', 'isolation', 'color'] as const;

export interface SdkAgentDefinition {
  description: string;
  prompt: string;
  model: string;
  [field: string]: unknown;
}

/** One agent as an AgentDefinition, and the frontmatter fields that had to be left out. */
export function toAgentDefinition(agent: Agent): { definition: SdkAgentDefinition; dropped: string[] } {
  const data = jsonData(agent);
  const definition: SdkAgentDefinition = { description: agent.description, prompt: agent.prompt, model: agent.model.resolved };
  const dropped: string[] = [];
  for (const field of MAPPED) {
    if (data[field] === undefined) continue;
    if (field === 'permissionMode' && !(SDK_PERMISSION_MODES as readonly unknown[]).includes(data[field])) dropped.push(field);
    else definition[field] = data[field];
  }
  for (const field of UNMAPPED) if (data[field] !== undefined) dropped.push(field);
  dropped.push(...Object.keys(agent.extra));
  return { definition, dropped };
}

function reportDropped(agent: Agent, dropped: readonly string[], context: EmitContext): void {
  // In source order, reported at the first.
  if (dropped.includes('permissionMode')) {
    // Without a mode the SDK runs the subagent in the parent's, which may allow more than the file asked for.
    context.report(agent, 'target/dropped-permission-mode', `The claude-agent-sdk target cannot express \`permissionMode: ${String(agent.permissionMode)}\`: the subagent will run in its parent's permission mode, which may allow more`, 'permissionMode');
    dropped = dropped.filter((field) => field !== 'permissionMode');
  }
  if (dropped.length === 0) return;
  dropped = [...dropped].sort((a, b) => position(agent, a) - position(agent, b));
  const names = dropped.map((field) => `\`${field}\``);
  context.report(agent, 'target/dropped-field', `The claude-agent-sdk target leaves out ${names.join(', ')}: the Agent SDK's AgentDefinition has no place for ${dropped.length === 1 ? 'it' : 'them'}`, dropped[0]);
}

function position(agent: Agent, field: string): number {
  const at = Object.hasOwn(agent.source.positions, field) ? agent.source.positions[field] : undefined;
  return at ? at.line * 1e6 + at.column : Number.MAX_SAFE_INTEGER;
}

const PLACEHOLDER = '__agentc_sdk_agents__';
const shells = new Map<ModuleFormat, [string, string]>();

/**
 * The module is one big value: esbuild transpiles the module around a placeholder once per
 * format, and the value's expression (from jsValue) goes in its place. Re-printing megabytes of
 * prompts through esbuild cost ~1.5 s over the test corpus for the same values.
 */
function sdkModule(value: string, format: ModuleFormat): string {
  let shell = shells.get(format);
  if (!shell) {
    const code = transpile(`export const agents = ${PLACEHOLDER};\nexport default agents;\n`, format);
    const at = code.indexOf(PLACEHOLDER);
    if (at === -1 || code.indexOf(PLACEHOLDER, at + 1) !== -1) throw new Error('claude-agent-sdk target: unexpected esbuild output');
    shell = [code.slice(0, at), code.slice(at + PLACEHOLDER.length)];
    shells.set(format, shell);
  }
  return shell[0] + value + shell[1];
}

function sdkDeclaration(names: readonly string[]): string {
  return `${GENERATED_HEADER}
/** The name of every agent: a union of literals. */
export type AgentName = ${unionType(names)};

/** An MCP server for one agent: its name, or an inline \`{ name: config }\` as the SDK takes it. */
export type AgentMcpServerSpec = string | Record<string, any>;

/** The fields of the Claude Agent SDK's AgentDefinition that agentc fills. */
export interface AgentDefinition {
  description: string;
  prompt: string;
  model?: string;
  tools?: string[];
  disallowedTools?: string[];
  permissionMode?: ${unionType(SDK_PERMISSION_MODES)};
  maxTurns?: number;
  skills?: string[];
  mcpServers?: AgentMcpServerSpec[];
  memory?: ${unionType(MEMORY_SCOPES)};
  background?: boolean;
  effort?: ${unionType(EFFORT_LEVELS)};
  initialPrompt?: string;
}

/** For \`query({ prompt, options: { agents } })\`. */
export declare const agents: Record<AgentName, AgentDefinition>;
export default agents;
`;
}

const renderedDefinition = memoByIdentity((agent: Agent) => {
  const { definition, dropped } = toAgentDefinition(agent);
  return { dropped, text: jsValue(definition, { freeze: false, indent: '  ' }) };
});

export const claudeAgentSdkTarget: Target = {
  name: 'claude-agent-sdk',
  emit(agents, context) {
    // jsValue's object layout, assembled from per-agent pieces (memoized: a watch rebuild
    // re-renders only the agents that changed).
    const entries = agents.map((agent) => {
      const { dropped, text } = renderedDefinition(agent);
      reportDropped(agent, dropped, context);
      return `  ${propertyKey(agent.name)}: ${text}`;
    });
    const names = agents.map((agent) => agent.name);
    const value = entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n}`;
    const files: OutputFile[] = [];
    for (const format of ['esm', 'cjs'] as const satisfies readonly ModuleFormat[]) {
      files.push({ path: `claude-agent-sdk${JS_EXT[format].js}`, contents: GENERATED_HEADER + sdkModule(value, format) });
      files.push({ path: `claude-agent-sdk${JS_EXT[format].dts}`, contents: sdkDeclaration(names) });
    }
    return files;
  },
  exports() {
    return { './claude-agent-sdk': dualExport('./claude-agent-sdk') };
  },
};

