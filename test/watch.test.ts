/**
 * Watch mode on a real watcher and a real temp folder. Every step waits for the builder's
 * events (never a sleep) and ends with dist/ byte-equal to what a fresh full build gives.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBuilder, type Builder, type WatchHandle } from '../src/builder.js';
import { runCli } from '../src/cli/main.js';
import { cleanupTempDirs, makeProject, snapshotDir } from './helpers/project.js';
import { agentNames, buildWhere, expectFresh, startWatching } from './helpers/watch.js';

const GOOD = (name: string, description = `Helps with ${name}`) => `---\nname: ${name}\ndescription: ${description}\ntools: Read, Grep\nmodel: inherit\n---\nYou are ${name}.\n`;

const open: { builder: Builder; handle: WatchHandle }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(({ handle }) => handle.close()));
});
afterAll(cleanupTempDirs);

async function watchProject(files: Record<string, string>, config?: Parameters<typeof makeProject>[1]) {
  const watching = await startWatching(files, { config });
  open.push(watching);
  return watching;
}

const names = agentNames;

describe('watch mode', () => {
  it('edit: re-reads only the edited file and updates dist/', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') });
    await expectFresh(root);
    const done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'Now helps with everything'));
    const summary = await done;
    expect(summary).toMatchObject({ reason: 'change', analyzed: ['agents/a.md'], cached: 1, agentsRebuilt: ['alpha'], errors: 0 });
    expect(summary.written).toContain('agents/alpha.json');
    expect(summary.written).toContain('manifest.json');
    expect(summary.written.filter((f) => f.includes('beta'))).toEqual([]);
    await expectFresh(root);
  });

  it('add, delete and rename an agent', async () => {
    const { root, builder, dist } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') });

    let done = buildWhere(builder, (s) => names(s).includes('gamma'));
    await mkdir(path.join(root, 'agents/more'), { recursive: true });
    await writeFile(path.join(root, 'agents/more/c.md'), GOOD('gamma'));
    expect(await done).toMatchObject({ analyzed: ['agents/more/c.md'], agentsRebuilt: ['gamma'] });
    await expectFresh(root);

    done = buildWhere(builder, (s) => !names(s).includes('beta'));
    await rm(path.join(root, 'agents/b.md'));
    const deleted = await done;
    expect(deleted).toMatchObject({ analyzed: [], agentsRebuilt: ['beta'] });
    expect(deleted.removed).toContain('agents/beta.json');
    await expectFresh(root);

    // Rename the file and the agent in it: the old outputs go.
    done = buildWhere(builder, (s) => names(s).includes('omega') && !names(s).includes('alpha'));
    await rename(path.join(root, 'agents/a.md'), path.join(root, 'agents/o.md'));
    await writeFile(path.join(root, 'agents/o.md'), GOOD('omega'));
    await done;
    await expectFresh(root);
    expect(Object.keys(await snapshotDir(dist)).filter((f) => /^agents\/[^/]+\.json$/.test(f))).toEqual(['agents/gamma.json', 'agents/omega.json']);
  });

  it('break a file, then fix it: dist/ keeps the last good build meanwhile', async () => {
    const { root, builder, dist } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') });
    const good = await snapshotDir(dist);

    let done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    await writeFile(path.join(root, 'agents/a.md'), '---\nname: alpha\ndescription: x\ntools: [Read\n---\nbody\n');
    const broken = await done;
    expect(broken.errors).toBeGreaterThan(0);
    expect(broken.wroteOutput).toBe(false);
    expect(broken.result.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ file: 'agents/a.md', line: expect.any(Number), column: expect.any(Number) });
    expect(await snapshotDir(dist)).toEqual(good);

    done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'Fixed'));
    const fixed = await done;
    expect(fixed).toMatchObject({ errors: 0, wroteOutput: true, agentsRebuilt: ['alpha'] });
    await expectFresh(root);
  });

  it('a config edit reloads the config and rebuilds all', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') }, { include: ['agents/**/*.md'], models: { default: 'model-one' } });
    const reloaded = builder.once('config:reload');
    const done = buildWhere(builder, (s) => s.reason === 'config');
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md'], models: { default: 'model-two' } };\n`);
    expect((await reloaded).changed).toEqual(['agents.config.mjs']);
    const summary = await done;
    expect(summary.agentsRebuilt).toEqual(['alpha', 'beta']);
    expect(summary.analyzed).toEqual(['agents/a.md', 'agents/b.md']);
    expect(summary.result.agents[0]!.model.resolved).toBe('model-two');
    await expectFresh(root);
  });

  it('an edit to a file the config imports reloads the config', async () => {
    const root0 = { 'agents/a.md': GOOD('alpha'), 'models.mjs': `export const models = { default: 'model-one' };\n` };
    const { root, builder } = await watchProject(root0);
    await writeFile(path.join(root, 'agents.config.mjs'), `import { models } from './models.mjs';\nexport default { include: ['agents/**/*.md'], models };\n`);
    await buildWhere(builder, (s) => s.reason === 'config');
    expect(builder.config!.dependencies.map((d) => path.basename(d)).sort()).toEqual(['agents.config.mjs', 'models.mjs']);

    const done = buildWhere(builder, (s) => s.reason === 'config' && s.changed.includes('models.mjs'));
    await writeFile(path.join(root, 'models.mjs'), `export const models = { default: 'model-three' };\n`);
    const summary = await done;
    expect(summary.result.agents[0]!.model.resolved).toBe('model-three');
    await expectFresh(root);
  });

  it('a config that fails to load keeps the last good one and says why', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha') }, { include: ['agents/**/*.md'], models: { default: 'model-one' } });
    const good = builder.config!;
    const failed = builder.once('config:error');
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md'], models: { default: 'model-two' }, bogus: true };\n`);
    expect((await failed).error.message).toMatch(/bogus/);
    expect(builder.config).toBe(good);

    // Source edits still build, with the last good config.
    const done = buildWhere(builder, (s) => s.changed.includes('agents/a.md'));
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'Edited while the config is broken'));
    expect((await done).result.agents[0]!.model.resolved).toBe('model-one');
    await expectFresh(root, good);

    const fixed = buildWhere(builder, (s) => s.reason === 'config');
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md'], models: { default: 'model-two' } };\n`);
    expect((await fixed).result.agents[0]!.model.resolved).toBe('model-two');
    await expectFresh(root);
  });

  it('a config broken from the start is reported, then fixing it builds', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') });
    await writeFile(path.join(root, 'agents.config.mjs'), 'export default { include: [] };\n');
    const builder = createBuilder({ cwd: root, debounceMs: 10 });
    const failed = builder.once('config:error');
    const handle = await builder.watch();
    open.push({ builder, handle });
    expect((await failed).error.name).toBe('ConfigError');
    expect(builder.config).toBeUndefined();
    const done = buildWhere(builder, (s) => s.reason === 'config');
    await writeFile(path.join(root, 'agents.config.mjs'), `export default { include: ['agents/**/*.md'] };\n`);
    expect(names(await done)).toEqual(['alpha']);
    await expectFresh(root);
  });

  it('runs one build at a time; changes during a build queue one more', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta') });
    const log: string[] = [];
    builder.on('build:start', (e) => log.push(`start ${e.id}`));
    builder.on('build:end', (e) => log.push(`end ${e.id}`));
    let edited = false;
    builder.on('build:start', () => {
      if (edited) return;
      edited = true;
      // Arrives while the build runs.
      void writeFile(path.join(root, 'agents/b.md'), GOOD('beta', 'Edited during a build'));
    });
    const done = buildWhere(builder, (s) => s.result.agents.find((a) => a.name === 'beta')?.description === 'Edited during a build');
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'First edit'));
    await done;
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i]!.replace('start', 'end')).toBe(log[i + 1]);
    }
    await expectFresh(root);
  });

  it('close() stops watching: later edits build nothing', async () => {
    const { root, builder } = await watchProject({ 'agents/a.md': GOOD('alpha') });
    let builds = 0;
    builder.on('build:start', () => builds++);
    const closed = builder.once('watch:close');
    await open.pop()!.handle.close();
    await closed;
    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'After close'));
    expect(builds).toBe(0);
  });
});

