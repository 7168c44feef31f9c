/**
 * dist/package.json: name and version from the config, `type: module`, an `exports` entry for
 * every target's entry point (ESM and CommonJS conditions, `types` first), the JSON files,
 * `files`, and no scripts. Node resolves every subpath through it, in ESM and CommonJS.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../helpers/project.js';
import { buildProject, type Built } from './helpers.js';

const ALPHA = '---\nname: alpha\ndescription: First\nmodel: opus\n---\nYou are alpha.\n';

let built: Built;
beforeAll(async () => {
  built = await buildProject({ 'agents/alpha.md': ALPHA }, { package: { name: '@acme/agents', version: '2.3.4' } });
});
afterAll(cleanupTempDirs);

const pkg = () => JSON.parse(built.output.find((f) => f.path === 'package.json')!.contents) as Record<string, unknown>;

describe('dist/package.json', () => {
  it('is a package: name, version, type, exports with types first, files, no scripts', () => {
    const dual = (base: string) => ({
      import: { types: `${base}.d.ts`, default: `${base}.js` },
      require: { types: `${base}.d.cts`, default: `${base}.cjs` },
    });
    expect(pkg()).toEqual({
      name: '@acme/agents',
      version: '2.3.4',
      description: 'Agent definitions compiled by agentc.',
      type: 'module',
      sideEffects: false,
      main: './index.cjs',
      module: './index.js',
      types: './index.d.ts',
      exports: {
        '.': dual('./index'),
        './agents/*': dual('./agents/*'),
        './agents/*.json': './agents/*.json',
        './claude-agent-sdk': dual('./claude-agent-sdk'),
        './manifest.json': './manifest.json',
        './manifest.schema.json': './manifest.schema.json',
        './package.json': './package.json',
      },
      files: [
        'agents', 'claude-agent-sdk.cjs', 'claude-agent-sdk.d.cts', 'claude-agent-sdk.d.ts', 'claude-agent-sdk.js', 'claude-code',
        'index.cjs', 'index.d.cts', 'index.d.ts', 'index.js', 'manifest.json', 'manifest.schema.json',
      ],
    });
    for (const entry of Object.values(pkg().exports as Record<string, unknown>)) {
      if (typeof entry === 'object') for (const condition of Object.values(entry!)) expect(Object.keys(condition as object)[0]).toBe('types');
    }
  });

  it('only exports what the chosen targets emit', async () => {
    const jsonOnly = await buildProject({ 'agents/alpha.md': ALPHA }, { targets: ['json', 'claude-code'] });
    const manifest = JSON.parse(jsonOnly.output.find((f) => f.path === 'package.json')!.contents);
    expect(Object.keys(manifest.exports)).toEqual(['./agents/*.json', './manifest.json', './manifest.schema.json', './package.json']);
    expect(manifest.main).toBeUndefined();
    expect(manifest.files).toEqual(['agents', 'claude-code', 'manifest.json', 'manifest.schema.json']);
  });

  it('resolves every subpath in Node, as ESM and as CommonJS', async () => {
    const consumer = path.join(built.root, 'consumer');
    await mkdir(path.join(consumer, 'node_modules/@acme'), { recursive: true });
    await symlink(built.outDir, path.join(consumer, 'node_modules/@acme/agents'), 'dir');
    const subpaths = ['@acme/agents', '@acme/agents/agents/alpha', '@acme/agents/agents/alpha.json', '@acme/agents/claude-agent-sdk', '@acme/agents/manifest.json', '@acme/agents/package.json'];
    await writeFile(path.join(consumer, 'esm.mjs'), `for (const s of ${JSON.stringify(subpaths)}) console.log(import.meta.resolve(s).split('/@acme/agents/')[1]);\n`);
    await writeFile(path.join(consumer, 'cjs.cjs'), `for (const s of ${JSON.stringify(subpaths)}) console.log(require.resolve(s).split('/@acme/agents/')[1]);\n`);
    const run = (file: string) => execFileSync(process.execPath, ['--preserve-symlinks', file], { cwd: consumer, encoding: 'utf8' }).trim().split('\n');
    expect(run('esm.mjs')).toEqual(['index.js', 'agents/alpha.js', 'agents/alpha.json', 'claude-agent-sdk.js', 'manifest.json', 'package.json']);
    expect(run('cjs.cjs')).toEqual(['index.cjs', 'agents/alpha.cjs', 'agents/alpha.json', 'claude-agent-sdk.cjs', 'manifest.json', 'package.json']);
  });
});
