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
    expect(messages).toEqual([
      { line: 2, column: 1, ruleId: 'frontmatter/yaml-syntax', reason: 'Frontmatter could not be read: Unresolved alias (the anchor must be set before the alias): a', fatal: true },
    ]);
  });
});
