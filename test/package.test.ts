/**
 * agentc as a dependency: `npm pack` this repository, install the tarball into a fresh
 * project, and run `npx agents build` there, as a downstream team would.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanupTempDirs, REPO, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true', npm_config_loglevel: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });

it('installs from its tarball and runs `npx agents build`', { timeout: 240_000 }, async () => {
  const packDir = await tempDir('agentc-pack-');
  const tarball = JSON.parse(npm(REPO, 'pack', '--json', '--pack-destination', packDir))[0].filename as string;
  const project = await tempDir('agentc-consumer-');
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(project, 'install', '--no-audit', '--no-fund', path.join(packDir, path.basename(tarball)));
  mkdirSync(path.join(project, 'agents'));
  writeFileSync(path.join(project, 'agents/helper.md'), '---\nname: helper\ndescription: Helps: with everything\nmodel: opus\n---\nYou help.\n');
  writeFileSync(
    path.join(project, 'agents.config.ts'),
    "import { defineConfig } from 'agentc';\nexport default defineConfig({ models: { aliases: { opus: 'claude-opus-4-1' } } });\n",
  );
  const output = execFileSync('npx', ['--no-install', 'agents', 'build'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(output).toBe('');
  // The command is the bundle of lib/cli (scripts/bundle-cli.mjs), which has the version built in.
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  expect(execFileSync('npx', ['--no-install', 'agents', '--version'], { cwd: project, encoding: 'utf8' }).trim()).toBe(version);
  expect(readFileSync(path.join(project, 'node_modules/agentc/bin/agents.js'), 'utf8')).toContain("import '../lib/bundle/agents.js';");
  const agent = JSON.parse(readFileSync(path.join(project, 'dist/agents/helper.json'), 'utf8'));
  expect(agent.description).toBe('Helps: with everything');
  expect(agent.model).toEqual({ requested: 'opus', resolved: 'claude-opus-4-1' });
  // The installed package's own API is importable with its types' entry point present.
  const api = await import(path.join(project, 'node_modules/agentc/lib/index.js'));
  expect(typeof api.build).toBe('function');
  expect(typeof api.defineConfig).toBe('function');
});
