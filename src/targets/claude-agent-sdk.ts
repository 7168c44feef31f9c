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
 *
 * When the `ts` target runs too, the module takes each agent's long texts (description,
 * prompt, initialPrompt) from the agent's own module (agents/<name>.js / .cjs) instead of
 * holding a second copy of every prompt; the short fields stay inline, as fresh mutable values.
 * Either way each definition has the same keys, in the same order, with the same values.
 */
import type { ResolvedConfig } from '../config/schema.js';
import { EFFORT_LEVELS, MEMORY_SCOPES, type Agent } from '../ir.js';
import { GENERATED_HEADER, JS_EXT, jsValue, MODULE_FORMATS, literalUnionPieces, propertyKey, stringLiteral, textAround, unionType, type ModuleFormat } from './js.js';
import { isRetaining, memoByIdentity } from '../util/memo.js';
import { copyJson } from '../util/text.js';
import { sameNames } from './same-names.js';
import { agentBinding, cjsExports, dualExport } from './ts.js';
import { copyOutput, listChunks, outputFromChunks, outputFromLines, type EmitContext, type OutputFile, type Target } from './types.js';

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
  const definition: SdkAgentDefinition = { description: agent.description, prompt: agent.prompt, model: agent.model.resolved };
  const dropped: string[] = [];
  for (const field of MAPPED) {
    const value = agent[field];
    if (value === undefined) continue;
    if (field === 'permissionMode' && !(SDK_PERMISSION_MODES as readonly unknown[]).includes(value)) dropped.push(field);
    // A fresh copy: the caller may change the definition, never the agent.
    else definition[field] = copyJson(value, jsonLeaf);
  }
  for (const field of UNMAPPED) if (agent[field] !== undefined) dropped.push(field);
  dropped.push(...Object.keys(agent.extra));
  return { definition, dropped };
}

/** A leaf as a JSON round trip gives it back (an agent's fields are JSON data, json-data.ts): -0 is 0. */
const jsonLeaf = (value: unknown): unknown => (Object.is(value, -0) ? 0 : value);

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

/**
 * The module is one big value after the imports (when the definitions reference the agent
 * modules), written directly: the ESM text is what esbuild printed for it, the CommonJS one has
 * the same exports object (see ts.ts cjsExports). test/targets/modules.test.ts holds both
 * to esbuild's output.
 */
export function sdkModule(imports: string, value: string, format: ModuleFormat): string {
  const body = `${imports}const agents = ${value};\n`;
  return format === 'esm' ? `${body}var stdin_default = agents;\nexport {\n  agents,\n  stdin_default as default\n};\n` : `${body}${cjsExports({ agents: 'agents', default: 'agents' })}`;
}

