/** The shape of agents.config.ts, validated by zod so a bad field gets a clear error. */
import { z } from 'zod';
import { RULES } from '../rules.js';
import { BUILTIN_TARGET_NAMES, type BuiltinTargetName } from '../targets/names.js';
import type { Target } from '../targets/types.js';

const RuleSetting = z.enum(['off', 'info', 'warn', 'error']);

/** Real agent files have ~2 KB and ~30 lines of frontmatter; these bounds are far above that and far below where input gets slow. */
export const DEFAULT_LIMITS = {
  maxFileBytes: 1024 * 1024,
  maxFrontmatterBytes: 64 * 1024,
  maxFrontmatterLines: 1000,
  maxNestingDepth: 32,
} as const;
export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

export const ConfigSchema = z.strictObject({
  /** Globs of agent files, relative to the project root. */
  include: z.array(z.string().min(1)).min(1).default(['agents/**/*.md']),
  exclude: z.array(z.string().min(1)).default([]),
  /** Output folder, relative to the project root; agentc owns it entirely. */
  outDir: z.string().min(1).default('dist'),
  models: z
    .strictObject({
      /** What `model: inherit` and an absent model resolve to. Unset: they stay `inherit`. */
      default: z.string().min(1).optional(),
      /** Alias -> model id, e.g. `{ sonnet: 'claude-sonnet-4-5' }`. */
      aliases: z.record(z.string(), z.string().min(1)).default({}),
      /** Agent name -> model (alias or id) that replaces what its file says. */
      overrides: z.record(z.string(), z.string().min(1)).default({}),
    })
    .default({ aliases: {}, overrides: {} }),
  /** The generated package in outDir. */
  package: z
    .strictObject({
      name: z.string().min(1).default('agents'),
      version: z.string().min(1).default('0.0.0'),
    })
    .default({ name: 'agents', version: '0.0.0' }),
  /**
   * What to emit: built-in target names, or plugin objects `{ name, emit(agents, context) }`.
   * Default: every built-in target (json, ts, claude-agent-sdk, claude-code).
   */
  targets: z
    .array(
      // One custom check, so the error names the choices (a union would say only "Invalid input").
      z.custom<BuiltinTargetName | Target>(
        (value) =>
          (BUILTIN_TARGET_NAMES as readonly unknown[]).includes(value) ||
          (typeof value === 'object' && value !== null && typeof (value as Target).name === 'string' && typeof (value as Target).emit === 'function'),
        { message: `a target is one of ${BUILTIN_TARGET_NAMES.map((n) => `'${n}'`).join(', ')} or an object { name, emit(agents, context) }` },
      ),
    )
    .superRefine((targets, ctx) => {
      const seen = new Set<string>();
      for (const [index, target] of targets.entries()) {
        const name = typeof target === 'string' ? target : target.name;
        if (seen.has(name)) ctx.addIssue({ code: 'custom', message: `target \`${name}\` is listed twice`, path: [index] });
        seen.add(name);
      }
    })
    .default([...BUILTIN_TARGET_NAMES]),
  /** Rule id -> 'off' | 'info' | 'warn' | 'error'. */
  rules: z
    .record(z.string(), RuleSetting)
    .superRefine((rules, ctx) => {
      for (const id of Object.keys(rules)) {
        if (!Object.hasOwn(RULES, id)) ctx.addIssue({ code: 'custom', message: `unknown rule id \`${id}\``, path: [id] });
      }
    })
    .default({}),
  /** Resource bounds on hostile or accidental input (see SECURITY.md); each breach is a positioned error. */
  limits: z
    .strictObject({
      /** Files larger than this are rejected without being read. */
      maxFileBytes: z.number().int().positive().default(DEFAULT_LIMITS.maxFileBytes),
      /** Frontmatter (between the `---` fences) larger than this, in UTF-8 bytes, is rejected unparsed. */
      maxFrontmatterBytes: z.number().int().positive().default(DEFAULT_LIMITS.maxFrontmatterBytes),
      /** Frontmatter with more lines than this is rejected unparsed. */
      maxFrontmatterLines: z.number().int().positive().default(DEFAULT_LIMITS.maxFrontmatterLines),
      /** YAML collections nested deeper than this are rejected (the YAML composer recurses per level). */
      maxNestingDepth: z.number().int().positive().default(DEFAULT_LIMITS.maxNestingDepth),
    })
    .default({ ...DEFAULT_LIMITS }),
});

export type UserConfig = z.input<typeof ConfigSchema>;
export type ResolvedConfig = z.output<typeof ConfigSchema> & {
  /** Absolute project root (the config file's folder, or the cwd without one). */
  root: string;
  /** Absolute path of the config file, if one was loaded. */
  file: string | undefined;
  /** Absolute paths of the config file and every file it imports. */
  dependencies: string[];
};

/** Typed identity: `export default defineConfig({ ... })` in agents.config.ts. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
