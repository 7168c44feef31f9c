/** The built-in targets, in the order they run. Kept import-free so the config schema can use it. */
export const BUILTIN_TARGET_NAMES = ['json', 'ts', 'claude-agent-sdk', 'claude-code'] as const;
export type BuiltinTargetName = (typeof BUILTIN_TARGET_NAMES)[number];
