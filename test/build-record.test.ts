/**
 * The build record (src/build-record.ts): a build over unchanged sources, config and outDir
 * finds outDir up to date without parsing or emitting, and gives the same result as a real
 * build; anything that could make it wrong sends it back to a real build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDiagnostics, decodeMessages, encodeMessages, joinPaths, splitPaths, type BuildRecord } from '../src/build-record.js';
import type { SerializedMessage } from '../src/cache.js';
import { createBuilder, type BuilderOptions } from '../src/builder.js';
import { compile } from '../src/compile.js';
import { loadConfig } from '../src/config/load.js';
import type { UserConfig } from '../src/config/schema.js';
import { toDiagnostic } from '../src/diagnostics.js';
import { compareCodeUnits } from '../src/util/text.js';
import { cleanupTempDirs, cli, FIXTURE_CONFIG, makeProject, REPO, snapshotDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

const agent = (name: string, description = `Helps with ${name}`) => `---\nname: ${name}\ndescription: ${description}\nmodel: sonnet\ncolor: blue\n---\nYou are ${name}.\n`;
const FILES = { 'agents/a.md': agent('alpha'), 'agents/b.md': agent('beta'), 'agents/c.md': agent('gamma') };
const ALL_TARGETS: UserConfig = { ...FIXTURE_CONFIG, targets: ['json', 'ts', 'claude-agent-sdk', 'claude-code'] };

async function buildOnce(root: string, options: BuilderOptions = {}) {
  const builder = createBuilder({ cwd: root, ...options });
  const parsed: string[] = [];
  const events: string[] = [];
  builder.on('file:analyze', ({ path: p }) => parsed.push(p));
  builder.on('cache:load', () => events.push('cache:load'));
  const summary = await builder.build();
  // With the cache on, a real build always loads the cache's analyses; only the record's path does not.
  return { summary, parsed: parsed.sort(), events, fromRecord: events.length === 0 };
}

/** The build record the last build() left. */
function recordOf(root: string): BuildRecord {
  const cacheRoot = path.join(root, 'node_modules/.cache/agentc');
  const folder = readdirSync(cacheRoot).find((name) => name.startsWith('analysis-'))!;
  return JSON.parse(readFileSync(path.join(cacheRoot, folder, 'build.json'), 'utf8')) as BuildRecord;
}

async function expectFreshDist(root: string): Promise<void> {
  const fresh = await compile(await loadConfig({ cwd: root }));
  expect(await snapshotDir(path.join(root, 'dist'))).toEqual(Object.fromEntries(fresh.output.map((f) => [f.path, f.contents])));
}

/** Rewrite a source with other bytes of the same size, then give it back its old mtime (whole seconds: exact). */
async function sameSizeEdit(file: string, from: string, to: string): Promise<void> {
  const before = await stat(file);
  const text = await readFile(file, 'utf8');
  expect(to.length).toBe(from.length);
  await writeFile(file, text.replace(from, to));
  await utimes(file, before.mtimeMs / 1000, before.mtimeMs / 1000);
  expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
}

