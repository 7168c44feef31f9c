/**
 * The `claude-code` target: canonical files with valid YAML frontmatter. Over the whole of
 * ../shared/corpus, compiling the output again gives the same agent (name, description, tools,
 * model, prompt bytes, extra), and every emitted frontmatter is strict YAML.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { VFile } from 'vfile';
import { parse, parseDocument } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, emit } from '../../src/compile.js';
import type { OutputFile } from '../../src/targets/types.js';
import type { Agent } from '../../src/ir.js';
import { analyzeText } from '../../src/pipeline/analyze.js';
import { claudeCodeFile, claudeCodeFrontmatter } from '../../src/targets/claude-code.js';
import { sha256 } from '../../src/targets/json.js';
import { CORPUS, FIXTURES, configFor } from '../helpers/project.js';

const CONFIG = { include: ['**/*.md', '.claude/agents/**/*.md'], targets: ['claude-code' as const] };
const repos = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory());
const results = new Map<string, { agents: Agent[]; output: OutputFile[] }>();

beforeAll(async () => {
  for (const repo of repos) {
    const config = configFor(path.join(CORPUS, repo), CONFIG);
    const { agents } = await compile(config);
    // One corpus file has an error (a name with a space), which stops its folder's build:
    // emit the valid agents directly.
    results.set(repo, { agents, output: emit(agents, config) });
  }
});

/** Compile one emitted file again, as a source of its own. */
function recompile(pathInOutput: string, contents: string, repo: string) {
  const file = new VFile({ path: pathInOutput });
  const config = configFor(path.join(CORPUS, repo), CONFIG);
  const agent = analyzeText(file, contents, sha256(contents), config);
  return { agent, messages: file.messages };
}

function frontmatterOf(contents: string): string {
  expect(contents.startsWith('---\n')).toBe(true);
  const end = contents.indexOf('\n---\n', 3);
  expect(end).toBeGreaterThan(0);
  return contents.slice(4, end + 1);
}

const same = (agent: Pick<Agent, 'name' | 'description' | 'tools' | 'disallowedTools' | 'model' | 'prompt' | 'extra'>) => ({
  name: agent.name,
  description: agent.description,
  tools: agent.tools,
  disallowedTools: agent.disallowedTools,
  model: agent.model.resolved,
  prompt: agent.prompt,
  extra: agent.extra,
});

describe('claude-code target over the corpus', () => {
  it('emits one file per agent, for all 548 agents', () => {
    let files = 0;
    for (const result of results.values()) {
      const emitted = result.output.filter((f) => f.path.startsWith('claude-code/'));
      expect(emitted.map((f) => f.path).sort()).toEqual(result.agents.map((a) => `claude-code/${a.name}.md`).sort());
      files += emitted.length;
    }
    expect(files).toBe(548);
  });

  it('round-trips: the output compiles to the same name, description, tools, model, prompt bytes and extra', () => {
    let checked = 0;
    for (const [repo, result] of results) {
      for (const agent of result.agents) {
        const file = result.output.find((f) => f.path === `claude-code/${agent.name}.md`)!;
        const again = recompile(file.path, file.contents, repo);
        expect(again.agent, file.path).toBeDefined();
        expect(same(again.agent!), `${repo}/${file.path}`).toEqual(same(agent));
        // Everything else Claude Code reads survives too.
        for (const key of ['permissionMode', 'maxTurns', 'skills', 'mcpServers', 'hooks', 'memory', 'background', 'effort', 'isolation', 'initialPrompt', 'color'] as const) {
          expect(again.agent![key], `${file.path} ${key}`).toEqual(agent[key]);
        }
        // Read as plain YAML: no dialect fallback, no recovery, nothing Claude Code would read differently.
        expect(again.agent!.source.frontmatter).toBe('yaml');
        const reading = again.messages.filter((m) => m.fatal === true || /^(frontmatter|claude-code|agent\/(tools|invalid|required))/.test(m.ruleId ?? ''));
        expect(reading.map((m) => `${m.ruleId}: ${m.reason}`), file.path).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBe(548);
  });

  it('writes frontmatter that is strict YAML, with tools as a comma-separated string', () => {
    let commaTools = 0;
    let commaSafe = 0;
    for (const result of results.values()) {
      commaSafe += result.agents.filter((a) => a.tools && a.tools.length > 0).length;
      for (const file of result.output.filter((f) => f.path.startsWith('claude-code/'))) {
        const text = frontmatterOf(file.contents);
        const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: false });
        expect(doc.errors, file.path).toEqual([]);
        expect(doc.warnings, file.path).toEqual([]);
        // Claude Code ends the frontmatter at the first `---`, even inside a value.
        expect(text.includes('---'), file.path).toBe(false);
        const data = doc.toJS() as Record<string, unknown>;
        if (typeof data.tools === 'string') commaTools++;
        else expect(data.tools === undefined || Array.isArray(data.tools), file.path).toBe(true);
      }
    }
    expect(commaTools).toBe(commaSafe);
    expect(commaTools).toBeGreaterThan(200);
  });

  it('repairs the 15 Beaulewis1977__master-workflow files Claude Code ignores as written', () => {
    const result = results.get('Beaulewis1977__master-workflow')!;
    const repaired = result.agents.filter((a) => a.source.frontmatter === 'recovered');
    expect(repaired).toHaveLength(15);
    for (const agent of repaired) {
      const file = result.output.find((f) => f.path === `claude-code/${agent.name}.md`)!;
      expect(parse(frontmatterOf(file.contents)).description).toBe(agent.description);
      expect(file.contents.endsWith(agent.prompt)).toBe(true);
    }
  });
});

