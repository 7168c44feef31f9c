/**
 * The `claude-agent-sdk` target: `agents` as Record<AgentName, AgentDefinition>. Mapped fields
 * come through, the model is the resolved one, and what the SDK has no place for is left out
 * with one `target/dropped-field` info diagnostic per agent, at the first dropped field.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, emit } from '../../src/compile.js';
import { sdkModule, toAgentDefinition } from '../../src/targets/claude-agent-sdk.js';
import { GENERATED_HEADER, jsValue } from '../../src/targets/js.js';
import { encodeOutput } from '../../src/targets/types.js';
import { writeOutput } from '../../src/write.js';
import { cleanupTempDirs, configFor, CORPUS, tempDir } from '../helpers/project.js';
import { buildProject, importEsm, requireCjs, type Built } from './helpers.js';

const FULL = `---
name: full
description: Does everything
tools: Read, Grep, Agent(worker, reviewer)
disallowedTools: [Bash]
model: haiku
color: purple
permissionMode: acceptEdits
maxTurns: 7
skills: [pdf, xlsx]
mcpServers:
  - github
  - local: { command: node, args: [server.js] }
hooks:
  PreToolUse: [{ matcher: Bash, hooks: [{ type: command, command: echo hi }] }]
memory: project
background: true
effort: high
isolation: worktree
initialPrompt: Start here.
owner: platform-team
---
You do everything.
`;
const PLAIN = '---\nname: plain\ndescription: Nothing to drop\n---\nPlain body.\n';
const MANUAL = '---\nname: manual\ndescription: A Claude Code permission mode the SDK lacks\npermissionMode: manual\n---\nBody.\n';

let built: Built;
beforeAll(async () => {
  built = await buildProject({ 'agents/full.md': FULL, 'agents/plain.md': PLAIN, 'agents/manual.md': MANUAL });
});
afterAll(cleanupTempDirs);

describe('claude-agent-sdk target', () => {
  it('maps every field an AgentDefinition has, with the resolved model', async () => {
    expect(built.errorCount).toBe(0);
    const { agents } = await importEsm(path.join(built.outDir, 'claude-agent-sdk.js'));
    expect(agents).toStrictEqual({
      full: {
        description: 'Does everything',
        prompt: 'You do everything.\n',
        model: 'claude-haiku-4-5',
        tools: ['Read', 'Grep', 'Agent(worker, reviewer)'],
        disallowedTools: ['Bash'],
        permissionMode: 'acceptEdits',
        maxTurns: 7,
        skills: ['pdf', 'xlsx'],
        mcpServers: ['github', { local: { command: 'node', args: ['server.js'] } }],
        memory: 'project',
        background: true,
        effort: 'high',
        initialPrompt: 'Start here.',
      },
      manual: { description: 'A Claude Code permission mode the SDK lacks', prompt: 'Body.\n', model: 'claude-sonnet-4-5' },
      plain: { description: 'Nothing to drop', prompt: 'Plain body.\n', model: 'claude-sonnet-4-5' },
    });
    expect(requireCjs(path.join(built.outDir, 'claude-agent-sdk.cjs')).agents).toStrictEqual(agents);
  });

  it('names the dropped fields in one info diagnostic per agent, at the first of them', () => {
    const dropped = built.diagnostics.filter((d) => d.ruleId.startsWith('target/dropped-'));
    expect(dropped).toEqual([
      {
        file: 'agents/full.md',
        line: 7,
        column: 1,
        endLine: null,
        endColumn: null,
        severity: 'info',
        ruleId: 'target/dropped-field',
        message: "The claude-agent-sdk target leaves out `color`, `hooks`, `isolation`, `owner`: the Agent SDK's AgentDefinition has no place for them",
      },
      {
        file: 'agents/manual.md',
        line: 4,
        column: 1,
        endLine: null,
        endColumn: null,
        severity: 'warning',
        ruleId: 'target/dropped-permission-mode',
        message: "The claude-agent-sdk target cannot express `permissionMode: manual`: the subagent will run in its parent's permission mode, which may allow more",
      },
    ]);
  });

  it('declares Record<AgentName, AgentDefinition> without importing the SDK', () => {
    const dts = built.output.find((f) => f.path === 'claude-agent-sdk.d.ts')!.contents;
    expect(dts).toContain('export type AgentName = "full" | "manual" | "plain";');
    expect(dts).toContain('export declare const agents: Record<AgentName, AgentDefinition>;');
    expect(dts).not.toMatch(/from ['"]@anthropic-ai/);
    expect(built.output.find((f) => f.path === 'claude-agent-sdk.d.cts')!.contents).toBe(dts);
  });

  it('reports nothing when the target is not chosen, and the rule can be raised to an error', async () => {
    const only = await buildProject({ 'agents/full.md': FULL }, { targets: ['json'] });
    expect(only.diagnostics.filter((d) => d.ruleId === 'target/dropped-field')).toEqual([]);
    expect(only.output.some((f) => f.path.startsWith('claude-agent-sdk'))).toBe(false);
    const strict = await buildProject({ 'agents/full.md': FULL }, { rules: { 'target/dropped-field': 'error' } });
    expect(strict.errorCount).toBe(1);
    expect(strict.output).toEqual([]);
  });

  it('with the ts target, takes description, prompt and initialPrompt from the agent modules; without it, inlines them', async () => {
    const esm = built.output.find((f) => f.path === 'claude-agent-sdk.js')!.contents;
    const cjs = built.output.find((f) => f.path === 'claude-agent-sdk.cjs')!.contents;
    expect(esm).toContain('import { agent as a0 } from "./agents/full.js";\n');
    expect(esm).toContain('"prompt": a0.prompt,');
    expect(esm).toContain('"initialPrompt": a0.initialPrompt\n');
    expect(cjs).toContain('const a0 = require("./agents/full.cjs").agent;\n');
    for (const text of [esm, cjs]) expect(text).not.toContain('You do everything.');
    const alone = await buildProject({ 'agents/full.md': FULL }, { targets: ['claude-agent-sdk'] });
    const inline = alone.output.find((f) => f.path === 'claude-agent-sdk.js')!.contents;
    expect(inline).not.toContain('import');
    expect(inline).toContain('"prompt": "You do everything.\\n",');
    expect(alone.output.some((f) => f.path.startsWith('agents/'))).toBe(false);
    // Inlined, each agent's entry is its own UTF-8 piece (never one string of every prompt), and
    // the pieces make exactly the module of the definitions as one value.
    for (const format of ['js', 'cjs'] as const) {
      const file = alone.output.find((f) => f.path === `claude-agent-sdk.${format}`)!;
      expect(file.chunks!.length).toBe(3);
      const definition = jsValue({ full: toAgentDefinition(alone.agents[0]!).definition }, { freeze: false });
      expect(Buffer.from(encodeOutput(file)).toString('utf8')).toBe(GENERATED_HEADER + sdkModule('', definition, format === 'js' ? 'esm' : 'cjs'));
      expect(file.contents).toBe(Buffer.from(encodeOutput(file)).toString('utf8'));
    }
    // The same values either way, arrays as mutable as the SDK's own types say.
    const referenced = (await importEsm(path.join(built.outDir, 'claude-agent-sdk.js'))).agents as Record<string, { tools: string[] }>;
    const inlined = (await importEsm(path.join(alone.outDir, 'claude-agent-sdk.js'))).agents as Record<string, { tools: string[] }>;
    expect(JSON.stringify(referenced.full)).toBe(JSON.stringify(inlined.full));
    expect(Object.isFrozen(referenced.full!.tools)).toBe(false);
    expect(Object.isFrozen(referenced.full)).toBe(false);
  });

  it('over the corpus: referenced (ESM, CJS) and inlined modules give exactly each agent\'s AgentDefinition', { timeout: 120_000 }, async () => {
    const out = await tempDir();
    let count = 0;
    for (const repo of readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory())) {
      const configs = (targets: ('json' | 'ts' | 'claude-agent-sdk')[]) => configFor(path.join(CORPUS, repo), { include: ['**/*.md', '.claude/agents/**/*.md'], targets });
      // One corpus file has an error (a name with a space), which stops its folder's build: emit the valid agents.
      const { agents } = await compile(configs(['claude-agent-sdk']));
      await writeOutput(path.join(out, repo, 'all'), emit(agents, configs(['json', 'ts', 'claude-agent-sdk'])));
      await writeOutput(path.join(out, repo, 'sdk-only'), emit(agents, configs(['claude-agent-sdk'])));
      count += agents.length;
      const expected = JSON.stringify(Object.fromEntries(agents.map((agent) => [agent.name, toAgentDefinition(agent).definition])));
      // Plain node (vitest would transform every agent module it loads): each module's agents as JSON.
      const script = `
        import { createRequire } from 'node:module';
        import { isDeepStrictEqual } from 'node:util';
        const require = createRequire(import.meta.url);
        const dir = ${JSON.stringify(path.join(out, repo))};
        const all = [(await import(dir + '/all/claude-agent-sdk.js')).agents, require(dir + '/all/claude-agent-sdk.cjs').agents,
          (await import(dir + '/sdk-only/claude-agent-sdk.js')).agents, require(dir + '/sdk-only/claude-agent-sdk.cjs').agents];
        console.log(JSON.stringify({ json: all.map((agents) => JSON.stringify(agents)), equal: all.map((agents) => isDeepStrictEqual(agents, all[0])) }));`;
      const { json, equal } = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 28 }));
      expect(json).toEqual([expected, expected, expected, expected]);
      expect(equal).toEqual([true, true, true, true]);
    }
    expect(count).toBeGreaterThan(500);
  });
});

