/** agentc's programmatic API. The CLI (`agents`) is a thin shell over these. */
export { build, type BuildOptions, type BuildResult } from './build.js';
export { createBuilder, type Builder, type BuilderOptions, type BuilderEvents, type BuilderEventName, type BuildSummary, type BuildReason, type WatchHandle } from './builder.js';
export { compile, type CompileResult } from './compile.js';
export { ConfigError, loadConfig, CONFIG_FILES } from './config/load.js';
export { resolveConfig } from './config/resolve.js';
export { defineConfig, ConfigSchema, type UserConfig, type ResolvedConfig } from './config/schema.js';
export type { Diagnostic } from './diagnostics.js';
export { AgentSchema, ManifestSchema, type Agent, type AgentExample, type Manifest } from './ir.js';
export { RULES, type RuleId, type Severity } from './rules.js';
export { analyzeText } from './pipeline/analyze.js';
export { OutputError } from './write.js';
export type { EmitContext, OutputFile, PackageExport, Target, TargetReport } from './targets/types.js';
export { BUILTIN_TARGETS } from './targets/index.js';
