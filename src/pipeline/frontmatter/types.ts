import type { Range } from '../../diagnostics.js';

/** How the frontmatter was read. */
export type FrontmatterMode =
  /** Valid YAML: exactly the values the `yaml` package gives. */
  | 'yaml'
  /** Not YAML, read the way Claude Code's own fallback reads it (Claude Code loads the file). */
  | 'claude-code'
  /** Not YAML and Claude Code drops the file; agentc read the author's evident intent. */
  | 'recovered';

export type FieldPath = readonly (string | number)[];

export interface Frontmatter {
  mode: FrontmatterMode;
  /** Top-level fields in source order (plain data; `__proto__` and friends are own data keys). */
  data: Record<string, unknown>;
  /** File positions of a field's key or value, for diagnostics. */
  locate(path: FieldPath, part?: 'key' | 'value'): Range | undefined;
}

/** Build a plain object without ever invoking the `__proto__` setter. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment is several times faster, and the same for a key found nowhere on the object or
  // its prototypes; a key that is (`__proto__`'s setter, a frozen `toString`) is defined.
  if (key in target) Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
