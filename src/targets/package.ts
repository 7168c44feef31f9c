/**
 * dist/package.json: makes outDir an installable package. Name and version come from the
 * config's `package`; `exports` has each target's entries (ESM and CommonJS conditions, `types`
 * first) plus the JSON files; `files` lists what was emitted; no scripts, no dependencies.
 */
import type { ResolvedConfig } from '../config/schema.js';
import { compareCodeUnits } from '../util/text.js';
import type { OutputFile, PackageExport } from './types.js';

export const PACKAGE_JSON = 'package.json';

export function packageJson(config: Pick<ResolvedConfig, 'package'>, files: readonly Pick<OutputFile, 'path'>[], exportsByTarget: readonly Record<string, PackageExport>[]): OutputFile {
  // One pass over the paths (60,000 at 10k agents, on every watch rebuild): what the exports and `files` need.
  let manifest = false;
  let schema = false;
  let agentJson = false;
  const topLevel = new Set<string>();
  for (const { path: p } of files) {
    if (p === 'manifest.json') manifest = true;
    else if (p === 'manifest.schema.json') schema = true;
    else if (!agentJson && p.startsWith('agents/') && p.endsWith('.json')) agentJson = true;
    if (p.startsWith('.') || p === PACKAGE_JSON) continue;
    const slash = p.indexOf('/');
    topLevel.add(slash === -1 ? p : p.slice(0, slash));
  }
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
  pkg.files = [...topLevel].sort(compareCodeUnits);
  return { path: PACKAGE_JSON, contents: `${JSON.stringify(pkg, null, 2)}\n` };
}
