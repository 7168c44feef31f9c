/**
 * Frontmatter values must be JSON data: the manifest is JSON and the JS modules must equal it.
 * YAML's explicit tags make other things (`!!binary` a Buffer, `!!set` a Set, `!!omap` a Map,
 * `!!timestamp` a Date), and `.inf`/`.nan` are numbers JSON cannot hold: JSON.stringify turned
 * them into `{}`, `null` or a string, silently, the JS modules disagreed, and the claude-code
 * target threw (found by fuzzing). Such a value is an error at its position.
 */
import type { Report } from '../diagnostics.js';
import type { FieldPath, Frontmatter } from './frontmatter/index.js';

export function checkJsonData(frontmatter: Frontmatter, report: Report): boolean {
  let ok = true;
  for (const key of Object.keys(frontmatter.data)) {
    const found = firstNonJson(frontmatter.data[key], [key]);
    if (!found) continue;
    report('agent/invalid-field', `\`${found.path.join('.')}\` is ${found.what}, which JSON cannot hold; write it as a string, number, list or map`, frontmatter.locate(found.path) ?? frontmatter.locate([key]));
    ok = false;
  }
  return ok;
}

function firstNonJson(value: unknown, path: (string | number)[]): { path: FieldPath; what: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, what: `the number ${String(value)}` };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstNonJson(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      const found = firstNonJson((value as Record<string, unknown>)[key], [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  const kind = value instanceof Uint8Array ? 'binary data (!!binary)' : value instanceof Set ? 'a set (!!set)' : value instanceof Map ? 'an ordered map (!!omap)' : value instanceof Date ? 'a timestamp (!!timestamp)' : `a ${typeof value}`;
  return { path, what: kind };
}
