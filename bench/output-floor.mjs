/**
 * The floor of agentc's default output: the least work that writes what `agents build` writes
 * per agent, on as many threads as there are cores (two here), with nothing else. Each source is
 * read and hashed, its frontmatter block cut at the first closing `---` line and given to
 * `yaml.parse`, and its record stringified (indented, as agents/<name>.json) and hashed; then
 * the six files the default targets write per agent: the JSON record, ESM and CommonJS modules
 * holding it, their two declarations, and the Claude Code file (the source's text). No
 * positions, diagnostics, validation, Claude Code reading, model resolution, manifest, index or
 * SDK modules, no atomic swap. agentc cold against this row is what its checks and its shared
 * files cost on top of its output. Usage: node bench/output-floor.mjs <corpus root> (writes
 * <root>/.output-floor).
 */
import { hash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { parse } from 'yaml';

if (isMainThread) {
  const root = path.resolve(process.argv[2] ?? '.');
  const outDir = path.join(root, '.output-floor');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'agents'), { recursive: true });
  mkdirSync(path.join(outDir, 'claude-code'), { recursive: true });
  const names = readdirSync(path.join(root, 'agents')).filter((file) => file.endsWith('.md')).sort();
  const threads = Math.max(1, availableParallelism());
  const share = (t) => names.filter((_, i) => i % threads === t);
  const others = Array.from({ length: threads - 1 }, (_, t) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { root, outDir, names: share(t + 1) } });
    return new Promise((resolve, reject) => worker.on('exit', resolve).on('error', reject));
  });
  writeAgents(root, outDir, share(0));
  await Promise.all(others);
} else {
  writeAgents(workerData.root, workerData.outDir, workerData.names);
}

function writeAgents(root, outDir, names) {
  for (const file of names) {
    const text = readFileSync(path.join(root, 'agents', file), 'utf8');
    const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*\r?\n/.exec(text);
    if (!match) continue;
    const name = file.slice(0, -3);
    const record = { ...parse(match[1]), prompt: text.slice(match[0].length), source: { path: `agents/${file}`, sha256: hash('sha256', text) } };
    const json = JSON.stringify(record, null, 2);
    const stamped = `${json.slice(0, -2)},\n  "hash": ${JSON.stringify(hash('sha256', json))}\n}\n`;
    const declaration = `import type { Agent } from "../index.js";\nexport declare const agent: Agent & { readonly name: ${JSON.stringify(name)} };\nexport default agent;\n`;
    const at = (ext) => path.join(outDir, 'agents', `${name}${ext}`);
    writeFileSync(at('.json'), stamped);
    writeFileSync(at('.js'), `const agent = ${stamped};\nexport { agent, agent as default };\n`);
    writeFileSync(at('.cjs'), `const agent = ${stamped};\nexports.agent = agent;\nexports.default = agent;\n`);
    writeFileSync(at('.d.ts'), declaration);
    writeFileSync(at('.d.cts'), declaration);
    writeFileSync(path.join(outDir, 'claude-code', file), text);
  }
}
