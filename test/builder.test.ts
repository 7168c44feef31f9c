/**
 * createBuilder: a build from cached analyses is exactly a fresh build (same diagnostics,
 * message for message, same output bytes), and the builder reports through typed events.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder, type BuilderEventName } from '../src/builder.js';
import { build } from '../src/build.js';
import { compile } from '../src/compile.js';
import { loadConfig } from '../src/config/load.js';
import { createManifest, jsonTarget, manifestElementFromJson, manifestEntry, stampedJson, toJson, withHash } from '../src/targets/json.js';
import { withoutRetaining } from '../src/util/memo.js';
import { cleanupTempDirs, cli, configFor, copyInto, CORPUS, FIXTURES, makeProject, snapshotDir, tempDir } from './helpers/project.js';

afterAll(cleanupTempDirs);

/** Every field of every message, so "the same diagnostics" means the same vfile messages. */
function messagesOf(files: readonly VFile[]) {
  const keys = ['reason', 'message', 'name', 'line', 'column', 'place', 'ruleId', 'source', 'file', 'fatal', 'url', 'actual', 'expected', 'note', 'ancestors', 'cause'] as const;
  return files.map((file) => ({
    path: file.path,
    // The source text: the pretty reporter prints code frames from it.
    value: file.value,
    messages: file.messages.map((m) => Object.fromEntries(keys.map((k) => [k, m[k]]))),
  }));
}

const GOOD = (name: string, extra = '') => `---\nname: ${name}\ndescription: Helps with ${name}\ntools: Read, Grep\n${extra}---\nYou are ${name}.\n`;

