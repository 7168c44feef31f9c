/**
 * A one-shot build lets each source's text go once its agent's files are written
 * (src/released-sources.ts). What it returns is still exactly what a build that keeps every
 * text returns (agents, files, code frames), read back from the sources when asked for, and it
 * holds no text until then.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder } from '../src/builder.js';
import { compile } from '../src/compile.js';
import { formatDiagnosticsPretty } from '../src/cli/pretty.js';
import { sharedFilesReadPrompts } from '../src/targets/index.js';
import { lineAt } from '../src/util/text.js';
import { cleanupTempDirs, configFor, copyInto, CORPUS, makeProject, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

/** A corpus repository of 158 agents with warnings and no error (a build with an error writes nothing). */
async function corpusProject(): Promise<string> {
  const root = await tempDir();
  await copyInto(root, path.join(CORPUS, 'VoltAgent__awesome-claude-code-subagents'), 'agents');
  return root;
}

const filesOf = (files: readonly VFile[]) => files.map((file) => ({ path: file.path, value: file.value, messages: file.messages.map((m) => [m.ruleId, m.line, m.column, m.reason, m.fatal]) }));

describe('a one-shot build without the sources’ texts', () => {
  it('gives back exactly the agents, files and source lines of a build that keeps them', async () => {
    const root = await corpusProject();
    const config = configFor(root, { outDir: 'dist' });
    const kept = await compile(config);
    expect(kept.errorCount).toBe(0);
    expect(kept.warningCount).toBeGreaterThan(0);
    const summary = await createBuilder({ config, cache: false }).build();
    const { result } = summary;
    expect(summary.wroteOutput).toBe(true);
    // Let go: the lines come from what the build kept of each source, before any text is read back.
    expect(result.sourceLine).toBeDefined();
    const texts = new Map(kept.files.map((file) => [file.path, String(file.value)]));
    const lines = kept.diagnostics.filter((d) => d.line !== null);
    expect(lines.length).toBeGreaterThan(150);
    for (const d of lines) expect(result.sourceLine!(d.file, d.line!), `${d.file}:${d.line}`).toBe(lineAt(texts.get(d.file)!, d.line!));
    expect(result.diagnostics).toEqual(kept.diagnostics);
    expect(result.agents).toEqual(kept.agents);
    expect(filesOf(result.files)).toEqual(filesOf(kept.files));
    // The files written are the ones a build from start to end writes.
    for (const file of kept.output) expect(await readFile(path.join(root, 'dist', file.path), 'utf8'), file.path).toBe(file.contents);
  });

  it('prints the same code frames, from the lines it kept, without reading a source', async () => {
    const root = await corpusProject();
    // Last in discovery order, with an error: the sources before it were let go, it was not.
    await writeFile(path.join(root, 'agents/zz-broken.md'), '---\nname: zz-broken\ntools: Read\n---\nNo description.\n');
    const config = configFor(root, { outDir: 'dist' });
    const kept = await compile(config);
    const { result } = await createBuilder({ config, cache: false }).build();
    expect(result.errorCount).toBe(1);
    const frames = formatDiagnosticsPretty(kept.diagnostics, kept.files, { color: false });
    expect(frames).toMatch(/^agents\/zz-broken\.md\n[^\n]*error[\s\S]*^ {4}1 \| ---$/m);
    expect(frames.match(/^ {4}\d+ \| /gm)?.length).toBeGreaterThan(150);
    const files = () => {
      throw new Error('the reporter asked for every source');
    };
    expect(formatDiagnosticsPretty(result.diagnostics, files, { color: false, sourceLine: result.sourceLine })).toBe(frames);
  });

  it('says which source changed when its agent can no longer be read back', async () => {
    const good = (name: string) => `---\nname: ${name}\ndescription: Helps with ${name}\n---\nYou are ${name}, and you help.\n`;
    const root = await makeProject({ 'agents/alpha.md': good('alpha'), 'agents/beta.md': good('beta') });
    const { result } = await createBuilder({ config: configFor(root, { outDir: 'dist' }), cache: false }).build();
    await writeFile(path.join(root, 'agents/beta.md'), good('beta').replace('you help', 'you help a lot'));
    expect(() => result.agents).toThrow(/^agents\/beta\.md changed after the build.*\(build again\)$/);
    // Files are given back where they can be: the changed one has no text.
    expect(result.files.map((file) => [file.path, file.value])).toEqual([
      ['agents/alpha.md', good('alpha')],
      ['agents/beta.md', undefined],
    ]);
  });

  it('holds none of the texts until asked for them', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // 300 sources (read on a thread from 256 on, as here) of ~64 KB: ~19 MB the build would
    // otherwise hold to its end.
    const body = 'You review code and say what to change, line by line.\n'.repeat(1200);
    const description = (i: number) => `Reviews code for correctness, style and security (part ${i}); use it after every change to a pull request`;
    const files: Record<string, string> = {};
    // Values of 13 characters or more: V8 would keep them as views into their file's text.
    for (let i = 0; i < 300; i++) files[`agents/agent-${i}.md`] = `---\nname: code-reviewer-number-${i}\ndescription: ${description(i)}\ncolor: cyan\n---\n${body}`;
    const root = await makeProject(files);
    const config = configFor(root, { outDir: 'dist' });
    // The compiler's modules load on the first build: not what is measured here.
    const warmUp = await makeProject({ 'agents/a.md': files['agents/agent-0.md']! });
    await createBuilder({ config: configFor(warmUp, { outDir: 'dist' }), cache: false }).build();
    const builder = createBuilder({ config, cache: false, readAheadFrom: 256 });
    gc();
    const before = process.memoryUsage().heapUsed;
    const summary = await builder.build();
    gc();
    const held = process.memoryUsage().heapUsed - before;
    expect(summary.agents).toBe(300);
    expect(held).toBeLessThan(8_000_000);
    // And they come back whole.
    expect(summary.result.agents[7]!.prompt).toBe(body);
  });

  it('builds again on the same builder from the entries it let go, without parsing', async () => {
    const root = await corpusProject();
    const config = configFor(root, { outDir: 'dist' });
    const kept = await compile(config);
    const builder = createBuilder({ config, cache: false });
    await builder.build();
    const again = await builder.build();
    expect(again.analyzed).toEqual([]);
    expect(again.result.agents).toEqual(kept.agents);
    expect(again.result.diagnostics).toEqual(kept.diagnostics);
  });

  it('keeps the texts when the shared files read prompts', async () => {
    expect(sharedFilesReadPrompts({ targets: ['json', 'ts', 'claude-agent-sdk', 'claude-code'] })).toBe(false);
    // Without the ts target the SDK modules inline every prompt.
    expect(sharedFilesReadPrompts({ targets: ['json', 'claude-agent-sdk'] })).toBe(true);
    expect(sharedFilesReadPrompts({ targets: ['json', { name: 'mine', emit: () => [] }] })).toBe(true);
    const root = await makeProject({ 'agents/a.md': '---\nname: alpha\ndescription: Helps\n---\nYou help.\n' });
    const summary = await createBuilder({ config: configFor(root, { outDir: 'dist', targets: ['json', 'claude-agent-sdk'] }), cache: false }).build();
    expect(summary.result.sourceLine).toBeUndefined();
    expect(await readFile(path.join(root, 'dist/claude-agent-sdk.js'), 'utf8')).toContain('"prompt": "You help.\\n"');
  });
});
