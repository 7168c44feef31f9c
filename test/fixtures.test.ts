/**
 * Fixture folders: test/fixtures/<case>/agents/*.md is the input, expected.json the expected
 * output: every diagnostic (file, line, column, severity, rule, message) and every compiled
 * agent exactly as dist/agents/<name>.json holds it. `UPDATE_FIXTURES=1 npx vitest run
 * test/fixtures.test.ts` rewrites expected.json after a deliberate change; review the diff.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { configFor, FIXTURES } from './helpers/project.js';

const cases = readdirSync(FIXTURES).filter((name) => statSync(path.join(FIXTURES, name)).isDirectory() && existsSync(path.join(FIXTURES, name, 'agents')));

describe('fixtures', () => {
  it('has fixture folders', () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(FIXTURES, name);
      const configFile = path.join(dir, 'config.json');
      const extra = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {};
      // Style rules would add the same notes to every small fixture; test/lint.test.ts covers them.
      const rules = { 'agent/name-mismatch': 'off', 'agent/no-examples': 'off', 'agent/prompt-short': 'off', ...extra.rules } as const;
      const result = await compile(configFor(dir, { ...extra, rules, outDir: 'dist' }));
      const actual = {
        errors: result.errorCount,
        diagnostics: result.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, ruleId: d.ruleId, message: d.message })),
        agents: Object.fromEntries(result.agents.map((agent) => [agent.name, JSON.parse(JSON.stringify(agent))])),
      };
      const expectedFile = path.join(dir, 'expected.json');
      if (process.env.UPDATE_FIXTURES || !existsSync(expectedFile)) {
        writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
      // What the json target writes for each agent is exactly the agent record.
      for (const agent of result.agents) {
        const file = result.output.find((f) => f.path === `agents/${agent.name}.json`);
        if (result.errorCount === 0) expect(JSON.parse(file!.contents)).toEqual(actual.agents[agent.name]);
      }
    });
  }
});
