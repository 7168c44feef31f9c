/** The `agents` command: exit codes, reporters, atomic output, config handling. */
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, cli, copyInto, FIXTURE_CONFIG, FIXTURES, makeProject, snapshotDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const GOOD = `---
name: good-agent
description: >-
  A valid agent that helps with everything.
  <example>Context: any. user: "help" assistant: "I'll use the good-agent agent"</example>
tools: Read, Grep
---
You help with everything you are asked, carefully.
`;

describe('agents build', () => {
  it('writes dist/ and exits 0', async () => {
    const root = await makeProject({ 'agents/good-agent.md': GOOD }, { ...FIXTURE_CONFIG, targets: ['json'] });
    const run = await cli(root, 'build');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('1 agent, 0 errors, 0 warnings\n');
    const dist = await snapshotDir(path.join(root, 'dist'));
    expect(Object.keys(dist)).toEqual(['.agentc', 'agents/good-agent.json', 'manifest.json', 'manifest.schema.json', 'package.json']);
    const manifest = JSON.parse(dist['manifest.json']!);
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.agents.map((a: { name: string }) => a.name)).toEqual(['good-agent']);
    expect(manifest.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.agents[0].hash).toMatch(/^[0-9a-f]{64}$/);
    // The manifest is an index: the record without its prompt, and the file holding all of it.
    const { prompt, ...rest } = JSON.parse(dist['agents/good-agent.json']!);
    expect(prompt).toBe('You help with everything you are asked, carefully.\n');
    expect(manifest.agents[0]).toEqual({ ...rest, file: 'agents/good-agent.json' });
  });

  it('prints one JSON object with --reporter json', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD, 'agents/bad.md': '---\nname: bad\ntools: 3\n---\n' });
    const run = await cli(root, 'build', '--reporter', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.agents).toBe(1);
    expect(report.diagnostics.filter((d: { severity: string }) => d.severity === 'error')).toEqual([
      { file: 'agents/bad.md', line: 1, column: 1, endLine: null, endColumn: null, severity: 'error', ruleId: 'agent/required', message: 'Missing required field `description`' },
      { file: 'agents/bad.md', line: 3, column: 8, endLine: 3, endColumn: 9, severity: 'error', ruleId: 'agent/tools-unreadable', message: '`tools` is number 3, not a list of tool names' },
    ]);
  });

  it('--strict fails on warnings; warnings alone exit 0', async () => {
    const root = await makeProject({ 'agents/warned.md': '---\nname: warned\ndescription: has: a colon <example>user: "a" assistant: "b"</example>\n---\nA body that is long enough to pass.\n' });
    expect((await cli(root, 'build')).code).toBe(0);
    const strict = await cli(root, 'build', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('3:14');
    expect(strict.stderr).toContain('frontmatter/dialect');
    expect(strict.stderr.trim().split('\n').at(-1)).toBe('1 agent, 0 errors, 1 warning');
  });

  it('exits 2 on bad usage', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD });
    expect((await cli(root, 'build', '--nope')).code).toBe(2);
    expect((await cli(root, 'frobnicate')).code).toBe(2);
    expect((await cli(root, 'build', '--reporter', 'xml')).code).toBe(2);
    expect((await cli(root)).code).toBe(2);
    const help = await cli(root, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('agents build');
    expect((await cli(root, '--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with the field named on a bad config', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD }, { outDir: 42 } as never);
    const run = await cli(root, 'build');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('outDir: Invalid input: expected string, received number');
    const unknown = await makeProject({ 'agents/good.md': GOOD }, { models: { defualt: 'x' } } as never);
    const run2 = await cli(unknown, 'build');
    expect(run2.code).toBe(2);
    expect(run2.stderr).toContain('models: Unrecognized key: "defualt"');
  });

  it('loads agents.config.ts through esbuild, with defineConfig and local imports', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD });
    await writeFile(path.join(root, 'agents.config.mjs'), '');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(root, 'agents.config.mjs'));
    await writeFile(path.join(root, 'models.ts'), "export const DEFAULT_MODEL: string = 'claude-test-1';\n");
    await writeFile(
      path.join(root, 'agents.config.ts'),
      "import { defineConfig } from 'agentc';\nimport { DEFAULT_MODEL } from './models';\nexport default defineConfig({ outDir: 'out', models: { default: DEFAULT_MODEL } });\n",
    );
    const run = await cli(root, 'build');
    expect(run.code).toBe(0);
    const agent = JSON.parse(readFileSync(path.join(root, 'out/agents/good-agent.json'), 'utf8'));
    expect(agent.model).toEqual({ requested: 'inherit', resolved: 'claude-test-1' });
    // The bundled temporary config is removed after loading.
    expect(readdirSync(root).filter((f) => f.startsWith('.agentc-config'))).toEqual([]);
  });

  it('reports a config that does not compile, with its position', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(root, 'agents.config.mjs'));
    await writeFile(path.join(root, 'agents.config.ts'), 'export default {\n  outDir: "dist",,\n};\n');
    const run = await cli(root, 'build');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/agents\.config\.ts:2:\d+/);
  });

  it('works with no config file at all (agents/**/*.md -> dist)', async () => {
    const root = await makeProject({ 'agents/nested/good.md': GOOD });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(root, 'agents.config.mjs'));
    const run = await cli(root, 'build');
    expect(run.code).toBe(0);
    expect(Object.keys(await snapshotDir(path.join(root, 'dist')))).toContain('agents/good-agent.json');
  });

  it('refuses to replace an outDir it did not create', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD, 'dist/precious.txt': 'mine' });
    const run = await cli(root, 'build');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('was not made by agentc');
    expect(readFileSync(path.join(root, 'dist/precious.txt'), 'utf8')).toBe('mine');
  });

  it('does not touch files whose bytes did not change', async () => {
    const root = await makeProject({ 'agents/good.md': GOOD, 'agents/other.md': GOOD.replace('good-agent', 'other-agent') });
    await cli(root, 'build');
    const { stat } = await import('node:fs/promises');
    const before = await stat(path.join(root, 'dist/agents/good-agent.json'));
    await writeFile(path.join(root, 'agents/other.md'), GOOD.replace('good-agent', 'other-agent').replace('You help.', 'You help more.'));
    await new Promise((r) => setTimeout(r, 20));
    expect((await cli(root, 'build')).code).toBe(0);
    const after = await stat(path.join(root, 'dist/agents/good-agent.json'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });
});