describe('build record', () => {
  it('a project whose sources a thread reads ahead: the record takes their stats, so the next build is up to date, and an edit is seen', async () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`agents/a${String(i).padStart(3, '0')}.md`, agent(`agent-${i}`)]));
    const root = await makeProject(many);
    const first = await buildOnce(root, { readAheadFrom: 256 });
    expect(first.parsed).toHaveLength(300);
    const warm = await buildOnce(root);
    expect(warm.fromRecord).toBe(true);
    expect(warm.summary.upToDate).toBe(true);
    await writeFile(path.join(root, 'agents/a123.md'), agent('agent-123', 'Helps with something else'));
    const edited = await buildOnce(root);
    expect(edited.summary.upToDate).toBe(false);
    expect(edited.parsed).toEqual(['agents/a123.md']);
    await expectFreshDist(root);
  });

  it('an unchanged project is up to date: nothing parsed, loaded, emitted or written, and the same result', async () => {
    const root = await makeProject(FILES, ALL_TARGETS);
    const first = await buildOnce(root);
    expect(first.summary.upToDate).toBe(false);
    const dist = await snapshotDir(path.join(root, 'dist'));

    const warm = await buildOnce(root);
    expect(warm.fromRecord).toBe(true);
    expect(warm.summary).toMatchObject({ upToDate: true, analyzed: [], written: [], removed: [], agents: 3, errors: 0 });
    expect(warm.parsed).toEqual([]);
    expect(warm.events).toEqual([]);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(dist);
    // Diagnostics (the claude-agent-sdk target's note about `color` included) are those of the real build.
    expect(warm.summary.result.diagnostics).toEqual(first.summary.result.diagnostics);
    expect(warm.summary.result.diagnostics.map((d) => d.ruleId)).toContain('target/dropped-field');
    // Agents and output are read on demand, and equal a real build's.
    expect(warm.summary.result.agents).toEqual(first.summary.result.agents);
    expect(warm.summary.result.output).toEqual(first.summary.result.output);
    // Reporters can show code frames: each file's text is there when asked for.
    expect(warm.summary.result.files.map((f) => f.value)).toEqual(first.summary.result.files.map((f) => f.value));
  });

  it('an up-to-date result reads back only the sources as the build read them', async () => {
    const root = await makeProject(FILES, ALL_TARGETS);
    await buildOnce(root);
    const warm = await buildOnce(root);
    expect(warm.fromRecord).toBe(true);
    // Edited after the build: its text and its agent's prompt are no longer the ones built.
    await writeFile(path.join(root, 'agents/b.md'), agent('beta').replace('You are beta.', 'You are someone else.'));
    expect(warm.summary.result.files.map((f) => [f.path, f.value])).toEqual([
      ['agents/a.md', FILES['agents/a.md']],
      ['agents/b.md', undefined],
      ['agents/c.md', FILES['agents/c.md']],
    ]);
    expect(() => warm.summary.result.agents).toThrow(/agents\/b\.md changed after the build; build again/);
  });

  it('the CLI prints the same report, code frames included, when up to date', async () => {
    const root = await makeProject({ ...FILES, 'agents/d.md': '---\nname: delta\ndescription: Helps\ntools: Read, Nope\n---\nYou are delta.\n' }, ALL_TARGETS);
    const cold = await cli(root, 'build');
    const warm = await cli(root, 'build');
    expect(cold.code).toBe(0);
    expect(warm).toEqual(cold);
    expect(warm.stderr).toContain('tools: Read, Nope');
    expect(await cli(root, 'build', '--reporter', 'json')).toEqual(await cli(root, 'build', '--no-cache', '--reporter', 'json'));
  });

  it('an up-to-date build takes its code frames from the record, not from the sources', async () => {
    const root = await makeProject({ ...FILES, 'agents/d.md': '---\nname: delta\ndescription: Helps\ntools: Read, Nope\n---\nYou are delta.\n' }, ALL_TARGETS);
    // Sources older than the racy window, so the record vouches for them by size and mtime alone.
    const past = Math.floor(Date.now() / 1000) - 60;
    for (const name of Object.keys(FILES).concat('agents/d.md')) await utimes(path.join(root, name), past, past);
    const cold = await cli(root, 'build');
    expect(cold.stderr).toContain('tools: Read, Nope');
    const warm = await buildOnce(root);
    expect(warm.fromRecord).toBe(true);
    expect(warm.summary.result.sourceLine?.('agents/d.md', 4)).toBe('tools: Read, Nope');
    // The same bytes count, mtime kept: the record's line is what the build saw, and what it prints.
    await sameSizeEdit(path.join(root, 'agents/d.md'), 'tools: Read, Nope', 'tools: Read, Nape');
    const again = await cli(root, 'build');
    expect(again).toEqual(cold);
  });

  it('a source edited within the racy window is hashed again, even with its old size and mtime', async () => {
    const root = await makeProject(FILES);
    const now = Math.floor(Date.now() / 1000);
    await utimes(path.join(root, 'agents/b.md'), now, now);
    await buildOnce(root);
    await sameSizeEdit(path.join(root, 'agents/b.md'), 'Helps with beta', 'Hilfe mit beta!');
    const next = await buildOnce(root);
    expect(next.fromRecord).toBe(false);
    expect(next.summary.upToDate).toBe(false);
    expect(next.parsed).toEqual(['agents/b.md']);
    await expectFreshDist(root);
  });

  it('an old source is trusted by size and mtime; any other stat is hashed again', async () => {
    const root = await makeProject(FILES);
    const past = new Date(Date.now() - 3_600_000);
    for (const file of Object.keys(FILES)) await utimes(path.join(root, file), past, past);
    await buildOnce(root);
    // Touched but not changed: hashed, found equal, still up to date.
    await utimes(path.join(root, 'agents/a.md'), new Date(), new Date());
    expect((await buildOnce(root)).fromRecord).toBe(true);
    // Changed (other size): a real build.
    await writeFile(path.join(root, 'agents/c.md'), agent('gamma', 'Now helps with more'));
    const next = await buildOnce(root);
    expect(next.fromRecord).toBe(false);
    expect(next.parsed).toEqual(['agents/c.md']);
    await expectFreshDist(root);
  });

  it('added, removed or renamed sources are a real build', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    await writeFile(path.join(root, 'agents/d.md'), agent('delta'));
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await rm(path.join(root, 'agents/a.md'));
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
    expect((await buildOnce(root)).fromRecord).toBe(true);
  });

  it('old, unchanged source folders list the same files without globbing; an entry added in any of them is seen', async () => {
    const config: UserConfig = { ...FIXTURE_CONFIG, include: ['agents/**/*.md', 'extra/new/*.md'] };
    const root = await makeProject({ ...FILES, 'agents/team/d.md': agent('delta'), 'agents/empty/notes.txt': '', 'extra/readme.txt': '' }, config);
    // Whole seconds: read back exactly.
    const past = new Date(Math.floor(Date.now() / 1000 - 3600) * 1000);
    const folders = ['agents', 'agents/team', 'agents/empty', 'extra'];
    const age = async () => {
      for (const folder of folders) await utimes(path.join(root, folder), past, past);
    };
    await age();
    await buildOnce(root);
    // The searched folders: each glob's base (or, for extra/new, the nearest that exists) and all below.
    expect(recordOf(root).sourceFolders.map(([folder]) => folder)).toEqual(['agents', 'agents/empty', 'agents/team', 'extra']);
    expect((await buildOnce(root)).fromRecord).toBe(true);

    // Proof that the recorded list is used: a new file whose folder is given back its old
    // mtime (nothing on disk says it is new) is not seen.
    await writeFile(path.join(root, 'agents/team/hidden.md'), agent('hidden'));
    await utimes(path.join(root, 'agents/team'), past, past);
    expect((await buildOnce(root)).fromRecord).toBe(true);
    await rm(path.join(root, 'agents/team/hidden.md'));
    await utimes(path.join(root, 'agents/team'), past, past);

    // A file in a folder that held no source, and a glob base that did not exist, are seen.
    await writeFile(path.join(root, 'agents/empty/e.md'), agent('epsilon'));
    let next = await buildOnce(root);
    expect(next.fromRecord).toBe(false);
    expect(next.parsed).toEqual(['agents/empty/e.md']);
    await mkdir(path.join(root, 'extra/new'));
    await writeFile(path.join(root, 'extra/new/f.md'), agent('phi'));
    next = await buildOnce(root);
    expect(next.fromRecord).toBe(false);
    expect(next.parsed).toEqual(['extra/new/f.md']);
    await expectFreshDist(root);

    // Folders too fresh to trust are searched again; when that finds the same files, the
    // record keeps their new stamps, and the next build trusts them.
    folders.push('extra/new');
    await age();
    expect((await buildOnce(root)).fromRecord).toBe(true);
    const stamps = recordOf(root).sourceFolders;
    expect(stamps.map(([folder]) => folder)).toEqual(['agents', 'agents/empty', 'agents/team', 'extra/new']);
    expect(stamps.every(([, mtimeMs]) => mtimeMs === past.getTime())).toBe(true);
    await writeFile(path.join(root, 'agents/team/hidden.md'), agent('hidden'));
    await utimes(path.join(root, 'agents/team'), past, past);
    expect((await buildOnce(root)).fromRecord).toBe(true);
  });

  it('a searched folder that changes on every build (the root, where the config is bundled) never has the record rewritten', async () => {
    const root = await makeProject(FILES, { ...FIXTURE_CONFIG, include: ['*.md', 'agents/*.md'] });
    // Old sources: nothing to hash again, so only new folder stamps could make a rewrite.
    const past = new Date(Date.now() - 3_600_000);
    for (const file of Object.keys(FILES)) await utimes(path.join(root, file), past, past);
    await buildOnce(root);
    const file = path.join(root, 'node_modules/.cache/agentc', readdirSync(path.join(root, 'node_modules/.cache/agentc')).find((n) => n.startsWith('analysis-'))!, 'build.json');
    const before = (await stat(file)).mtimeMs;
    for (let i = 0; i < 2; i++) expect((await buildOnce(root)).fromRecord).toBe(true);
    expect((await stat(file)).mtimeMs).toBe(before);
    await writeFile(path.join(root, 'top.md'), agent('top'));
    const next = await buildOnce(root);
    expect(next.parsed).toEqual(['top.md']);
  });

  it('an output removed, added or renamed in outDir is put right', async () => {
    const root = await makeProject(FILES, ALL_TARGETS);
    await buildOnce(root);
    await rm(path.join(root, 'dist/agents/alpha.json'));
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
    await writeFile(path.join(root, 'dist/claude-code/stray.md'), 'not ours');
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
    await rm(path.join(root, 'dist'), { recursive: true });
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
  });

  it('a config edit, another compiler version or a changed cache is a real build', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root, { version: '1.0.0-test' });
    expect((await buildOnce(root, { version: '1.0.0-test' })).fromRecord).toBe(true);
    expect((await buildOnce(root, { version: '1.0.1-test' })).fromRecord).toBe(false);
    await writeFile(path.join(root, 'agents.config.mjs'), `export default ${JSON.stringify({ ...FIXTURE_CONFIG, models: { aliases: { sonnet: 'model-two' } } })};\n`);
    const edited = await buildOnce(root, { version: '1.0.1-test' });
    expect(edited.fromRecord).toBe(false);
    expect(edited.summary.result.agents[0]!.model.resolved).toBe('model-two');
    const cacheRoot = path.join(root, 'node_modules/.cache/agentc');
    const folder = path.join(cacheRoot, readdirSync(cacheRoot)[0]!);
    const shard = readdirSync(folder).find((f) => f.startsWith('shard-'))!;
    await writeFile(path.join(folder, shard), readFileSync(path.join(folder, shard), 'utf8') + ' ');
    expect((await buildOnce(root, { version: '1.0.1-test' })).fromRecord).toBe(false);
  });

  it('a plugin target from a package: updating the package (its package.json) is a real build', async () => {
    const root = await makeProject(FILES);
    const plugin = path.join(root, 'node_modules/agentc-test-plugin');
    const publish = async (version: string) => {
      await mkdir(plugin, { recursive: true });
      await writeFile(path.join(plugin, 'package.json'), JSON.stringify({ name: 'agentc-test-plugin', version, type: 'module', main: 'index.js' }));
      await writeFile(path.join(plugin, 'index.js'), `export const names = { name: 'names', emit: (agents) => [{ path: 'names.txt', contents: ${JSON.stringify(`${version}:`)} + agents.map((a) => a.name).join(',') }] };\n`);
    };
    await publish('1.0.0');
    const config = JSON.stringify({ ...FIXTURE_CONFIG, targets: ['json'] }).replace(/\]\}$/, ', names]}');
    await writeFile(path.join(root, 'agents.config.mjs'), `import { names } from 'agentc-test-plugin';\nexport default ${config};\n`);
    const first = await buildOnce(root);
    expect(first.summary.result.config.dependencies).toContain(path.join(plugin, 'package.json'));
    expect((await buildOnce(root)).fromRecord).toBe(true);
    await publish('1.0.1');
    expect((await buildOnce(root)).fromRecord).toBe(false);
    // A new process imports the new code (this one has the old module loaded): the new output.
    await publish('1.0.2');
    execFileSync(process.execPath, [path.join(REPO, 'bin/agents.js'), 'build'], { cwd: root, stdio: 'pipe' });
    expect(await readFile(path.join(root, 'dist/names.txt'), 'utf8')).toBe('1.0.2:alpha,beta,gamma');
  });

  it('a corrupt or unreadable record is ignored; --no-cache neither reads nor writes one', async () => {
    const root = await makeProject(FILES);
    await buildOnce(root);
    const cacheRoot = path.join(root, 'node_modules/.cache/agentc');
    const record = path.join(cacheRoot, readdirSync(cacheRoot)[0]!, 'build.json');
    await writeFile(record, '{"format":1,"sources":');
    expect((await buildOnce(root)).fromRecord).toBe(false);
    expect((await buildOnce(root)).fromRecord).toBe(true);
    await rm(record);
    await mkdir(record);
    const unreadable = await buildOnce(root);
    expect(unreadable.fromRecord).toBe(false);
    expect(unreadable.summary.errors).toBe(0);
    await expectFreshDist(root);

    const bare = await makeProject(FILES);
    await buildOnce(bare, { cache: false });
    expect((await buildOnce(bare, { cache: false })).parsed).toHaveLength(3);
    expect(existsSync(path.join(bare, 'node_modules/.cache/agentc'))).toBe(false);
  });
});