describe('createBuilder', () => {
  const cases = readdirSync(FIXTURES).filter((name) => statSync(path.join(FIXTURES, name)).isDirectory() && existsSync(path.join(FIXTURES, name, 'agents')));

  it('gives exactly what compile gives, fresh and from the persistent cache, for every fixture', async () => {
    const cacheRoot = await tempDir();
    for (const name of cases) {
      const dir = path.join(FIXTURES, name);
      const configFile = path.join(dir, 'config.json');
      const extra = existsSync(configFile) ? JSON.parse(await readFile(configFile, 'utf8')) : {};
      const config = configFor(dir, { ...extra, outDir: 'dist' });
      const fresh = await compile(config);
      const cacheDir = path.join(cacheRoot, name);
      const cold = await createBuilder({ config, write: false, cacheDir }).build();
      const warmBuilder = createBuilder({ config, write: false, cacheDir });
      let parsed = 0;
      warmBuilder.on('file:analyze', () => parsed++);
      const warm = await warmBuilder.build();
      for (const result of [cold.result, warm.result]) {
        expect(messagesOf(result.files), name).toEqual(messagesOf(fresh.files));
        expect(result.diagnostics, name).toEqual(fresh.diagnostics);
        expect(result.output, name).toEqual(fresh.output);
        expect(result.agents, name).toEqual(fresh.agents);
      }
      // Unreadable files are never cached by content; everything else came from the cache.
      expect(parsed, name).toBe(warm.result.diagnostics.filter((d) => d.ruleId === 'file/unreadable').length);
    }
  });

  it('gives exactly what compile gives for the whole corpus, from the persistent cache', async () => {
    const root = await tempDir();
    await copyInto(root, CORPUS, 'agents');
    const config = configFor(root, { outDir: 'dist' });
    const fresh = await compile(config);
    await createBuilder({ config, write: false }).build();
    const warmBuilder = createBuilder({ config, write: false });
    let parsed = 0;
    warmBuilder.on('file:analyze', () => parsed++);
    const warm = await warmBuilder.build();
    expect(parsed).toBe(0);
    expect(warm.cached).toBe(fresh.files.length);
    expect(messagesOf(warm.result.files)).toEqual(messagesOf(fresh.files));
    expect(warm.result.diagnostics).toEqual(fresh.diagnostics);
    expect(warm.result.output).toEqual(fresh.output);
  });

  it('writes the same dist/ as build() and reports through events', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta', 'color: magenta\n') });
    const builder = createBuilder({ cwd: root });
    const seen: BuilderEventName[] = [];
    const diagnostics: string[] = [];
    for (const event of ['build:start', 'build:end', 'cache:load', 'cache:save'] as const) builder.on(event, () => seen.push(event));
    builder.on('diagnostic', (d) => diagnostics.push(`${d.file}:${d.line}:${d.column} ${d.ruleId}`));
    const summary = await builder.build();
    expect(seen).toEqual(['cache:load', 'build:start', 'build:end', 'cache:save']);
    // One event per diagnostic of the result, in order (other rules may add more than the color warning).
    expect(diagnostics).toEqual(summary.result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.ruleId}`));
    expect(diagnostics).toContain('agents/b.md:5:8 agent/unknown-color');
    expect(summary.warnings).toBe(summary.result.warningCount);
    expect(summary).toMatchObject({ id: 1, reason: 'initial', agents: 2, errors: 0, agentsRebuilt: ['alpha', 'beta'], analyzed: ['agents/a.md', 'agents/b.md'], wroteOutput: true });
    const ours = await snapshotDir(path.join(root, 'dist'));

    const other = await makeProject({ 'agents/a.md': GOOD('alpha'), 'agents/b.md': GOOD('beta', 'color: magenta\n') });
    await build({ cwd: other });
    expect(ours).toEqual(await snapshotDir(path.join(other, 'dist')));

    // A second build on the same builder: nothing re-parsed, nothing rebuilt.
    const again = await builder.build();
    expect(again).toMatchObject({ id: 2, analyzed: [], cached: 2, agentsRebuilt: [], written: [], removed: [] });
  });

  it('keeps dist/ when a build has errors, and unsubscribes listeners', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') });
    const builder = createBuilder({ cwd: root });
    await builder.build();
    const before = await snapshotDir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'agents/a.md'), '---\nname: alpha\ntools: 3\n---\n');
    let ends = 0;
    const off = builder.on('build:end', () => ends++);
    const failed = await builder.build();
    off();
    await builder.build();
    expect(ends).toBe(1);
    expect(failed.errors).toBeGreaterThan(0);
    expect(failed.wroteOutput).toBe(false);
    expect(failed.agentsRebuilt).toEqual([]);
    expect(await snapshotDir(path.join(root, 'dist'))).toEqual(before);
  });

  it('throws a ConfigError from build() for a bad config', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') }, { include: [] } as never);
    await expect(createBuilder({ cwd: root }).build()).rejects.toMatchObject({ name: 'ConfigError' });
  });

  it('`agents build` uses the cache unless --no-cache', async () => {
    const root = await makeProject({ 'agents/a.md': GOOD('alpha') });
    const cacheDir = path.join(root, 'node_modules/.cache/agentc');
    expect((await cli(root, 'build', '--no-cache')).code).toBe(0);
    expect(existsSync(cacheDir)).toBe(false);
    expect((await cli(root, 'build')).code).toBe(0);
    // One folder of analyses per config, the bundled config and its remembered validation.
    expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/^analysis-[0-9a-f]{12}$/), expect.stringMatching(/^config-[0-9a-f]{12}\.json$/), expect.stringMatching(/^config-[0-9a-f]{12}\.values\.json$/)]);
    const config = await loadConfig({ cwd: root });
    expect(config.outDir).toBe('dist');
    await rm(cacheDir, { recursive: true });
  });

  it('the json target assembles manifest.json from memoized per-agent texts, byte-identical to stringifying it whole', async () => {
    const root = await tempDir();
    await copyInto(root, CORPUS, 'agents');
    const config = configFor(root, { outDir: 'dist' });
    const result = await compile(config);
    expect(result.agents.length).toBeGreaterThan(100);
    const report = () => undefined;
    for (const agents of [result.agents, result.agents.slice(0, 1), []]) {
      const files = jsonTarget.emit(agents, { config, report });
      expect(files.find((f) => f.path === 'manifest.json')!.contents === toJson(createManifest(agents))).toBe(true);
      for (const agent of agents) expect(files.find((f) => f.path === `agents/${agent.name}.json`)!.contents).toBe(toJson(agent));
    }
    // A one-shot build emits each agent's file first (its manifest element is then made from the
    // record's text, not stringified again), and the manifest after: the same bytes.
    const fresh = result.agents.map((agent) => ({ ...agent }));
    const shared = withoutRetaining(() => {
      for (const agent of fresh) jsonTarget.emitAgent!(agent, { config, report });
      return jsonTarget.emitShared!(fresh, { config, report });
    });
    expect(shared.find((f) => f.path === 'manifest.json')!.contents === toJson(createManifest(fresh))).toBe(true);
    for (const agent of fresh) {
      const element = JSON.stringify({ agents: [manifestEntry(agent)] }, null, 2).slice('{\n  "agents": [\n'.length, -'\n  ]\n}'.length);
      expect(manifestElementFromJson(stampedJson(agent), agent.name)).toBe(element);
    }
    // The same draft gives the same stamped agent (what makes the memo hit), a copy a new one.
    const draft = { ...result.agents[0]! } as Parameters<typeof withHash>[0];
    delete (draft as { hash?: string }).hash;
    expect(withHash(draft)).toBe(withHash(draft));
    expect(withHash({ ...draft })).not.toBe(withHash(draft));
    expect(withHash({ ...draft })).toEqual(withHash(draft));
  });
});
