/**
 * Reporters over one fixture with several problems in several files (a dialect file, a YAML
 * syntax error mid-frontmatter, a missing field, lint warnings, a long line): the exact text
 * of `pretty`, `json` and `github` is kept in test/fixtures/reporters-several/snapshots/.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { escapeData, escapeProperty, formatDiagnosticsGithub } from '../src/cli/github.js';
import { formatDiagnosticsPretty } from '../src/cli/pretty.js';
import type { Diagnostic } from '../src/diagnostics.js';
import { cleanupTempDirs, copyInto, FIXTURES, makeProject } from './helpers/project.js';

afterAll(cleanupTempDirs);

const FIXTURE = path.join(FIXTURES, 'reporters-several');
const SNAPSHOTS = path.join(FIXTURE, 'snapshots');

async function project(): Promise<string> {
  const root = await makeProject({});
  await copyInto(root, path.join(FIXTURE, 'agents'), 'agents');
  return root;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cwd: string, argv: string[], env: Record<string, string | undefined> = { NO_COLOR: '1' }, isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    env,
    stdout: { write: (t: string) => (stdout += t), isTTY },
    stderr: { write: (t: string) => (stderr += t), isTTY },
  });
  return { code, stdout, stderr };
}

const SUMMARY = '3 agents, 2 errors, 7 warnings';

describe('reporters on several files', () => {
  it('pretty: grouped by file, a code frame with a caret under the column, the summary last', async () => {
    const root = await project();
    const result = await run(root, ['check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    await expect(result.stderr).toMatchFileSnapshot(path.join(SNAPSHOTS, 'pretty.txt'));
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(SUMMARY);
    // Infos are counted by rule, not listed; --verbose lists them in place, nothing else changes.
    expect(result.stderr.trimEnd().split('\n').at(-2)).toBe('2 infos not shown (agent/name-mismatch 1, agent/no-examples 1); --verbose lists them');
    expect(result.stderr).not.toContain(' info ');
    const verbose = await run(root, ['check', '--verbose']);
    await expect(verbose.stderr).toMatchFileSnapshot(path.join(SNAPSHOTS, 'pretty-verbose.txt'));
    expect(verbose.stderr.split('\n').filter((line) => !/^  \S+\s+info\s/.test(line))).toEqual(expect.arrayContaining(result.stderr.split('\n').filter((line) => !line.includes('infos not shown'))));
    // Every file appears once, as a heading, in code-unit order.
    const headings = result.stderr.split('\n').filter((line) => line.startsWith('agents/'));
    expect(headings).toEqual(['agents/dialect.md', 'agents/long-line.md', 'agents/missing.md', 'agents/short.md', 'agents/syntax.md']);
    // The YAML error mid-frontmatter: its line, and the caret under column 14.
    expect(result.stderr).toContain('  3:14  error  The quoted value of `description` is never closed');
    expect(result.stderr).toContain('    3 | description: "an unterminated quote\n      |              ^\n');
    // The typo: underlined over its whole length, with the tool it meant.
    expect(result.stderr).toContain('    4 | tools: Read, Grpe, Bash(git status:*)\n      |              ^~~~\n');
  });

  it('json: one object, the documented shape', async () => {
    const root = await project();
    const result = await run(root, ['check', '--reporter', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    await expect(result.stdout).toMatchFileSnapshot(path.join(SNAPSHOTS, 'json.txt'));
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['agents', 'errors', 'warnings', 'diagnostics']);
    expect([report.agents, report.errors, report.warnings]).toEqual([3, 2, 7]);
    for (const d of report.diagnostics) {
      expect(Object.keys(d)).toEqual(['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'ruleId', 'message']);
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
    }
  });

  it('github: one annotation per diagnostic, chosen automatically in GitHub Actions', async () => {
    const root = await project();
    const result = await run(root, ['check'], { GITHUB_ACTIONS: 'true' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    await expect(result.stdout).toMatchFileSnapshot(path.join(SNAPSHOTS, 'github.txt'));
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(SUMMARY);
    expect(lines).toContain('::error file=agents/syntax.md,line=3,col=14,title=frontmatter/yaml-syntax::The quoted value of `description` is never closed (YAML: Missing closing "quote, at 5:12)');
    expect(lines).toContain('::warning file=agents/dialect.md,line=4,col=14,endLine=4,endColumn=18,title=agent/unknown-tool::`tools`: Claude Code has no tool `Grpe`; did you mean `Grep`?');
    // Infos are notices; `:` and `,` in a message stay as they are (only properties escape them).
    expect(lines.filter((line) => line.startsWith('::notice '))).toHaveLength(2);
    // An explicit --reporter wins over the environment.
    const pretty = await run(root, ['check', '--reporter', 'pretty'], { GITHUB_ACTIONS: 'true', NO_COLOR: '1' });
    expect(pretty.stdout).toBe('');
    expect(pretty.stderr).toContain('agents/syntax.md\n');
  });

  it('github paths are relative to GITHUB_WORKSPACE when the project is in a subfolder', async () => {
    const root = await project();
    const result = await run(root, ['check'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: path.dirname(root) });
    expect(result.stdout).toContain(`::error file=${path.basename(root)}/agents/syntax.md,line=3,col=14,`);
  });

  it('colors on a TTY, none with NO_COLOR or without a TTY', async () => {
    const root = await project();
    const tty = await run(root, ['check'], {}, true);
    expect(tty.stderr).toContain('\u001B[31merror\u001B[0m');
    expect(tty.stderr).toContain('\u001B[33mwarning\u001B[0m');
    expect(tty.stderr).toContain('\u001B[4magents/syntax.md\u001B[0m');
    // Without the escapes it is the plain report.
    const plain = await run(root, ['check'], { NO_COLOR: '1' }, true);
    expect(tty.stderr.replace(/\u001B\[[0-9;]*m/g, '')).toBe(plain.stderr);
    expect(plain.stderr).not.toContain('\u001B[');
    expect((await run(root, ['check'], {}, false)).stderr).not.toContain('\u001B[');
  });

  it('--strict fails on warnings with every reporter, and the summary stays last', async () => {
    const root = await makeProject({ 'agents/a.md': '---\nname: a-agent\ndescription: Use this agent when: builds break.\n---\nYou fix broken builds, step by step.\n' });
    for (const reporter of ['pretty', 'github', 'json']) {
      const loose = await run(root, ['check', '--reporter', reporter]);
      const strict = await run(root, ['check', '--strict', '--reporter', reporter]);
      expect(loose.code, reporter).toBe(0);
      expect(strict.code, reporter).toBe(1);
      if (reporter === 'json') expect(JSON.parse(strict.stdout).warnings).toBe(1);
      else expect((strict.stdout + strict.stderr).trimEnd().split('\n').at(-1)).toBe('1 agent, 0 errors, 1 warning');
    }
  });
});

describe('github escaping', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    const d: Diagnostic = { file: 'agents/a,b:c.md', line: 2, column: 3, endLine: null, endColumn: null, severity: 'info', ruleId: 'x/y', message: 'two\nlines 100%' };
    expect(formatDiagnosticsGithub([d])).toBe('::notice file=agents/a%2Cb%3Ac.md,line=2,col=3,title=x/y::two%0Alines 100%25');
  });

  it('leaves out the position when a diagnostic has none', () => {
    const d: Diagnostic = { file: 'agents/a.md', line: null, column: null, endLine: null, endColumn: null, severity: 'error', ruleId: 'file/unreadable', message: 'gone' };
    expect(formatDiagnosticsGithub([d])).toBe('::error file=agents/a.md,title=file/unreadable::gone');
  });
});

describe('pretty code frames', () => {
  const diagnostic = (line: number, column: number, end?: number): Diagnostic => ({
    file: 'a.md', line, column, endLine: end === undefined ? null : line, endColumn: end ?? null, severity: 'warning', ruleId: 'r/x', message: 'm',
  });
  const frame = (text: string, d: Diagnostic) => formatDiagnosticsPretty([d], [new VFile({ path: 'a.md', value: text })], { color: false }).split('\n').slice(2).join('\n');

  it('keeps tabs in the caret line so the caret lines up', () => {
    expect(frame('---\n\tname:\tx\n', diagnostic(2, 8))).toBe('    2 | \tname:\tx\n      | \t     \t^');
  });

  it('does not show the CR of a CRLF line', () => {
    expect(frame('---\r\nname: x\r\n', diagnostic(2, 7, 8))).toBe('    2 | name: x\n      |       ^');
  });

  it('shows a window of a long line around the column', () => {
    const line = `description: ${'a'.repeat(300)}: b ${'c'.repeat(300)}`;
    const out = frame(`---\n${line}\n`, diagnostic(2, 314, 316));
    const [code, caret] = out.split('\n') as [string, string];
    expect(code.length).toBeLessThan(120);
    expect(code).toMatch(/^ {4}2 \| …a+: b c+…$/);
    expect(caret.indexOf('^')).toBe(code.indexOf(': b'));
    expect(caret.endsWith('^~')).toBe(true);
  });

  it('has no frame when the file text is not known', () => {
    const out = formatDiagnosticsPretty([diagnostic(2, 1)], [], { color: false });
    expect(out).toBe('a.md\n  2:1  warning  m  r/x');
  });
});
