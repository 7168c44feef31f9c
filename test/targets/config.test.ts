/** `targets` in the config: built-in names (all four by default), plugin objects, bad values named. */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import type { Target } from '../../src/targets/types.js';
import { cleanupTempDirs } from '../helpers/project.js';
import { buildProject } from './helpers.js';

afterAll(cleanupTempDirs);

const AGENT = '---\nname: alpha\ndescription: First\ncolor: blue\n---\nBody.\n';

describe('targets option', () => {
  it('defaults to every built-in target', () => {
    expect(resolveConfig({}, '/tmp/project', undefined, []).targets).toEqual(['json', 'ts', 'claude-agent-sdk', 'claude-code']);
  });

  it('names an unknown or repeated target in the config error', () => {
    expect(() => resolveConfig({ targets: ['json', 'yaml'] }, '/tmp/project', undefined, [])).toThrow(/targets\.1: .*'json', 'ts', 'claude-agent-sdk', 'claude-code'/);
    expect(() => resolveConfig({ targets: ['ts', 'ts'] }, '/tmp/project', undefined, [])).toThrow(/targets\.1: target `ts` is listed twice/);
  });

  it('runs a plugin object beside the built-ins, and its diagnostics land on the source', async () => {
    const plugin: Target = {
      name: 'names',
      emit(agents, context) {
        for (const agent of agents) context.report(agent, 'target/dropped-field', 'The names target leaves out everything but the name', 'color');
        return [{ path: 'names.txt', contents: agents.map((a) => a.name).join('\n') }];
      },
    };
    const built = await buildProject({ 'agents/alpha.md': AGENT }, { targets: ['json', plugin] });
    expect(built.output.map((f) => f.path)).toEqual(['.agentc', 'agents/alpha.json', 'manifest.json', 'manifest.schema.json', 'names.txt', 'package.json']);
    expect(built.output.find((f) => f.path === 'names.txt')!.contents).toBe('alpha');
    expect(built.diagnostics.filter((d) => d.ruleId === 'target/dropped-field').map((d) => [d.file, d.line, d.column, d.message])).toEqual([
      ['agents/alpha.md', 4, 1, 'The names target leaves out everything but the name'],
    ]);
  });
});
