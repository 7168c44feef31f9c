/** Unit tests of the normalize stage: tool lists (the security invariant) and descriptions. */
import { describe, expect, it } from 'vitest';
import { splitDescription } from '../src/pipeline/normalize/description.js';
import { readToolList } from '../src/pipeline/normalize/tools.js';

describe('readToolList: absent means every tool, so nothing unreadable is ever "absent"', () => {
  it.each([
    ['Read, Grep', ['Read', 'Grep']],
    ['Read Grep', ['Read', 'Grep']],
    ['Agent(reviewer, tester), Bash(git diff:*)', ['Agent(reviewer, tester)', 'Bash(git diff:*)']],
    [['Read', 'Grep, Glob'], ['Read', 'Grep', 'Glob']],
    [[], []],
    [{ Read: true, Write: false }, ['Read']],
  ])('reads %j', (value, tools) => {
    const result = readToolList(value);
    expect(result.ok && result.tools).toEqual(tools);
  });

  it.each([null, '', '   ', 42, true, '[Read, Grep', '{Read: true', [1], [null], ['Read', { Bash: true }], { Read: 'yes' }])('refuses %j', (value) => {
    expect(readToolList(value).ok).toBe(false);
  });

  it('never returns a tool the input did not name', () => {
    const inputs: unknown[] = ['Read,,Grep', ' Read ', ['Read', 'Read'], { a: true, b: false }, 'x(y, z) w'];
    for (const input of inputs) {
      const result = readToolList(input);
      if (!result.ok) continue;
      const written = JSON.stringify(input);
      for (const tool of result.tools) expect(written).toContain(tool.split('(')[0]);
    }
  });
});

describe('splitDescription', () => {
  it('takes one-line examples apart and keeps the summary', () => {
    const { summary, examples } = splitDescription(
      "Use for backends. Examples: <example>Context: scale. user: 'I need 100k users' assistant: 'I'll use the backend agent' <commentary>Needs expertise.</commentary></example>",
    );
    expect(summary).toBe('Use for backends.');
    expect(examples).toEqual([{ context: 'scale.', user: 'I need 100k users', assistant: "I'll use the backend agent", commentary: 'Needs expertise.' }]);
  });

  it('takes multi-line examples apart', () => {
    const { summary, examples } = splitDescription('Designs engines.\n\nExamples:\n<example>\nContext: slow\nuser: "Fix it"\nassistant: "On it"\n<commentary>\nPerf work.\n</commentary>\n</example>');
    expect(summary).toBe('Designs engines.');
    expect(examples).toEqual([{ context: 'slow', user: 'Fix it', assistant: 'On it', commentary: 'Perf work.' }]);
  });

  it('leaves a description without examples as it is', () => {
    expect(splitDescription('Reviews code: finds bugs.')).toEqual({ summary: 'Reviews code: finds bugs.', examples: [] });
  });

  it('skips an example without both user and assistant rather than inventing one', () => {
    expect(splitDescription('X <example>user: "only the user"</example>').examples).toEqual([]);
  });
});
