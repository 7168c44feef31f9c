/** The README documents what the code does: every rule, the first two commands. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { RULES } from '../src/rules.js';
import { REPO } from './helpers/project.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

it('has a row for every rule id with its default severity', () => {
  for (const [id, rule] of Object.entries(RULES)) {
    const locked = 'locked' in rule && rule.locked ? ' (locked)' : '';
    expect(readme, id).toContain(`| \`${id}\` | ${rule.severity}${locked} |`);
  }
});

it('opens with the set-up + build command and the test command', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const commands = firstBlock.split('\n').filter(Boolean).map((line) => line.replace(/\s+#.*$/, ''));
  expect(commands).toEqual(['npm ci && npx agents build', 'npm test']);
});
