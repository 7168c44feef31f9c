/**
 * Stage 6, resolve: `inherit` (or no model) -> the config's default; an alias -> its id;
 * a full id passes through. Both what was written and what it became are kept.
 */
import type { Report } from '../diagnostics.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Frontmatter } from './frontmatter/index.js';
import { closest } from '../util/closest.js';

/** Aliases Claude Code itself understands; without a configured id they pass through as-is. */
export const CLAUDE_CODE_MODEL_ALIASES = ['sonnet', 'opus', 'haiku', 'fable', 'opusplan', 'default'] as const;

export interface ResolvedModel {
  requested: string;
  resolved: string;
}

export function resolveModel(
  name: string,
  written: string | undefined,
  models: ResolvedConfig['models'],
  frontmatter: Frontmatter,
  report: Report,
): ResolvedModel {
  // hasOwn: an agent named `constructor` must not get Object.prototype.constructor as its model.
  const requested = (Object.hasOwn(models.overrides, name) ? models.overrides[name] : undefined) ?? written ?? 'inherit';
  if (requested === 'inherit') return { requested, resolved: models.default ?? 'inherit' };
  const aliased = Object.hasOwn(models.aliases, requested) ? models.aliases[requested] : undefined;
  if (aliased !== undefined) return { requested, resolved: aliased };
  const known = (CLAUDE_CODE_MODEL_ALIASES as readonly string[]).includes(requested) || /^claude-[a-z0-9.-]+$/.test(requested);
  if (!known) {
    const close = closest(requested, ['inherit', ...CLAUDE_CODE_MODEL_ALIASES, ...Object.keys(models.aliases)]);
    const hint = close ? `; did you mean \`${close}\`?` : '';
    report('model/unknown', `Model ${JSON.stringify(requested)} is not \`inherit\`, a configured alias (${Object.keys(models.aliases).join(', ') || 'none'}), or a \`claude-…\` model id; kept as written${hint}`, frontmatter.locate(['model']));
  }
  return { requested, resolved: requested };
}
