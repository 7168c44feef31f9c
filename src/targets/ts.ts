/**
 * The `ts` target: typed modules for TypeScript and JavaScript services.
 *
 *   index.js / index.cjs          `agents` (frozen, keyed by name), `agentNames`, `getAgent`, `isAgentName`
 *   index.d.ts / index.d.cts      those plus `type Agent`, `type AgentName` (a union of literal names)
 *   agents/<name>.js / .cjs       one agent per module (`agent`, also the default export)
 *   agents/<name>.d.ts / .d.cts   its type: `Agent` narrowed to the literal name, model, tools, ...
 *
 * Everything is written directly (no esbuild at build time): the ESM text is what esbuild printed
 * when it generated these modules, and the CommonJS modules export the same objects as esbuild's
 * (test/targets/modules.test.ts holds both to esbuild). Values are the JSON records'
 * (agents/<name>.json), exactly.
 */
import { EFFORT_LEVELS, ISOLATION_MODES, MEMORY_SCOPES, PERMISSION_MODES, type Agent } from '../ir.js';
import { frozenJsFromJson, GENERATED_HEADER, JS_EXT, MODULE_FORMATS, literalType, literalUnionPieces, stringLiteral, textAround, unionType, type ModuleFormat } from './js.js';
import { agentJson } from './json.js';
import { copyOutput, outputFromChunks, outputFromLines, type OutputFile, type PackageExport, type Target } from './types.js';
import { isRetaining, memoByIdentity } from '../util/memo.js';
import { sameNames } from './same-names.js';


/** Fields whose literal types help a consumer (a model id, a tool list); long texts stay `string`. */
const LITERAL_FIELDS = ['name', 'model', 'tools', 'disallowedTools', 'permissionMode', 'maxTurns', 'skills', 'memory', 'background', 'effort', 'isolation', 'color'] as const;

/** An export entry with ESM and CommonJS conditions, `types` first in each (TypeScript needs that order). */
export function dualExport(base: string): PackageExport {
  return {
    import: { types: `${base}${JS_EXT.esm.dts}`, default: `${base}${JS_EXT.esm.js}` },
    require: { types: `${base}${JS_EXT.cjs.dts}`, default: `${base}${JS_EXT.cjs.js}` },
  };
}

/**
 * One agent's ESM module around its value (the record as frozen JavaScript): the bytes esbuild
 * printed for `export const agent = <value>; export default agent;` (test/targets/modules.test.ts).
 */
export function esmAgentModule(value: string): string {
  return `const agent = ${value};\nvar stdin_default = agent;\nexport {\n  agent,\n  stdin_default as default\n};\n`;
}

/**
 * The same module as CommonJS: the exports object esbuild's CommonJS gives (`__esModule`, then
 * `agent` and `default` as enumerable getters, none configurable or writable) without its ~900
 * bytes of helpers in each of thousands of files. test/targets/ts.test.ts and
 * test/targets/modules.test.ts compare the two, descriptors and ESM view included.
 */
export function cjsAgentModule(value: string): string {
  return (
    `const agent = ${value};\n` +
    'module.exports = Object.defineProperties({}, {\n' +
    '  __esModule: { value: true },\n' +
    '  agent: { get: () => agent, enumerable: true },\n' +
    '  default: { get: () => agent, enumerable: true }\n' +
    '});\n'
  );
}

/** The agent's literal type, written once for both declarations (they differ only in the import). */
function agentDeclarationType(agent: Agent): string {
  // The literal fields are JSON data as they are (strings, string lists, a positive integer, a
  // boolean, the model's two strings: see AgentSchema), so they are typed from the record
  // directly; a JSON round trip of them (once here) changed nothing and cost a tenth of the target.
  const literal: Record<string, unknown> = {};
  for (const field of LITERAL_FIELDS) if (agent[field] !== undefined) literal[field] = agent[field];
  return literalType(literal);
}

function agentDeclaration(type: string, format: ModuleFormat): string {
  return (
    GENERATED_HEADER +
    `import type { Agent } from ${stringLiteral(`../index${JS_EXT[format].js}`)};\n\n` +
    `export declare const agent: Agent & ${type};\n` +
    'export default agent;\n'
  );
}

/**
 * index.js / index.cjs, written directly (esbuild is not started for them). The ESM text is
 * byte for byte what esbuild printed for the TypeScript index this replaced; the CommonJS one
 * has the same exports object as esbuild's (`__esModule`, then an enumerable getter per export
 * in name order). test/targets/modules.test.ts holds both to esbuild's output.
 */
export function indexModule(agents: readonly Agent[], format: ModuleFormat): string {
  return [...indexModuleLines(agents.map((agent) => stringLiteral(agent.name)), format)].join('');
}

/**
 * `"./agents/<name><ext>"` from the name's literal: JSON escapes character by character, so this
 * is stringLiteral of the path without escaping the name a second time.
 */
function agentPathLiteral(nameLiteral: string, ext: string): string {
  return `"./agents/${nameLiteral.slice(1, -1)}${ext}"`;
}