/** The declarations, from the names' literals (stringLiteral of each), a text per literal (see types.ts outputFromLines). */
function* sdkDeclarationLines(nameLiterals: readonly string[]): Generator<string> {
  yield `${GENERATED_HEADER}
/** The name of every agent: a union of literals. */
export type AgentName = `;
  yield* literalUnionPieces(nameLiterals);
  yield `;

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

/** Fields read from the agent's ts module when it is emitted: the long texts. */
const REFERENCED = new Set(['description', 'prompt', 'initialPrompt']);
/** Stands for the agent's binding in a rendered definition (JSON text never holds a raw NUL). */
const BINDING = '\u0000';

/**
 * Per agent, memoized by identity (a watch rebuild re-renders only the agents that changed):
 * the dropped fields, and the agent's property in the modules' object, with its definition as
 * jsValue's text, either whole (`inlineEntry`) or with the long texts read from the agent's
 * module, bound as `a<index>` (`referencedEntry`; kept for the last index asked).
 */
const renderedDefinition = memoByIdentity((agent: Agent) => {
  const { definition, dropped } = toAgentDefinition(agent);
  const key = propertyKey(agent.name);
  let inline: Buffer | undefined;
  let referenced: string[] | undefined;
  let last: { index: number; text: string } | undefined;
  return {
    dropped,
    // As UTF-8: the modules are written from these pieces (see emit), never as one string.
    inlineEntry: () => (inline ??= Buffer.from(`  ${key}: ${jsValue(definition, { freeze: false, indent: '  ' })}`)),
    referencedEntry(index: number): string {
      referenced ??= referencedParts(definition);
      if (last?.index !== index) last = { index, text: `  ${key}: ${referenced.join(`a${index}`)}` };
      return last.text;
    },
  };
});

/** jsValue's layout of the definition (one property per line) with BINDING where the agent's binding goes. */
function referencedParts(definition: SdkAgentDefinition): string[] {
  let text = '{';
  for (const name of Object.keys(definition)) {
    const value = definition[name];
    if (value === undefined) continue;
    text += `${text === '{' ? '\n' : ',\n'}    ${propertyKey(name)}: ${REFERENCED.has(name) ? `${BINDING}.${name}` : jsValue(value, { freeze: false, indent: '    ' })}`;
  }
  return `${text}\n  }`.split(BINDING);
}

/**
 * What depends only on the agents' names, in order (their literals, and each format's imports of
 * the agent modules, a line each): a rebuild that keeps every name (a watch edit) reuses it.
 */
let lastNames: { agents: readonly Agent[]; literals: string[]; imports: Record<ModuleFormat, string[]> } | undefined;
function byNames(agents: readonly Agent[]): NonNullable<typeof lastNames> {
  if (lastNames && sameNames(lastNames.agents, agents)) return lastNames;
  const literals = agents.map((agent) => stringLiteral(agent.name));
  lastNames = { agents, literals, imports: { esm: [...importLines(literals, 'esm')], cjs: [...importLines(literals, 'cjs')] } };
  return lastNames;
}

/** Each agent module's import (or require) line, in order. */
function* importLines(literals: readonly string[], format: ModuleFormat): Generator<string> {
  for (let i = 0; i < literals.length; i++) yield agentBinding(literals[i]!, i, format);
}

/**
 * A module that reads the long texts from the agent modules: its import lines, then the
 * entries, a line each (given to textPieces or pieceStream): sdkModule's text, never made as
 * one string.
 */
function* referencingModuleLines(imports: Iterable<string>, entries: readonly string[], format: ModuleFormat): Generator<string> {
  const [before, after] = SDK_MODULE_AROUND[format];
  const last = entries.length - 1;
  yield GENERATED_HEADER;
  yield* imports;
  yield `${before}${last < 0 ? '{}' : '{\n'}`;
  for (let i = 0; i <= last; i++) yield `${entries[i]}${i < last ? ',\n' : '\n}'}`;
  yield after;
}

/** The last modules made, and the entries they were made of. */
let lastModules: { reference: boolean; entries: (string | Uint8Array)[]; files: OutputFile[] } | undefined;

const ENTRY_SEPARATOR = Buffer.from(',\n');
/** The modules' own text (without imports) before and after the `agents` object. */
const SDK_MODULE_AROUND: Record<ModuleFormat, readonly [string, string]> = {
  esm: textAround((value) => sdkModule('', value, 'esm')),
  cjs: textAround((value) => sdkModule('', value, 'cjs')),
};

/**
 * A module whose entries hold every agent's texts (a build without the ts target), in UTF-8
 * pieces: each agent's entry, between the pieces of the module's own text. Made as one string,
 * these were two strings of ~79 MB at 10k agents (peak RSS ~950 MB, and ~4 s of the build).
 */
function inlineModule(entries: readonly Uint8Array[], format: ModuleFormat): Uint8Array[] {
  const [before, after] = SDK_MODULE_AROUND[format];
  if (entries.length === 0) return [Buffer.from(`${GENERATED_HEADER}${before}{}${after}`)];
  return listChunks(`${GENERATED_HEADER}${before}{\n`, entries, ENTRY_SEPARATOR, `\n}${after}`);
}

/**
 * Whether the modules hold every agent's description and prompt themselves: without the ts
 * target there are no agent modules to read them from (a config lists built-in targets by name).
 */
export function sdkInlinesPrompts(config: Pick<ResolvedConfig, 'targets'>): boolean {
  return !config.targets.includes('ts');
}

export const claudeAgentSdkTarget: Target = {
  name: 'claude-agent-sdk',
  emit(agents, context) {
    const reference = !sdkInlinesPrompts(context.config);
    // jsValue's object layout, assembled from per-agent pieces.
    const entries = agents.map((agent, i) => {
      const rendered = renderedDefinition(agent);
      reportDropped(agent, rendered.dropped, context);
      return reference ? rendered.referencedEntry(i) : rendered.inlineEntry();
    });
    const retaining = isRetaining();
    // A watch edit of a prompt or description (read from the agent module) changes no entry: keep the last files.
    if (retaining && lastModules?.reference === reference && lastModules.entries.length === entries.length && lastModules.entries.every((entry, i) => entry === entries[i])) {
      return lastModules.files.map(copyOutput);
    }
    // A one-shot build keeps nothing: the modules' texts are made as they are written (outputFromLines).
    const names = retaining ? byNames(agents) : undefined;
    const literals = names?.literals ?? agents.map((agent) => stringLiteral(agent.name));
    const files = MODULE_FORMATS.flatMap((format) => {
      const path = `claude-agent-sdk${JS_EXT[format].js}`;
      return [
        reference
          ? outputFromLines(path, () => referencingModuleLines(names?.imports[format] ?? importLines(literals, format), entries as string[], format))
          : outputFromChunks(path, inlineModule(entries as Uint8Array[], format)),
        outputFromLines(`claude-agent-sdk${JS_EXT[format].dts}`, () => sdkDeclarationLines(literals)),
      ];
    });
    lastModules = retaining ? { reference, entries, files } : undefined;
    return files.map(copyOutput);
  },
  exports() {
    return { './claude-agent-sdk': dualExport('./claude-agent-sdk') };
  },
};
