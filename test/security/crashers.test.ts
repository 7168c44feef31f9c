/**
 * Inputs that crashed or misled the compiler, found by the fuzz properties (test/fuzz), kept
 * minimized here so they stay fixed. Each must end in diagnostics, never a throw.
 */
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { analyzeText } from '../../src/pipeline/analyze.js';
import { configFor } from '../helpers/project.js';

const config = configFor('/nonexistent');

function analyze(text: string) {
  const file = new VFile({ path: 'agents/p.md' });
  const agent = analyzeText(file, text, '', config);
  return { agent, messages: file.messages.map((m) => ({ line: m.line, column: m.column, ruleId: m.ruleId, reason: m.reason, fatal: m.fatal })) };
}

describe('fuzz finds', () => {
  it('an alias the Claude Code rewrite leaves unresolved threw ReferenceError out of compile', () => {
    const { agent, messages } = analyze('---\nname: <<: *a\n:<<: *a\n---\n');
    expect(agent).toBeUndefined();
    // Read as the author's intent (Claude Code drops it): no throw, and positioned errors, not an agent.
    expect(messages.filter((m) => m.fatal === true).map((m) => m.ruleId)).toEqual(['agent/required']);
    expect(messages.map((m) => m.ruleId)).toContain('claude-code/not-loaded');
  });

  // Each of these compiled to an agent with *every* tool (tools absent) before the tools guard.
  const widened: Record<string, { line: string; at: [number, number] }> = {
    'no space after the colon (not YAML; recovered)': { line: 'tools:Read', at: [4, 1] },
    'an indented tools line (read as a continuation)': { line: ' tools: Read', at: [4, 1] },
    'a space before a glued colon': { line: 'tools :Read', at: [4, 1] },
    'a case variant (valid YAML, an unknown key)': { line: 'Tools: Read', at: [4, 1] },
    'a case variant of disallowedTools': { line: 'DisallowedTools: Bash', at: [4, 1] },
    'a key glued to its value (valid YAML: the key `tools:Read`)': { line: 'tools:Read:', at: [4, 1] },
  };
  for (const [label, { line, at }] of Object.entries(widened)) {
    it(`a tools key not read as the field is an error, never "all tools": ${label}`, () => {
      for (const description of ['Use it for reviews', 'Use it: for reviews']) {
        const { agent, messages } = analyze(`---\nname: tools-case\ndescription: ${description}\n${line}\n---\nBody of the agent.\n`);
        expect(agent, `${description} / ${line}`).toBeUndefined();
        expect(messages.filter((m) => m.fatal).map((m) => [m.ruleId, m.line, m.column])).toEqual([['agent/tools-unreadable', ...at]]);
      }
    });
  }

  it('a tools map with an empty tool name is unreadable (it crashed the claude-code target)', () => {
    const { agent, messages } = analyze('---\nname: tools-case\ndescription: Use it\ntools:\n  "": true\n---\nBody of the agent.\n');
    expect(agent).toBeUndefined();
    expect(messages.filter((m) => m.fatal).map((m) => [m.ruleId, m.line, m.reason])).toEqual([['agent/tools-unreadable', 5, '`tools` has an empty tool name']]);
  });

  it('tools map keys are read like list items, so the claude-code target can write them back (it threw and crashed the build)', async () => {
    const { claudeCodeTarget } = await import('../../src/targets/claude-code.js');
    const { withHash } = await import('../../src/targets/json.js');
    for (const [map, tools] of [['{"Read, Bash": true}', ['Read', 'Bash']], ['{" Read": true}', ['Read']], ['{"Read Grep": true, "Bash": false}', ['Read', 'Grep']]] as const) {
      const { agent } = analyze(`---\nname: tools-case\ndescription: Use it\ntools: ${map}\n---\nBody of the agent.\n`);
      expect(agent?.tools, map).toEqual(tools);
      const [out] = claudeCodeTarget.emit([withHash(agent!)], { config, report: () => {} });
      expect(out!.contents).toContain(`tools: ${tools.join(', ')}\n`);
    }
  });

  // JSON.stringify turned these into {}, null or a string while the JS modules disagreed, and the
  // claude-code target threw (crashing the build) on the dialect's `!!binary`. Positioned at the
  // value after its tag (the yaml node's range).
  const nonJson: Record<string, [string, number, number, string]> = {
    '!!binary': ['extra: !!binary AAAA', 4, 17, '`extra` is binary data (!!binary)'],
    '!!set': ['hooks:\n  s: !!set {a, b}', 5, 12, '`hooks.s` is a set (!!set)'],
    '!!omap': ['extra: [1, !!omap [a: 1]]', 4, 19, '`extra.1` is an ordered map (!!omap)'],
    '!!timestamp': ['when: !!timestamp 2020-01-01', 4, 19, '`when` is a timestamp (!!timestamp)'],
    '.inf': ['extra: .inf', 4, 8, '`extra` is the number Infinity'],
    '.nan in the dialect': ['extra: .nan\nnote: a: b', 4, 8, '`extra` is the number NaN'],
  };
  for (const [label, [line, l, c, start]] of Object.entries(nonJson)) {
    it(`a value JSON cannot hold is an error at its position: ${label}`, () => {
      const { agent, messages } = analyze(`---\nname: json-case\ndescription: Use it\n${line}\n---\nBody of the agent.\n`);
      expect(agent).toBeUndefined();
      expect(messages.filter((m) => m.fatal).map((m) => [m.ruleId, m.line, m.column, m.reason])).toEqual([
        ['agent/invalid-field', l, c, `${start}, which JSON cannot hold; write it as a string, number, list or map`],
      ]);
    });
  }

  it('exact tools keys in any valid spelling still read as the field', () => {
    for (const line of ['tools : Read', 'tools\t: Read', '"tools": Read', "'tools': Read"]) {
      expect(analyze(`---\nname: tools-case\ndescription: Use it: for reviews\n${line}\n---\nBody of the agent.\n`).agent?.tools, line).toEqual(['Read']);
    }
  });
});