describe('toAgentDefinition', () => {
  it('gives the values a JSON round trip of the agent gives, as copies the caller may change', async () => {
    const built = await buildProject({ 'agents/full.md': FULL }, { targets: ['json'] });
    const agent = built.agents[0]!;
    const odd = { ...agent, mcpServers: [{ ['__proto__']: { a: -0 }, x: [-0, null, 'a'] }, 'plain'], maxTurns: 3 } as typeof agent;
    Object.defineProperty(odd.mcpServers![0], '__proto__', { value: { a: -0 }, enumerable: true, writable: true, configurable: true });
    const { definition } = toAgentDefinition(odd);
    const { prompt: _p, description: _d, ...picked } = JSON.parse(JSON.stringify({ description: odd.description, prompt: odd.prompt, model: odd.model.resolved, tools: odd.tools, disallowedTools: odd.disallowedTools, permissionMode: odd.permissionMode, maxTurns: odd.maxTurns, skills: odd.skills, mcpServers: odd.mcpServers, memory: odd.memory, background: odd.background, effort: odd.effort, initialPrompt: odd.initialPrompt }));
    const { prompt, description, ...rest } = definition;
    expect(prompt).toBe(odd.prompt);
    expect(description).toBe(odd.description);
    expect(rest).toEqual(picked);
    const server = (rest.mcpServers as Record<string, unknown>[])[0]!;
    expect(Object.keys(server)).toEqual(['__proto__', 'x']);
    expect(Object.is((server.x as unknown[])[0], 0)).toBe(true);
    expect(Object.getPrototypeOf(server)).toBe(Object.prototype);
    (rest.tools as string[]).push('Changed');
    expect(odd.tools).not.toContain('Changed');
  });
});