/** How a module binds agent i's record from its agent module: an import in ESM, a require in CommonJS. */
export function agentBinding(nameLiteral: string, i: number, format: ModuleFormat): string {
  const file = agentPathLiteral(nameLiteral, JS_EXT[format].js);
  return format === 'esm' ? `import { agent as a${i} } from ${file};\n` : `const a${i} = require(${file}).agent;\n`;
}

// The index files of 10,000 agents are four texts of ~10,000 lines each, made once per build
// with code V8 has not optimized yet: plain loops over the names' literals, made once for all
// four, the lines given to textPieces or pieceStream (never one string of megabytes, see there).
function* indexModuleLines(literals: readonly string[], format: ModuleFormat): Generator<string> {
  const last = literals.length - 1;
  for (let i = 0; i <= last; i++) yield agentBinding(literals[i]!, i, format);
  yield `const agents = Object.freeze({${last >= 0 ? '\n' : ''}`;
  for (let i = 0; i <= last; i++) {
    const literal = literals[i]!;
    yield `  ${literal === '"__proto__"' ? `[${literal}]` : literal}: a${i}${i < last ? ',' : ''}\n`;
  }
  yield `});\nconst agentNames = /* @__PURE__ */ Object.freeze([${last >= 0 ? '\n' : ''}`;
  for (let i = 0; i <= last; i++) yield `  ${literals[i]}${i < last ? ',' : ''}\n`;
  yield ']);\n' +
    'function isAgentName(name) {\n' +
    '  return typeof name === "string" && Object.hasOwn(agents, name);\n' +
    '}\n' +
    'function getAgent(name) {\n' +
    '  if (!isAgentName(name)) throw new RangeError(`agentc: no agent named ${JSON.stringify(name)}`);\n' +
    '  return agents[name];\n' +
    '}\n';
  if (format === 'esm') yield 'var stdin_default = agents;\nexport {\n  agentNames,\n  agents,\n  stdin_default as default,\n  getAgent,\n  isAgentName\n};\n';
  else yield cjsExports({ agentNames: 'agentNames', agents: 'agents', default: 'agents', getAgent: 'getAgent', isAgentName: 'isAgentName' });
}

/** The index module's file: the generated header, then indexModuleLines. */
function* indexModuleText(literals: readonly string[], format: ModuleFormat): Generator<string> {
  yield GENERATED_HEADER;
  yield* indexModuleLines(literals, format);
}

/** module.exports as esbuild's CommonJS output makes it: `__esModule`, then a getter per export (in the order given). */
export function cjsExports(exports: Record<string, string>): string {
  const getters = Object.entries(exports).map(([name, local]) => `  ${name}: { get: () => ${local}, enumerable: true }`);
  return `module.exports = Object.defineProperties({}, {\n  __esModule: { value: true },\n${getters.join(',\n')}\n});\n`;
}

const ENUMS = `
export type PermissionMode = ${unionType(PERMISSION_MODES)};
export type MemoryScope = ${unionType(MEMORY_SCOPES)};
export type EffortLevel = ${unionType(EFFORT_LEVELS)};
export type IsolationMode = ${unionType(ISOLATION_MODES)};
`;

const AGENT_TYPE = `
export interface AgentExample {
  readonly context?: string;
  readonly user: string;
  readonly assistant: string;
  readonly commentary?: string;
}

/** An MCP server: its name, or an inline \`{ name: config }\`. */
export type McpServerSpec = string | { readonly [name: string]: unknown };

/** One compiled agent: the record of agents/<name>.json. */
export interface Agent {
  /** Unique agent id (the record key for the Claude Agent SDK). */
  readonly name: string;
  /** Routing text as authored, newlines restored. */
  readonly description: string;
  /** The description without its <example> blocks. */
  readonly summary: string;
  readonly examples: readonly AgentExample[];
  /** The markdown body: the system prompt, byte-exact. */
  readonly prompt: string;
  /** What the file wrote ('inherit' when absent) and the model id it resolves to. */
  readonly model: { readonly requested: string; readonly resolved: string };
  /** Absent: the agent inherits every tool. Empty: no tools. */
  readonly tools?: readonly string[];
  readonly disallowedTools?: readonly string[];
  readonly permissionMode?: PermissionMode;
  readonly maxTurns?: number;
  readonly skills?: readonly string[];
  readonly mcpServers?: readonly McpServerSpec[];
  readonly hooks?: { readonly [event: string]: unknown };
  readonly memory?: MemoryScope;
  readonly background?: boolean;
  readonly effort?: EffortLevel;
  readonly isolation?: IsolationMode;
  readonly initialPrompt?: string;
  readonly color?: string;
  /** Frontmatter keys agentc does not know, kept as written. */
  readonly extra: { readonly [key: string]: unknown };
  readonly source: {
    readonly path: string;
    readonly sha256: string;
    readonly frontmatter: 'yaml' | 'claude-code' | 'recovered';
    readonly positions: { readonly [field: string]: { readonly line: number; readonly column: number } };
  };
  /** sha256 of this record without \`hash\`. */
  readonly hash: string;
}
`;