describe('claude-code target over the hand-made probes', () => {
  it('round-trips `---` in values, hostile strings, YAML 1.1 words, block scalars, a CRLF body', async () => {
    const root = path.join(FIXTURES, 'claude-code-output-probes');
    const config = configFor(root, { ...CONFIG, include: ['*.md'] });
    const { agents } = await compile(config);
    expect(agents.map((a) => a.name)).toEqual(['dashes', 'dialect', 'hostile', 'multiline', 'scalars', 'yes-words']);
    for (const file of emit(agents, config).filter((f) => f.path.startsWith('claude-code/'))) {
      const agent = agents.find((a) => file.path === `claude-code/${a.name}.md`)!;
      const again = analyzeText(new VFile({ path: file.path }), file.contents, sha256(file.contents), config)!;
      expect(same(again), file.path).toEqual(same(agent));
      expect(again.source.frontmatter, file.path).toBe('yaml');
      expect(frontmatterOf(file.contents)).not.toContain('---');
    }
  });
});

describe('claude-code target, single cases', () => {
  const base = (fields: Record<string, unknown>, body = 'You help.\n') => {
    const text = `---\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n${body}`;
    const agent = analyzeText(new VFile({ path: 'agents/x.md' }), text, sha256(text), configFor('/tmp', {}))!;
    return { ...agent, hash: '' } as Agent;
  };

  it('keeps the body byte-exact, CRLF, blank lines and all', () => {
    const agent = base({ name: 'x', description: 'd' }, '\n\r\n  indented\r\n---\nnot frontmatter\n\n');
    const file = claudeCodeFile(agent);
    expect(file.endsWith(`---\n${agent.prompt}`)).toBe(true);
    expect(agent.prompt).toBe('\n\r\n  indented\r\n---\nnot frontmatter\n\n');
  });

  it('writes tools as a comma string (commas inside parentheses stay), and none as []', () => {
    expect(claudeCodeFile(base({ name: 'x', description: 'd', tools: 'Read, Grep' }))).toContain('\ntools: Read, Grep\n');
    const paren = base({ name: 'x', description: 'd', tools: '["Agent(a, b)", Read]' });
    expect(paren.tools).toEqual(['Agent(a, b)', 'Read']);
    expect(claudeCodeFile(paren)).toContain('\ntools: Agent(a, b), Read\n');
    expect(claudeCodeFile(base({ name: 'x', description: 'd', tools: '[]' }))).toContain('\ntools: []\n');
  });

  it('writes the resolved model and leaves out `inherit`', () => {
    expect(claudeCodeFile(base({ name: 'x', description: 'd', model: 'opus' }))).toContain('\nmodel: claude-opus-4-1\n');
    const inherit = { ...base({ name: 'x', description: 'd' }), model: { requested: 'inherit', resolved: 'inherit' } };
    expect(claudeCodeFile(inherit)).not.toContain('model:');
  });

  it('never writes `---` inside the frontmatter, and still reads back the same values', () => {
    const fields: [string, unknown][] = [
      ['name', 'x'],
      ['description', 'a --- b\n------ c \\x2d "q" \\\\---'],
      ['weird---key', { 'k---': ['---', 1, true, null] }],
    ];
    const text = claudeCodeFrontmatter(fields);
    expect(text).not.toContain('---');
    expect(parse(text, { strict: true })).toEqual(Object.fromEntries(fields));
  });

  it('turns a dialect file with literal \\n and `: ` into plain YAML with real newlines', () => {
    const agent = base({ name: 'x', description: 'Use it: when\\n<example>user: hi\\nassistant: ok</example>', color: 'magenta' });
    expect(agent.description).toBe('Use it: when\n<example>user: hi\nassistant: ok</example>');
    const file = claudeCodeFile(agent);
    const data = parse(frontmatterOf(file), { strict: true });
    expect(data).toMatchObject({ name: 'x', description: agent.description, color: 'magenta' });
    expect(file).not.toContain('\\n');
  });
});
