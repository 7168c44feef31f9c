/**
 * The whole of ../shared/corpus (549 real agent files from six public repositories):
 * every file becomes an agent or gets a positioned error, never a crash; the files that are
 * not valid YAML compile with their full descriptions.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../src/compile.js';
import { CORPUS, configFor } from './helpers/project.js';

const repos = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory());
const results = new Map<string, CompileResult>();

beforeAll(async () => {
  for (const repo of repos) {
    // Each folder is its own project: names repeat across repositories, not within one.
    results.set(repo, await compile(configFor(path.join(CORPUS, repo), { include: ['**/*.md', '.claude/agents/**/*.md'] })));
  }
});

function frontmatterOf(text: string): string {
  return /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
}

describe('corpus', () => {
  it('reads all 549 files of the six repositories', () => {
    expect(repos).toHaveLength(6);
    const files = [...results.values()].reduce((n, r) => n + r.files.length, 0);
    expect(files).toBe(549);
  });

  it('turns every file into an agent or a positioned error', () => {
    let agents = 0;
    for (const result of results.values()) {
      agents += result.agents.length;
      const compiled = new Set(result.agents.map((a) => a.source.path));
      for (const file of result.files) {
        if (compiled.has(file.path)) continue;
        const errors = file.messages.filter((m) => m.fatal === true);
        expect(errors.length, `${file.path} has neither an agent nor an error`).toBeGreaterThan(0);
        for (const error of errors) {
          expect(error.line, `${file.path}: ${error.reason}`).toBeGreaterThan(0);
          expect(error.column).toBeGreaterThan(0);
        }
      }
    }
    // One real file fails: its name has a space ("1- sparc-methodology-implementer").
    expect(agents).toBe(548);
  });

  it('reads the 23 files that are not valid YAML, with every <example> of their descriptions', () => {
    let dialect = 0;
    for (const [repo, result] of results) {
      for (const agent of result.agents) {
        if (agent.source.frontmatter === 'yaml') continue;
        dialect++;
        const raw = frontmatterOf(readFileSync(path.join(CORPUS, repo, agent.source.path), 'utf8'));
        const blocks = raw.match(/<example>/g)?.length ?? 0;
        expect(agent.description.match(/<example>/g)?.length ?? 0, agent.source.path).toBe(blocks);
        expect(agent.examples, agent.source.path).toHaveLength(blocks);
        // Fields after the description were read as fields, not swallowed into it.
        expect(agent.description).not.toMatch(/^(?:color|tools|model):/m);
        if (/^color:/m.test(raw)) expect(agent.color, agent.source.path).toBeDefined();
      }
    }
    expect(dialect).toBe(23);
  });

  it('flags exactly the 15 files of Beaulewis1977__master-workflow that Claude Code does not load', () => {
    const result = results.get('Beaulewis1977__master-workflow')!;
    const notLoaded = result.files.filter((f) => f.messages.some((m) => m.ruleId === 'claude-code/not-loaded'));
    expect(notLoaded).toHaveLength(15);
    for (const file of notLoaded) {
      const agent = result.agents.find((a) => a.source.path === file.path)!;
      expect(agent.source.frontmatter).toBe('recovered');
    }
  });

  it('keeps every body byte-exact', () => {
    for (const [repo, result] of results) {
      for (const agent of result.agents) {
        const text = readFileSync(path.join(CORPUS, repo, agent.source.path), 'utf8');
        expect(text.endsWith(agent.prompt)).toBe(true);
        expect(text.slice(0, text.length - agent.prompt.length)).toMatch(/\n---[ \t]*\r?\n?$/);
      }
    }
  });
});
