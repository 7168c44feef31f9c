/**
 * dist/ as a downstream service gets it: build this repository's agents/, `npm pack` dist/,
 * install the tarball into a fresh project with the real @anthropic-ai/claude-agent-sdk and
 * typescript from the registry, then:
 *  1. `tsc --noEmit` passes with `module: nodenext` (ESM and a CommonJS .cts file) and again
 *     with `moduleResolution: bundler`, on code that assigns the agents to the SDK's own
 *     `Options` type and reads `getAgent('backend-elite').prompt`;
 *  2. a wrong agent name fails to type-check, with TS2345 at its line;
 *     (skipLibCheck, as services set it: the SDK's own .d.ts needs @types/node; agentc's
 *     declarations are checked without it in test/targets/ts.test.ts)
 *  3. plain `node` imports the package as ESM and requires it as CommonJS, and both print the
 *     same agent, the one agents/backend-elite.json holds (the file manifest.json names).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { cleanupTempDirs, REPO, tempDir } from './helpers/project.js';

/** The SDK version scripts/parity.mjs pins; TypeScript as this repository uses it. */
const SDK_VERSION = '0.3.330';

const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true', npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });

let consumer: string;
let agentRecord: unknown;

beforeAll(async () => {
  const project = await tempDir('agentc-producer-');
  await cp(path.join(REPO, 'agents'), path.join(project, 'agents'), { recursive: true });
  await cp(path.join(REPO, 'agents.config.ts'), path.join(project, 'agents.config.ts'));
  const result = await build({ cwd: project });
  expect(result.errorCount).toBe(0);
  const manifest = JSON.parse(await readFile(path.join(result.outDir, 'manifest.json'), 'utf8'));
  const entry = manifest.agents.find((a: { name: string }) => a.name === 'backend-elite');
  agentRecord = JSON.parse(await readFile(path.join(result.outDir, entry.file), 'utf8'));

  const packDir = await tempDir('agentc-dist-pack-');
  const [packed] = JSON.parse(npm(result.outDir, 'pack', '--json', '--pack-destination', packDir));
  consumer = await tempDir('agentc-service-');
  const typescript = JSON.parse(await readFile(path.join(REPO, 'node_modules/typescript/package.json'), 'utf8')).version as string;
  await writeFile(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'service', private: true, type: 'module', devDependencies: { '@anthropic-ai/claude-agent-sdk': SDK_VERSION, typescript } }, null, 2),
  );
  // Optional dependencies are the SDK's platform binaries of Claude Code: not needed to type-check.
  npm(consumer, 'install', '--omit=optional', path.join(packDir, packed.filename));

  const files: Record<string, string> = {
    'main.ts': [
      "import type { Options } from '@anthropic-ai/claude-agent-sdk';",
      "import { agents } from '@example/agents/claude-agent-sdk';",
      "import { agents as all, agentNames, getAgent, type Agent, type AgentName } from '@example/agents';",
      "import backendElite from '@example/agents/agents/backend-elite';",
      'const options: Options = { agents };',
      "const prompt: string = getAgent('backend-elite').prompt;",
      "const resolved: 'claude-sonnet-4-5' = all['backend-elite'].model.resolved;",
      'const first: AgentName = agentNames[0];',
      'const general: Agent = backendElite;',
      'export { options, prompt, resolved, first, general };',
      '',
    ].join('\n'),
    'wrong.ts': "import { getAgent } from '@example/agents';\n\nexport const prompt = getAgent('backend-elit').prompt;\n",
    'require.cts': [
      "import pkg = require('@example/agents');",
      "import sdk = require('@example/agents/claude-agent-sdk');",
      "const prompt: string = pkg.getAgent('backend-elite').prompt;",
      "const definition: { prompt: string } = sdk.agents['backend-elite'];",
      'export = { prompt, definition };',
      '',
    ].join('\n'),
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['main.ts', 'wrong.ts', 'require.cts'] }),
    'tsconfig.bundler.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['main.ts', 'wrong.ts'] }),
    'esm.mjs': "import { getAgent } from '@example/agents';\nimport { agents } from '@example/agents/claude-agent-sdk';\nconsole.log(JSON.stringify([getAgent('backend-elite'), agents['backend-elite']]));\n",
    'cjs.cjs': "const { getAgent } = require('@example/agents');\nconst { agents } = require('@example/agents/claude-agent-sdk');\nconsole.log(JSON.stringify([getAgent('backend-elite'), agents['backend-elite']]));\n",
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(consumer, name), text);
}, 300_000);

afterAll(cleanupTempDirs);

function tsc(project: string): { status: number | null; errors: string[] } {
  const run = spawnSync(process.execPath, [path.join(consumer, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'], { cwd: consumer, encoding: 'utf8' });
  return { status: run.status, errors: `${run.stdout}${run.stderr}`.split('\n').filter(Boolean) };
}

const WRONG_NAME = `wrong.ts(3,32): error TS2345: Argument of type '"backend-elit"' is not assignable to parameter of type 'AgentName'.`;

describe('the generated package in a TypeScript service', () => {
  it('type-checks with module nodenext, failing only on the wrong agent name', () => {
    const { status, errors } = tsc('tsconfig.json');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(WRONG_NAME);
    expect(status).toBe(2);
  });

  it('type-checks with moduleResolution bundler, failing only on the wrong agent name', () => {
    const { status, errors } = tsc('tsconfig.bundler.json');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(WRONG_NAME);
    expect(status).toBe(2);
  });

  it('imports as ESM and requires as CommonJS, printing the same agent', () => {
    const esm = execFileSync(process.execPath, ['esm.mjs'], { cwd: consumer, encoding: 'utf8' });
    const cjs = execFileSync(process.execPath, ['cjs.cjs'], { cwd: consumer, encoding: 'utf8' });
    expect(cjs).toBe(esm);
    const [agent, definition] = JSON.parse(esm);
    expect(agent).toEqual(agentRecord);
    expect(definition).toMatchObject({ description: agent.description, prompt: agent.prompt, model: 'claude-sonnet-4-5' });
  });
});
