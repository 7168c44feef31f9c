/**
 * dist/package.json: makes outDir an installable package. Name and version come from the
 * config's `package`; `exports` has each target's entries (ESM and CommonJS conditions, `types`
 * first) plus the JSON files; `files` lists what was emitted; no scripts, no dependencies.
 */
import type { ResolvedConfig } from '../config/schema.js';
import { compareCodeUnits } from '../util/text.js';
import type { OutputFile, PackageExport } from './types.js';

export const PACKAGE_JSON = 'package.json';

/**
 * What package.json depends on among the emitted paths, counted path by path: a one-shot
 * build adds each as it is made, watch mode also takes away the paths a rebuild removes
 * (so an edit does not pass over 60,000 paths at 10,000 agents).
 */
export class PackageLayout {
  private readonly topLevel = new Map<string, number>();
  private manifest = 0;
  private schema = 0;
  private agentJson = 0;

  add(p: string): void {
    this.count(p, 1);
  }

  remove(p: string): void {
    this.count(p, -1);
  }

  private count(p: string, delta: number): void {
    if (p === 'manifest.json') this.manifest += delta;
    else if (p === 'manifest.schema.json') this.schema += delta;
    else if (p.startsWith('agents/') && p.endsWith('.json')) this.agentJson += delta;
    if (p.startsWith('.') || p === PACKAGE_JSON) return;
    const slash = p.indexOf('/');
    const top = slash === -1 ? p : p.slice(0, slash);
    const count = (this.topLevel.get(top) ?? 0) + delta;
    if (count > 0) this.topLevel.set(top, count);
    else this.topLevel.delete(top);
  }

  get summary(): { topLevel: string[]; manifest: boolean; schema: boolean; agentJson: boolean } {
    return { topLevel: [...this.topLevel.keys()].sort(compareCodeUnits), manifest: this.manifest > 0, schema: this.schema > 0, agentJson: this.agentJson > 0 };
  }
}

export function packageJson(config: Pick<ResolvedConfig, 'package'>, layout: PackageLayout, exportsByTarget: readonly Record<string, PackageExport>[]): OutputFile {
  const { topLevel, manifest, schema, agentJson } = layout.summary;
  const exports: Record<string, PackageExport> = {};
  for (const entries of exportsByTarget) Object.assign(exports, entries);
  // The JSON outputs, when the json target ran: more specific than `./agents/*`, so Node and
  // TypeScript pick it for `.json` requests.
  if (manifest) exports['./manifest.json'] = './manifest.json';
  if (schema) exports['./manifest.schema.json'] = './manifest.schema.json';
  if (agentJson) exports['./agents/*.json'] = './agents/*.json';
  exports['./package.json'] = './package.json';

  const sorted = Object.fromEntries(Object.entries(exports).sort(([a], [b]) => (a === '.' ? -1 : b === '.' ? 1 : compareCodeUnits(a, b))));
  const root = sorted['.'];
  const pkg: Record<string, unknown> = {
    name: config.package.name,
    version: config.package.version,
    description: 'Agent definitions compiled by agentc.',
    type: 'module',
    sideEffects: false,
  };
  if (root && typeof root === 'object' && 'import' in root && 'require' in root) {
    const esm = root.import as Record<string, string>;
    const cjs = root.require as Record<string, string>;
    // For tools that predate `exports`.
    Object.assign(pkg, { main: cjs.default, module: esm.default, types: esm.types });
  }
  pkg.exports = sorted;
  pkg.files = topLevel;
  return { path: PACKAGE_JSON, contents: `${JSON.stringify(pkg, null, 2)}\n` };
}