describe('a build after edits keeps the files of agents the last build emitted with the same hash', () => {
  /** Other bytes of the same size, written in place: outDir's folders keep their stamps. */
  async function plant(file: string): Promise<string> {
    const text = await readFile(file, 'utf8');
    const planted = text.replace('You are', 'You ARE');
    expect(Buffer.byteLength(planted)).toBe(Buffer.byteLength(text));
    await writeFile(file, planted);
    return planted;
  }

  /** A project built once, then dist/agents/gamma.json planted. */
  async function builtAndPlanted(files: Record<string, string> = FILES): Promise<{ root: string; gamma: string; planted: string }> {
    const root = await makeProject(files, ALL_TARGETS);
    await buildOnce(root);
    const gamma = path.join(root, 'dist/agents/gamma.json');
    return { root, gamma, planted: await plant(gamma) };
  }

  it('keeps them without reading them (a planted file stays; --check still compares bytes), and writes the rest as a fresh build would', async () => {
    const { root, gamma, planted } = await builtAndPlanted({ ...FILES, 'agents/d.md': agent('delta') });
    const inode = (await stat(gamma)).ino;
    // A prompt edit, a rename, a removal and an addition at once.
    await writeFile(path.join(root, 'agents/a.md'), `${agent('alpha')}Edited.\n`);
    await writeFile(path.join(root, 'agents/b.md'), agent('beta-two'));
    await rm(path.join(root, 'agents/d.md'));
    await writeFile(path.join(root, 'agents/e.md'), agent('epsilon'));
    const { summary, fromRecord } = await buildOnce(root);
    expect([fromRecord, summary.errors]).toEqual([false, 0]);
    // gamma is the same agent: its file was kept as it was (the same inode, linked), not read.
    expect(await readFile(gamma, 'utf8')).toBe(planted);
    expect((await stat(gamma)).ino).toBe(inode);
    const fresh = await compile(await loadConfig({ cwd: root }));
    const expected = Object.fromEntries(fresh.output.map((f) => [f.path, f.contents]));
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual({ ...expected, 'agents/gamma.json': planted });
    // That is the up-to-date check's trust (a file edited in place is not noticed); --check is not fooled.
    const check = await cli(root, 'build', '--check');
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('stale   agents/gamma.json');
  });

  it('after an output was added, removed or renamed in outDir, every file is compared again', async () => {
    const { root } = await builtAndPlanted();
    await writeFile(path.join(root, 'dist/agents/stray.json'), '{}\n');
    await writeFile(path.join(root, 'agents/a.md'), `${agent('alpha')}Edited.\n`);
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
  });

  it('an agent of the same name from another source (the file moved) is compared, not kept', async () => {
    const { root } = await builtAndPlanted();
    // The same text under another path: the same name, another agent (its source path is part of it).
    await rename(path.join(root, 'agents/c.md'), path.join(root, 'agents/moved.md'));
    expect((await buildOnce(root)).fromRecord).toBe(false);
    await expectFreshDist(root);
  });

  it('--no-cache and a build without a record compare every file', async () => {
    const { root } = await builtAndPlanted();
    await writeFile(path.join(root, 'agents/a.md'), `${agent('alpha')}Edited.\n`);
    await buildOnce(root, { cache: false });
    await expectFreshDist(root);
  });
});

