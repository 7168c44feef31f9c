/**
 * The naive floor: read each agent file, `yaml.parse` its frontmatter, write one JSON per
 * agent and a manifest. No validation, no positions, no atomic output: what any compiler
 * must at least do. Usage: node bench/floor.mjs <corpus root> (writes <root>/.floor).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(process.argv[2] ?? '.');
const agentsDir = path.join(root, 'agents');
const outDir = path.join(root, '.floor');
await rm(outDir, { recursive: true, force: true });
await mkdir(path.join(outDir, 'agents'), { recursive: true });

const names = (await readdir(agentsDir)).filter((f) => f.endsWith('.md')).sort();
const manifest = [];
for (const file of names) {
  const text = await readFile(path.join(agentsDir, file), 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) continue;
  const agent = { ...parse(match[1]), prompt: text.slice(match[0].length), source: `agents/${file}` };
  manifest.push(agent);
  await writeFile(path.join(outDir, 'agents', `${agent.name}.json`), `${JSON.stringify(agent, null, 2)}\n`);
}
await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify({ agents: manifest }, null, 2)}\n`);
