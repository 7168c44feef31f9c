/**
 * `agents fix`: dialect frontmatter -> valid YAML with the same values, proven; over every
 * file of ../shared/corpus and on small cases (CRLF, BOM, key order, bodies, errors, dry run).
 */
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { VFile } from 'vfile';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile, type CompileResult } from '../src/compile.js';
import { fix, fixText, type FixResult } from '../src/fix.js';
import { unifiedDiff } from '../src/util/diff.js';
import type { Agent } from '../src/ir.js';
import { cleanupTempDirs, cli, configFor, CORPUS, makeProject, snapshotDir, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const BODY = 'You fix builds.\r\n\n  Keep   spacing,\ttabs and a trailing line without newline';
const DIALECT = `---\nname: fixer\ndescription: Use this agent when: the build breaks. <example>user: "fix" assistant: "ok"</example>\ntools: Read, Bash\nmodel: sonnet\n---\n${BODY}`;

function frontmatterOf(text: string): string {
  return /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
}

function strictYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  return doc.toJS();
}

describe('agents fix on small cases', () => {
  it('rewrites dialect frontmatter as strict YAML, key order kept, body bytes untouched', async () => {
    const root = await makeProject({ 'agents/fixer.md': DIALECT });
    const run = await cli(root, 'fix');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('fixed 1 file:\n  agents/fixer.md\n');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('1 agent, 0 errors, 0 warnings');
    const fixed = await readFile(path.join(root, 'agents/fixer.md'), 'utf8');
    expect(fixed).toBe(`---\nname: fixer\ndescription: 'Use this agent when: the build breaks. <example>user: "fix" assistant: "ok"</example>'\ntools: Read, Bash\nmodel: sonnet\n---\n${BODY}`);
    expect(Object.keys(strictYaml(frontmatterOf(fixed)) as object)).toEqual(['name', 'description', 'tools', 'model']);
    expect((strictYaml(frontmatterOf(fixed)) as { description: string }).description).toBe('Use this agent when: the build breaks. <example>user: "fix" assistant: "ok"</example>');
    expect(fixed.endsWith(`\n---\n${BODY}`)).toBe(true);
    // Idempotent: the second run finds nothing and leaves the bytes and the file alone.
    const before = await stat(path.join(root, 'agents/fixer.md'));
    const again = await cli(root, 'fix');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to fix in 1 file');
    expect(await readFile(path.join(root, 'agents/fixer.md'), 'utf8')).toBe(fixed);
    expect((await stat(path.join(root, 'agents/fixer.md'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('keeps CRLF line endings and a byte order mark', async () => {
    const crlf = `\uFEFF---\r\nname: crlf-agent\r\ndescription: Use it when: CRLF.\r\n  Continued on a second line.\r\ncolor: blue\r\n---\r\nBody with enough text here.\r\n`;
    const root = await makeProject({ 'agents/crlf-agent.md': crlf });
    expect((await cli(root, 'fix')).code).toBe(0);
    const fixed = await readFile(path.join(root, 'agents/crlf-agent.md'), 'utf8');
    expect(fixed.startsWith('\uFEFF---\r\n')).toBe(true);
    expect(fixed.replace(/\r\n/g, '')).not.toContain('\n');
    expect(fixed).toBe('\uFEFF---\r\nname: crlf-agent\r\ndescription: "Use it when: CRLF. Continued on a second line."\r\ncolor: blue\r\n---\r\nBody with enough text here.\r\n');
  });

  it('leaves valid YAML byte-identical and does not rewrite it', async () => {
    const valid = "---\nname: valid-one\n# a comment fix must keep\ndescription: 'quoted: fine'\n---\nBody long enough to pass.\n";
    const root = await makeProject({ 'agents/valid-one.md': valid });
    const before = await stat(path.join(root, 'agents/valid-one.md'));
    const run = await cli(root, 'fix', '--reporter', 'json');
    expect(JSON.parse(run.stdout).fix).toMatchObject({ fixed: [], unchanged: ['agents/valid-one.md'] });
    expect(await readFile(path.join(root, 'agents/valid-one.md'), 'utf8')).toBe(valid);
    expect((await stat(path.join(root, 'agents/valid-one.md'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('does not touch files with errors, and fails with their errors', async () => {
    const broken = '---\nname: broken\ndescription: has: a colon\ntools: 3\n---\nBody long enough to pass.\n';
    const root = await makeProject({ 'agents/broken.md': broken, 'agents/fixer.md': DIALECT });
    const run = await cli(root, 'fix', '--reporter', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.fix).toMatchObject({ fixed: ['agents/fixer.md'], skipped: ['agents/broken.md'] });
    expect(report.diagnostics.find((d: { severity: string }) => d.severity === 'error')).toMatchObject({ file: 'agents/broken.md', line: 4, ruleId: 'agent/tools-unreadable' });
    expect(await readFile(path.join(root, 'agents/broken.md'), 'utf8')).toBe(broken);
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const root = await makeProject({ 'agents/fixer.md': DIALECT });
    const run = await cli(root, 'fix', '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        '--- a/agents/fixer.md',
        '+++ b/agents/fixer.md',
        '@@ -1,6 +1,6 @@',
        ' ---',
        ' name: fixer',
        '-description: Use this agent when: the build breaks. <example>user: "fix" assistant: "ok"</example>',
        `+${(await fixedDescriptionLine())}`,
        ' tools: Read, Bash',
        ' model: sonnet',
        ' ---',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toContain('would fix 1 file:');
    expect(await readFile(path.join(root, 'agents/fixer.md'), 'utf8')).toBe(DIALECT);
  });

  it('a file it cannot write: fix/write-failed on it, the others still fixed', async () => {
    const root = await makeProject({ 'agents/fixer.md': DIALECT, 'agents/other.md': DIALECT.replace('name: fixer', 'name: other') });
    // Its temporary file's name is taken by a folder, so the write fails (tests may run as root, where modes do not stop writes).
    await mkdir(path.join(root, 'agents', `.fixer.md.agentc-fix-${process.pid}`));
    const run = await cli(root, 'fix', '--reporter', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.fix).toMatchObject({ fixed: ['agents/other.md'], refused: ['agents/fixer.md'] });
    expect(report.diagnostics.find((d: { ruleId: string }) => d.ruleId === 'fix/write-failed')).toMatchObject({ file: 'agents/fixer.md', line: 1, column: 1, severity: 'error' });
    expect(await readFile(path.join(root, 'agents/fixer.md'), 'utf8')).toBe(DIALECT);
  });

  it('fixes only the files named on the command line', async () => {
    const root = await makeProject({ 'agents/fixer.md': DIALECT, 'agents/other.md': DIALECT.replace('name: fixer', 'name: other') });
    const run = await cli(root, 'fix', 'agents/other.md');
    expect(run.code).toBe(0);
    expect(await readFile(path.join(root, 'agents/fixer.md'), 'utf8')).toBe(DIALECT);
    expect(await readFile(path.join(root, 'agents/other.md'), 'utf8')).not.toBe(DIALECT.replace('name: fixer', 'name: other'));
    const missing = await cli(root, 'fix', 'agents/nope.md');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('file/unreadable');
  });

  it('--strict fails on the warnings left after fixing', async () => {
    const root = await makeProject({ 'agents/fixer.md': DIALECT.replace('tools: Read, Bash', 'tools: Read, Bsah') });
    const run = await cli(root, 'fix', '--strict');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('did you mean `Bash`?');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('1 agent, 0 errors, 1 warning');
  });

  it('refuses when Claude Code would read the fixed file differently (a `---` inside a value)', async () => {
    const dashes = '---\nname: dashes\ndescription: Use it when: the line has --- inside it.\n---\nYou handle dashes in text well.\n';
    const root = await makeProject({ 'agents/dashes.md': dashes });
    const run = await cli(root, 'fix', '--reporter', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.fix).toMatchObject({ fixed: [], refused: ['agents/dashes.md'] });
    const refusal = report.diagnostics.find((d: { ruleId: string }) => d.ruleId === 'fix/unverified');
    expect(refusal).toMatchObject({ file: 'agents/dashes.md', line: 1, column: 1, severity: 'error' });
    expect(refusal.message).toContain('Claude Code would not read the fixed file the same way');
    expect(await readFile(path.join(root, 'agents/dashes.md'), 'utf8')).toBe(dashes);
  });

  it('refuses (fix/unverified, file untouched) when the rewrite does not read back the same', async () => {
    vi.resetModules();
    vi.doMock('../src/pipeline/frontmatter/stringify.js', async (original) => ({
      ...(await original<typeof import('../src/pipeline/frontmatter/stringify.js')>()),
      stringifyFrontmatter: () => 'name: fixer\ndescription: something else\n',
    }));
    const { fixText: mockedFixText } = await import('../src/fix.js');
    const file = new VFile({ path: 'agents/fixer.md', value: DIALECT });
    const outcome = mockedFixText(file, DIALECT, '', configFor('/project'));
    vi.doUnmock('../src/pipeline/frontmatter/stringify.js');
    vi.resetModules();
    expect(outcome.status).toBe('refused');
    expect(outcome.text).toBeUndefined();
    expect(file.messages.find((m) => m.ruleId === 'fix/unverified')).toMatchObject({ fatal: true, line: 1, column: 1, reason: '`agents fix` left this file as it is: the rewritten frontmatter does not read back to the same values' });
  });
});

describe('unifiedDiff', () => {
  it('prints hunks with 3 lines of context, removals before additions', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].join('\n') + '\n';
    const b = a.replace('b\n', 'B\n').replace('k\n', 'K1\nK2\n');
    expect(unifiedDiff(a, b, 'a/x', 'b/x')).toBe(
      ['--- a/x', '+++ b/x', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -8,5 +8,6 @@', ' h', ' i', ' j', '-k', '+K1', '+K2', ' l', ''].join('\n'),
    );
  });

  it('is empty for equal texts, and ignores CR so CRLF files diff by content', () => {
    expect(unifiedDiff('x\n', 'x\n', 'a', 'b')).toBe('');
    expect(unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
    expect(unifiedDiff('a\n', 'a\nb', 'a', 'b')).toBe('--- a\n+++ b\n@@ -1 +1,2 @@\n a\n+b\n');
  });
});

async function fixedDescriptionLine(): Promise<string> {
  const outcome = fixText(new VFile({ path: 'agents/fixer.md', value: DIALECT }), DIALECT, '', configFor('/project'));
  return outcome.text!.split('\n')[2]!;
}

describe('agents fix over every file of the corpus', () => {
  const repos = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory());
  const include = ['**/*.md', '.claude/agents/**/*.md'];
  let copy: string;
  const original = new Map<string, CompileResult>();
  const first = new Map<string, FixResult>();
  const fixedCompile = new Map<string, CompileResult>();
  const second = new Map<string, FixResult>();
  const bytesBefore = new Map<string, Record<string, string>>();
  const bytesAfterFirst = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    copy = await tempDir('agentc-fix-corpus-');
    for (const repo of repos) {
      const root = path.join(copy, repo);
      await cp(path.join(CORPUS, repo), root, { recursive: true });
      const config = configFor(root, { include });
      bytesBefore.set(repo, await snapshotDir(root));
      original.set(repo, await compile(config));
      first.set(repo, await fix(config));
      bytesAfterFirst.set(repo, await snapshotDir(root));
      fixedCompile.set(repo, await compile(config));
      second.set(repo, await fix(config));
    }
  });

  const all = <T>(map: Map<string, T[]>) => [...map.values()].flat();
  const files = () => all(new Map([...first].map(([repo, r]) => [repo, r.files])));

  it('rewrites the 23 files that are not valid YAML, and only those; refuses none', () => {
    const list = files();
    expect(list).toHaveLength(549);
    const count = (status: string) => list.filter((f) => f.status === status).length;
    expect(count('fixed')).toBe(23);
    expect(count('refused')).toBe(0);
    // The one file with an error (a name with a space) is left alone.
    expect(list.filter((f) => f.status === 'skipped').map((f) => f.path)).toEqual(['.claude/agents/1-sparc-methodology-implementer.md']);
    for (const [repo, result] of original) {
      const dialect = result.agents.filter((a) => a.source.frontmatter !== 'yaml').map((a) => a.source.path);
      expect(first.get(repo)!.files.filter((f) => f.status === 'fixed').map((f) => f.path), repo).toEqual(dialect.sort());
    }
  });

  it('every resulting frontmatter parses as strict YAML', () => {
    for (const [repo, snapshot] of bytesAfterFirst) {
      for (const [file, text] of Object.entries(snapshot)) {
        if (!file.endsWith('.md') || !/^\uFEFF?---\r?\n/.test(text)) continue;
        expect(() => strictYaml(frontmatterOf(text)), `${repo}/${file}`).not.toThrow();
      }
    }
  });

  it('compiling each fixed file gives the same agent as the original (all but source)', () => {
    for (const [repo, before] of original) {
      const after = fixedCompile.get(repo)!;
      expect(after.agents.map((a) => a.source.path)).toEqual(before.agents.map((a) => a.source.path));
      const withoutSource = ({ source: _s, hash: _h, ...rest }: Agent) => rest;
      for (const [i, agent] of before.agents.entries()) {
        expect(withoutSource(after.agents[i]!), agent.source.path).toEqual(withoutSource(agent));
        expect(after.agents[i]!.source.frontmatter).toBe('yaml');
      }
      // No new diagnostics beyond the ones fixing removes.
      const gone = new Set(['frontmatter/dialect', 'claude-code/not-loaded', 'frontmatter/duplicate-key', 'claude-code/differs']);
      const key = (d: { file: string; ruleId: string; message: string }) => `${d.file} ${d.ruleId} ${d.message}`;
      const beforeKeys = before.diagnostics.filter((d) => !gone.has(d.ruleId)).map(key);
      expect(after.diagnostics.filter((d) => !gone.has(d.ruleId)).map(key).sort(), repo).toEqual(beforeKeys.sort());
      expect(after.diagnostics.filter((d) => gone.has(d.ruleId)), repo).toEqual([]);
    }
  });

  it('a second run is a no-op', () => {
    for (const [repo, result] of second) {
      expect(result.files.filter((f) => f.status === 'fixed' || f.status === 'refused'), repo).toEqual([]);
    }
  });

  it('files that were valid YAML are byte-identical; only the fixed files changed, and only in their frontmatter', () => {
    for (const [repo, before] of bytesBefore) {
      const after = bytesAfterFirst.get(repo)!;
      expect(Object.keys(after)).toEqual(Object.keys(before));
      const fixedPaths = new Set(first.get(repo)!.files.filter((f) => f.status === 'fixed').map((f) => f.path));
      for (const [file, text] of Object.entries(before)) {
        if (!fixedPaths.has(file)) {
          expect(after[file], `${repo}/${file}`).toBe(text);
          continue;
        }
        const fixedText = after[file]!;
        const prompt = original.get(repo)!.agents.find((a) => a.source.path === file)!.prompt;
        // The body is the same bytes after the closing fence, and the line ending style is kept.
        expect(text.endsWith(`---\n${prompt}`) || text.endsWith(`---\r\n${prompt}`), `${repo}/${file}`).toBe(true);
        expect(fixedText.slice(fixedText.length - prompt.length - 5), `${repo}/${file}`).toBe(text.slice(text.length - prompt.length - 5));
        expect(fixedText.includes('\r\n'), `${repo}/${file} line endings`).toBe(text.includes('\r\n'));
      }
    }
  });
});