describe('agents dev', () => {
  /** Resolves when the text written so far matches. */
  function capture() {
    let text = '';
    const waiters: { re: RegExp; resolve: () => void }[] = [];
    return {
      stream: {
        write(chunk: string) {
          text += chunk;
          for (const w of [...waiters]) if (w.re.test(text)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
          return true;
        },
      },
      until: (re: RegExp) => new Promise<void>((resolve) => (re.test(text) ? resolve() : waiters.push({ re, resolve }))),
      get text() {
        return text;
      },
    };
  }

  it('prints one line per rebuild and exits 0 on Ctrl-C', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') });
    const stderr = capture();
    const stdout = capture();
    const controller = new AbortController();
    const running = runCli(['dev'], { cwd: root, env: { NO_COLOR: '1' }, stdout: stdout.stream, stderr: stderr.stream, signal: controller.signal });
    await stderr.until(/watching for changes/);
    expect(stderr.text).toMatch(/^\[\d\d:\d\d:\d\d\] built 1 agent, 0 errors, \d+ warnings? in \d+ ms$/m);

    await writeFile(path.join(root, 'agents/a.md'), '---\nname: alpha\ntools: 3\n---\n');
    await stderr.until(/agents\/a\.md changed: 0 agents rebuilt, [1-9]\d* errors?/);
    expect(stderr.text).toMatch(/agents\/a\.md\n.*\d+:\d+.*error/);
    expect(stderr.text).toMatch(/\(dist kept as it was\)/);

    await writeFile(path.join(root, 'agents/a.md'), GOOD('alpha', 'Fixed'));
    await stderr.until(/agents\/a\.md changed: 1 agent rebuilt, 0 errors/);
    controller.abort();
    expect(await running).toBe(0);
    expect(stderr.text.trimEnd().split('\n').at(-1)).toMatch(/stopped$/);
    await expectFresh(root);
  });

  it('`build --watch` is the same command; --watch with --check is bad usage', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') });
    const out = capture();
    const controller = new AbortController();
    const running = runCli(['build', '--watch', '--reporter', 'json', '--no-cache'], { cwd: root, env: {}, stdout: out.stream, stderr: capture().stream, signal: controller.signal });
    await out.until(/"type":"build"/);
    const first = JSON.parse(out.text.split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ type: 'build', reason: 'initial', agents: 1, errors: 0 });
    controller.abort();
    expect(await running).toBe(0);
    const bad = await runCli(['build', '--watch', '--check'], { cwd: root, env: {}, stdout: capture().stream, stderr: capture().stream });
    expect(bad).toBe(2);
  });
});

