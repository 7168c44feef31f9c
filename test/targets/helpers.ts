/** Shared by the target tests: compile a temporary project and write its output to disk. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, type CompileResult } from '../../src/compile.js';
import type { UserConfig } from '../../src/config/schema.js';
import { writeOutput } from '../../src/write.js';
import { configFor, makeProject } from '../helpers/project.js';

export interface Built extends CompileResult {
  root: string;
  outDir: string;
}

export async function buildProject(files: Record<string, string>, config: UserConfig = {}): Promise<Built> {
  const root = await makeProject(files);
  const result = await compile(configFor(root, config));
  const outDir = path.join(root, 'dist');
  if (result.errorCount === 0) await writeOutput(outDir, result.output);
  return { ...result, root, outDir };
}

/** Import an emitted ESM module fresh (a query string defeats the module cache). */
export async function importEsm(file: string): Promise<Record<string, unknown>> {
  return (await import(`${pathToFileURL(file).href}?t=${Math.random()}`)) as Record<string, unknown>;
}

export function requireCjs(file: string): Record<string, unknown> {
  return createRequire(import.meta.url)(file) as Record<string, unknown>;
}

/**
 * Every agent's full record, keyed by name: manifest.json lists each agent (without its prompt)
 * with the `file` that holds its record, and that file is read from the output.
 */
export function agentRecords(result: CompileResult): Record<string, unknown> {
  const manifest = JSON.parse(result.output.find((f) => f.path === 'manifest.json')!.contents) as { agents: { name: string; file: string }[] };
  return Object.fromEntries(manifest.agents.map((entry) => [entry.name, JSON.parse(result.output.find((f) => f.path === entry.file)!.contents) as unknown]));
}