describe('bad input leaves the previous dist/ untouched', () => {
  const badCases = ['empty-file', 'no-frontmatter', 'unclosed-frontmatter', 'not-mapping', 'invalid-utf8', 'nul-byte', 'missing-description', 'tools-wrong-type', 'tools-empty', 'tools-broken-flow', 'duplicate-names', 'name-unsafe', 'yaml-syntax-error', 'alias-bomb'];
  for (const name of badCases) {
    it(name, async () => {
      const root = await makeProject({ 'agents/good.md': GOOD });
      expect((await cli(root, 'build')).code).toBe(0);
      const before = await snapshotDir(path.join(root, 'dist'));
      await copyInto(root, path.join(FIXTURES, name, 'agents'), 'agents');
      const run = await cli(root, 'build', '--reporter', 'json');
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      const errors = report.diagnostics.filter((d: { severity: string }) => d.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.file).toMatch(/^agents\/.+\.md$/);
        expect(error.line).toBeGreaterThan(0);
        expect(error.column).toBeGreaterThan(0);
      }
      expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
      expect(readdirSync(root).filter((f) => f.includes('agentc-'))).toEqual([]);
    });
  }
});

describe('config loading', () => {
  it('removes the bundled config a killed process left behind, and only that', async () => {
    const root = await makeProject({ 'agents/good-agent.md': GOOD });
    // A pid that cannot be running, and this process's own (running) pid.
    await writeFile(path.join(root, '.agentc-config-999999999-0badc0de.mjs'), 'export default {};\n');
    await writeFile(path.join(root, `.agentc-config-${process.pid}-0badc0de.mjs`), 'export default {};\n');
    expect((await cli(root, 'check')).code).toBe(0);
    expect(readdirSync(root).filter((f) => f.startsWith('.agentc-config-'))).toEqual([`.agentc-config-${process.pid}-0badc0de.mjs`]);
  });
});
