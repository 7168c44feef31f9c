/**
 * The `ts` target: index.js/.cjs + .d.ts/.d.cts and one module per agent. The modules evaluate
 * to the agents' JSON records (agents/<name>.json) in ESM and CommonJS; the declarations type-check and carry literal
 * names, models and tools; a bundler importing one agent's module leaves the others out.
 */
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { agentModuleSource, transpile } from '../helpers/transpile.js';
import { cleanupTempDirs } from '../helpers/project.js';
import { buildProject, importEsm, agentRecords, requireCjs, type Built } from './helpers.js';

const AGENTS = {
  'agents/alpha.md': '---\nname: alpha\ndescription: First: does things\ntools: Read, Grep\nmodel: opus\ncolor: blue\n---\nYou are alpha.\n',
  'agents/beta.md': '---\nname: beta\ndescription: Second\ntools: []\npermissionMode: plan\nmaxTurns: 3\n---\nYou are beta.\n',
  'agents/constructor.md': '---\nname: constructor\ndescription: A name that is also an Object.prototype key\n---\nBody.\n',
};

let built: Built;
beforeAll(async () => {
  built = await buildProject(AGENTS, { targets: ['json', 'ts'] });
});
afterAll(cleanupTempDirs);

describe('ts target', () => {
  it('emits ESM, CommonJS and declarations for the index and every agent', () => {
    expect(built.errorCount).toBe(0);
    const paths = built.output.map((f) => f.path).filter((p) => !p.endsWith('.json') && p !== '.agentc');
    expect(paths).toEqual([
      'agents/alpha.cjs', 'agents/alpha.d.cts', 'agents/alpha.d.ts', 'agents/alpha.js',
      'agents/beta.cjs', 'agents/beta.d.cts', 'agents/beta.d.ts', 'agents/beta.js',
      'agents/constructor.cjs', 'agents/constructor.d.cts', 'agents/constructor.d.ts', 'agents/constructor.js',
      'index.cjs', 'index.d.cts', 'index.d.ts', 'index.js',
    ]);
  });

  it('ESM and CommonJS evaluate to exactly the agents/<name>.json records', async () => {
    const expected = agentRecords(built);
    const esm = await importEsm(path.join(built.outDir, 'index.js'));
    const cjs = requireCjs(path.join(built.outDir, 'index.cjs'));
    for (const mod of [esm, cjs]) {
      expect(mod.agents).toEqual(expected);
      expect(mod.agentNames).toEqual(['alpha', 'beta', 'constructor']);
      expect((mod.getAgent as (n: string) => unknown)('alpha')).toEqual(expected.alpha);
      expect((mod.getAgent as (n: string) => unknown)('constructor')).toEqual(expected.constructor);
      expect(() => (mod.getAgent as (n: string) => unknown)('toString')).toThrow(RangeError);
      expect((mod.isAgentName as (n: unknown) => boolean)('hasOwnProperty')).toBe(false);
      expect(mod.default).toBe(mod.agents);
    }
    const one = await importEsm(path.join(built.outDir, 'agents/beta.js'));
    expect(one.agent).toEqual(expected.beta);
    expect(requireCjs(path.join(built.outDir, 'agents/beta.cjs')).agent).toEqual(expected.beta);
  });

  it('writes each CommonJS agent module without esbuild\'s helpers, exporting what esbuild\'s CommonJS exports', async () => {
    for (const name of ['alpha', 'beta', 'constructor']) {
      const file = path.join(built.outDir, `agents/${name}.cjs`);
      const written = built.output.find((f) => f.path === `agents/${name}.cjs`)!.contents;
      expect(written).not.toContain('__copyProps');
      // The same module through esbuild, as the target wrote it before, beside it.
      const value = written.slice(written.indexOf('const agent = ') + 'const agent = '.length, written.indexOf(';\nmodule.exports'));
      const reference = path.join(built.outDir, `agents/${name}.esbuild.cjs`);
      await writeFile(reference, transpile(agentModuleSource(value), 'cjs'));
      expect(written.length).toBeLessThan((await readFile(reference, 'utf8')).length - 500);
      const mine = requireCjs(file);
      const theirs = requireCjs(reference);
      expect(JSON.stringify(mine.agent)).toBe(JSON.stringify(theirs.agent));
      expect(mine.agent).toStrictEqual(theirs.agent);
      expect(mine.default).toBe(mine.agent);
      expect(Object.isFrozen(mine.agent)).toBe(true);
      // Same property names, order and attributes on module.exports (getters, not data).
      const shape = (exports: object) => Object.entries(Object.getOwnPropertyDescriptors(exports)).map(([key, d]) => [key, 'get' in d ? typeof d.get : d.value, d.enumerable, d.configurable, d.writable]);
      expect(shape(mine)).toEqual(shape(theirs));
      // And the same view from ESM (`import` of a .cjs file).
      const esmView = async (p: string) => {
        const ns = await importEsm(p);
        return [Object.keys(ns), JSON.stringify(ns.default)];
      };
      expect(await esmView(file)).toEqual(await esmView(reference));
    }
  });

  it('freezes what it exports', async () => {
    const esm = await importEsm(path.join(built.outDir, 'index.js'));
    const agents = esm.agents as Record<string, { tools: string[]; model: object }>;
    expect(Object.isFrozen(agents)).toBe(true);
    expect(Object.isFrozen(agents.alpha)).toBe(true);
    expect(Object.isFrozen(agents.alpha!.tools)).toBe(true);
    expect(Object.isFrozen(agents.alpha!.model)).toBe(true);
    expect(() => agents.alpha!.tools.push('Bash')).toThrow(TypeError);
  });

  it('declares literal types that type-check, and rejects a wrong agent name', async () => {
    const consumer = path.join(built.root, 'consumer.ts');
    await writeFile(
      consumer,
      [
        "import { agents, agentNames, getAgent, type Agent, type AgentName } from './dist/index.js';",
        "import alpha from './dist/agents/alpha.js';",
        "const resolved: 'claude-opus-4-1' = agents.alpha.model.resolved;",
        "const tools: readonly ['Read', 'Grep'] = getAgent('alpha').tools;",
        "const mode: 'plan' = agents.beta.permissionMode;",
        "const names: readonly AgentName[] = agentNames;",
        "const general: Agent = getAgent('constructor');",
        "const same: typeof agents.alpha = alpha;",
        "const prompt: string = getAgent('beta').prompt;",
        "getAgent('gamma');",
        'export { resolved, tools, mode, names, general, same, prompt };',
      ].join('\n'),
    );
    const program = ts.createProgram([consumer], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: false,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file ? path.relative(built.root, d.file.fileName) : undefined,
      line: d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : undefined,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
    expect(diagnostics).toEqual([
      { file: 'consumer.ts', line: 10, code: 2345, message: expect.stringContaining('Argument of type \'"gamma"\' is not assignable to parameter of type') },
    ]);
  });

  it('lets a bundler keep only the agent modules that are imported', async () => {
    const entry = path.join(built.root, 'entry.mjs');
    await writeFile(entry, "import { agent } from './dist/agents/beta.js';\nconsole.log(agent.name);\n");
    const result = await esbuild({ entryPoints: [entry], bundle: true, write: false, format: 'esm', logLevel: 'silent' });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('You are beta.');
    expect(code).not.toContain('You are alpha.');
  });

  it('emits the same bytes every time', async () => {
    const again = await buildProject(AGENTS, { targets: ['json', 'ts'] });
    expect(again.output).toEqual(built.output);
  });

  it('handles a project without agents', async () => {
    const empty = await buildProject({ 'agents/.keep': '' }, { targets: ['ts'] });
    const esm = await importEsm(path.join(empty.outDir, 'index.js'));
    expect(esm.agents).toEqual({});
    expect(empty.output.find((f) => f.path === 'index.d.ts')!.contents).toContain('export type AgentName = never;');
  });
});