function* indexDeclarationLines(literals: readonly string[], format: ModuleFormat): Generator<string> {
  const ext = JS_EXT[format].js;
  yield GENERATED_HEADER;
  for (let i = 0; i < literals.length; i++) yield `import type { agent as a${i} } from ${agentPathLiteral(literals[i]!, ext)};\n`;
  yield `${ENUMS}${AGENT_TYPE}\n/** The name of every agent: a union of literals. */\nexport type AgentName = `;
  yield* literalUnionPieces(literals);
  yield ';\n\n/** Every agent, keyed by name, each with its literal name, model and tools. */\nexport interface Agents {\n';
  for (let i = 0; i < literals.length; i++) yield `  readonly ${literals[i]}: typeof a${i};\n`;
  yield '}\n\nexport declare const agents: Agents;\nexport declare const agentNames: readonly [';
  for (let i = 0; i < literals.length; i++) yield i === 0 ? literals[i]! : `, ${literals[i]}`;
  yield `];
/** The agent of that name; throws a RangeError for any other string at run time. */
export declare function getAgent<N extends AgentName>(name: N): Agents[N];
export declare function isAgentName(name: unknown): name is AgentName;
export default agents;
`;
}

/** Per agent, memoized by identity: a watch rebuild re-renders only the agents that changed. */
// jsValue of the record's JSON data (agents/<name>.json), frozen, made from that JSON text (see frozenJsFromJson).
const agentValue = memoByIdentity((agent: Agent) => frozenJsFromJson(agentJson(agent)));
const agentDeclarations = memoByIdentity((agent: Agent): Record<ModuleFormat, string> => {
  const type = agentDeclarationType(agent);
  return { esm: agentDeclaration(type, 'esm'), cjs: agentDeclaration(type, 'cjs') };
});

/**
 * The index files depend only on the agents' names, in order: a rebuild that keeps every name
 * (a watch edit) reuses them instead of generating and transpiling megabytes again at 10k agents.
 */
let lastIndex: { agents: readonly Agent[]; files: OutputFile[] } | undefined;
function indexFiles(agents: readonly Agent[]): OutputFile[] {
  const retaining = isRetaining();
  if (retaining && lastIndex && sameNames(lastIndex.agents, agents)) return lastIndex.files.map(copyOutput);
  const literals = agents.map((agent) => stringLiteral(agent.name));
  const files = MODULE_FORMATS.flatMap((format) => [
    outputFromLines(`index${JS_EXT[format].js}`, () => indexModuleText(literals, format)),
    outputFromLines(`index${JS_EXT[format].dts}`, () => indexDeclarationLines(literals, format)),
  ]);
  // A one-shot build keeps none: its files are made as they are written (outputFromLines).
  lastIndex = retaining ? { agents, files } : undefined;
  return files.map(copyOutput);
}

/**
 * One agent's four module files, memoized: a watch rebuild hands back the same strings for an
 * unchanged agent (comparing them with the last build is then immediate).
 */
const agentModules = memoByIdentity((agent: Agent): OutputFile[] => {
  const value = agentValue(agent);
  const declarations = agentDeclarations(agent);
  return [
    outputFromChunks(`agents/${agent.name}${JS_EXT.esm.js}`, [MODULE_AROUND.esm[0], value, MODULE_AROUND.esm[1]]),
    { path: `agents/${agent.name}${JS_EXT.esm.dts}`, contents: declarations.esm },
    outputFromChunks(`agents/${agent.name}${JS_EXT.cjs.js}`, [MODULE_AROUND.cjs[0], value, MODULE_AROUND.cjs[1]]),
    { path: `agents/${agent.name}${JS_EXT.cjs.dts}`, contents: declarations.cjs },
  ];
});

/**
 * Each format's agent module before and after the value (the record as frozen JavaScript, ~15
 * KB): the modules are written as these three pieces. Made as one string, each would be copied
 * whole to be written (a flatten per module); with the JSON and Claude Code files in pieces too,
 * a cold 10k build ran ~140 -> ~107 young-generation collections.
 */
const MODULE_AROUND: Record<ModuleFormat, readonly [string, string]> = {
  esm: textAround((value) => GENERATED_HEADER + esmAgentModule(value)),
  cjs: textAround((value) => GENERATED_HEADER + cjsAgentModule(value)),
};

export const tsTarget: Target = {
  name: 'ts',
  emit(agents, context) {
    return [...tsTarget.emitShared!(agents, context), ...agents.flatMap((agent) => tsTarget.emitAgent!(agent, context))];
  },
  emitAgent(agent) {
    return agentModules(agent).map(copyOutput);
  },
  emitShared(agents) {
    return indexFiles(agents);
  },
  exports() {
    return { '.': dualExport('./index'), './agents/*': dualExport('./agents/*') };
  },
};
