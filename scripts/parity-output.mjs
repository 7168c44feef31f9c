#!/usr/bin/env node
// Records what the real Claude Code loads from agentc's `claude-code` output.
//
// Compiles every repository folder of ../shared/corpus with the config below (each folder is
// its own project, as in test/corpus.test.ts) and test/fixtures/claude-code-output-probes, takes every file the `claude-code` target emits,
// and asks Claude Code (through scripts/parity.mjs: `supportedAgents()`, offline) what it
// loads from each. Writes test/fixtures/claude-code-output-parity.json, keyed by
// `<repo>/claude-code/<name>.md` (`probes/...` for the probes), with each emitted file's sha256, so
// test/targets/claude-code-parity.test.ts checks the output without the binary.
//
// Usage: npm run parity:output   (options of parity.mjs: --concurrency <n>, --no-batch)

import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { claudeCodeVersion, recordClaudeCode } from './parity.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(REPO, '../shared/corpus');
const OUT = path.join(REPO, 'test', 'fixtures', 'claude-code-output-parity.json');
/** Hand-made cases the corpus lacks (`---` in values, hostile strings, YAML 1.1 words), compiled as one more project. */
const PROBES = path.join(REPO, 'test', 'fixtures', 'claude-code-output-probes');

/** The config every corpus folder compiles with; the test reads it from the fixture. */
export const CONFIG = {
  include: ['**/*.md', '.claude/agents/**/*.md'],
  models: { default: 'claude-sonnet-4-5', aliases: { sonnet: 'claude-sonnet-4-5', opus: 'claude-opus-4-1', haiku: 'claude-haiku-4-5' } },
  targets: ['claude-code'],
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** agentc's compiler from src/, bundled on the fly (no build step needed). */
async function loadCompiler() {
  // Inside the repo, so the bundle's bare imports resolve from its node_modules.
  const file = path.join(REPO, 'node_modules', '.cache', `agentc-parity-output-${process.pid}.mjs`);
  await build({
    stdin: { contents: "export { compile, emit } from './src/compile.ts';\nexport { resolveConfig } from './src/config/load.ts';\n", resolveDir: REPO, loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: file, logLevel: 'error' });
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Every emitted claude-code file of the corpus: [{ id, repo, name, description, content }]. */
export async function corpusOutput(api) {
  const files = [];
  const repos = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory()).sort();
  const projects = [...repos.map((repo) => [repo, path.join(CORPUS, repo)]), ['probes', PROBES]];
  for (const [repo, root] of projects) {
    const config = api.resolveConfig(CONFIG, root, undefined, []);
    const { agents } = await api.compile(config);
    // One corpus file has an error (a name with a space), which stops its folder's build:
    // emit the valid agents directly, as the round-trip test does.
    const byName = new Map(agents.map((a) => [a.name, a]));
    for (const file of api.emit(agents, config)) {
      if (!file.path.startsWith('claude-code/')) continue;
      const agent = byName.get(path.posix.basename(file.path, '.md'));
      files.push({ id: `${repo}/${file.path}`, repo, agent, content: file.contents });
      if (!agent) throw new Error(`no agent for ${repo}/${file.path}`);
    }
  }
  return files;
}

async function main() {
  const args = process.argv.slice(2);
  const options = { concurrency: 3, batch: !args.includes('--no-batch'), progress: true };
  const c = args.indexOf('--concurrency');
  if (c >= 0) options.concurrency = Number(args[c + 1]);
  const api = await loadCompiler();
  const files = await corpusOutput(api);
  const version = claudeCodeVersion();
  const answers = await recordClaudeCode(files.map((f) => ({ id: f.id, content: f.content })), options);
  const out = {};
  for (const f of files) out[f.id] = { sha256: sha256(f.content), ...answers[f.id] };
  const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
  writeFileSync(OUT, `${JSON.stringify({ claudeCode: version, config: CONFIG, files: sorted }, null, 2)}\n`);
  const notLoaded = Object.values(out).filter((r) => !r.loaded).length;
  process.stderr.write(`parity:output: ${files.length} files, ${notLoaded} not loaded -> ${path.relative(process.cwd(), OUT)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