describe('the record\'s message table', () => {
  it('decodes to exactly the messages it encoded, any place shape included', () => {
    const point = fc.record({ line: fc.integer({ min: 1, max: 9 }), column: fc.integer({ min: 1, max: 9 }) });
    const place = fc.oneof(fc.constant(undefined), point, fc.record({ start: point, end: point }), fc.record({ line: fc.integer(), column: fc.integer(), offset: fc.integer() }), fc.record({ start: point }));
    const message = fc.record({ reason: fc.string(), fatal: fc.constantFrom(true, false, null), place, ruleId: fc.option(fc.string(), { nil: undefined }), source: fc.option(fc.constant('agentc'), { nil: undefined }), url: fc.option(fc.string(), { nil: undefined }) }).map((m) => {
      const out: SerializedMessage = { reason: m.reason, fatal: m.fatal };
      if (m.place !== undefined) out.place = m.place as SerializedMessage['place'];
      if (m.ruleId !== undefined) out.ruleId = m.ruleId;
      if (m.source !== undefined) out.source = m.source;
      if (m.url !== undefined) out.url = m.url;
      return out;
    });
    const files = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1 }), fc.array(message, { minLength: 1, maxLength: 4 })), { selector: ([p]) => p, maxLength: 5 });
    fc.assert(
      fc.property(files, (list) => {
        // Through JSON, as the record is stored.
        const encoded = JSON.parse(JSON.stringify(encodeMessages(list))) as ReturnType<typeof encodeMessages>;
        const decoded = decodeMessages(encoded);
        expect([...decoded]).toEqual(list);
        // The up-to-date build's Diagnostics, made straight from the rows, are toDiagnostic's of those messages.
        expect([...decodeDiagnostics(encoded)]).toStrictEqual(list.map(([file, messages]) => [file, messages.map((m) => toDiagnostic(m, file))]));
      }),
    );
  });
});

describe('the record\'s path lists (outputs, sources)', () => {
  it('splits back into exactly the sorted paths it joined, through JSON; a path with a newline cannot be joined', () => {
    const paths = fc.uniqueArray(fc.oneof(fc.string(), fc.constantFrom('agents/a.js', 'agents/a.d.ts', 'agents/ab.js', 'claude-code/a.md', ''), fc.string({ unit: 'grapheme' })), { maxLength: 12 }).map((list) => list.filter((p) => !p.includes('\n')).sort(compareCodeUnits));
    fc.assert(
      fc.property(paths, (list) => {
        const joined = joinPaths(list)!;
        expect(splitPaths(JSON.parse(JSON.stringify(joined)) as string)).toEqual(list);
      }),
    );
    expect(joinPaths(['agents/a.cjs', 'agents/a.d.ts', 'agents/b.js'])).toBe('0 agents/a.cjs\n9 d.ts\n7 b.js');
    expect(joinPaths(['a', 'b\nc'])).toBeUndefined();
  });
});
