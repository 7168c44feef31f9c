/**
 * The real Claude Code loads every file the `claude-code` target emits for ../shared/corpus,
 * with agentc's name, description and model, including the 15 files of
 * Beaulewis1977__master-workflow that it ignores as written, and the hand-made cases of
 * test/fixtures/claude-code-output-probes (`---` inside values, hostile strings, YAML 1.1
 * words like `yes`, block scalars, a CRLF body). The answers were recorded by
 * `npm run parity:output` (scripts/parity-output.mjs) into
 * test/fixtures/claude-code-output-parity.json with the sha256 of each emitted file, so this
 * test needs no binary: it recompiles, and every emitted file must be one Claude Code loaded.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, emit } from '../../src/compile.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { CORPUS, FIXTURES, type ClaudeCodeAnswer as Answer } from '../helpers/project.js';

const recorded = JSON.parse(readFileSync(path.join(FIXTURES, 'claude-code-output-parity.json'), 'utf8')) as {
  claudeCode: string;
  config: unknown;
  files: Record<string, Answer>;
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe(`claude-code output loads in Claude Code ${recorded.claudeCode}`, () => {
  it('every emitted file was recorded as loaded, with agentc name, description and model', async () => {
    const repos = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory()).sort();
    const projects = [...repos.map((repo) => [repo, path.join(CORPUS, repo)] as const), ['probes', path.join(FIXTURES, 'claude-code-output-probes')] as const];
    const seen = new Set<string>();
    const repaired: string[] = [];
    for (const [repo, root] of projects) {
      const config = resolveConfig(recorded.config, root, undefined, []);
      const { agents, files } = await compile(config);
      const ignored = new Set(files.filter((f) => f.messages.some((m) => m.ruleId === 'claude-code/not-loaded')).map((f) => f.path));
      const byName = new Map(agents.map((agent) => [agent.name, agent]));
      for (const file of emit(agents, config).filter((f) => f.path.startsWith('claude-code/'))) {
        const id = `${repo}/${file.path}`;
        const agent = byName.get(path.posix.basename(file.path, '.md'))!;
        const answer = recorded.files[id];
        expect(answer, `${id} was never shown to Claude Code: npm run parity:output`).toBeDefined();
        expect(answer!.sha256, `${id} changed since it was recorded: npm run parity:output`).toBe(sha256(file.contents));
        expect(answer, id).toEqual({
          sha256: answer!.sha256,
          loaded: true,
          name: agent.name,
          description: agent.description,
          model: agent.model.resolved === 'inherit' ? null : agent.model.resolved,
        });
        if (ignored.has(agent.source.path)) repaired.push(id);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(548 + 6);
    expect(Object.keys(recorded.files).sort()).toEqual([...seen].sort());
    // The files Claude Code ignores as written load once agentc has compiled them: 15 of the
    // corpus, and the probe whose description holds `---`.
    expect(repaired.filter((id) => id.startsWith('Beaulewis1977__master-workflow/'))).toHaveLength(15);
    expect(repaired.filter((id) => !id.startsWith('Beaulewis1977__master-workflow/'))).toEqual(['probes/claude-code/dashes.md']);
  });
});
