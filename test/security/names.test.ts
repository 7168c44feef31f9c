/**
 * Names and paths: only names that are safe file names on every OS ever become output paths;
 * everything else is a positioned error. `__proto__`, `constructor` and `prototype` are data,
 * never prototype pollution, in the IR, the JSON and the generated JS modules.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build.js';
import { compile } from '../../src/compile.js';
import { cleanupTempDirs, configFor, makeProject, snapshotDir } from '../helpers/project.js';

afterAll(cleanupTempDirs);

const agent = (name: string, extra = '') => `---\nname: ${name}\ndescription: Use this agent for tests of names\n${extra}---\nYou are a test agent with a long enough prompt.\n`;

async function compileFiles(files: Record<string, string>) {
  const root = await makeProject(files);
  return compile(configFor(root));
}

/** Every output path is made of safe segments: no `..`, no absolute path, no backslash, no device name. */
function expectSafePaths(paths: readonly string[]) {
  for (const p of paths) {
    expect(p).toMatch(/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/);
    for (const segment of p.split('/')) {
      expect(segment).not.toBe('..');
      expect(segment).not.toMatch(/^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)/i);
    }
  }
}

describe('unsafe names are errors with positions', () => {
  const unsafe: Record<string, string> = {
    'parent path': '"../x"',
    'deeper parent path': '"../../etc/passwd"',
    'absolute path': '/etc/passwd',
    'windows absolute path': '"C:\\\\Windows\\\\evil"',
    'slash': 'a/b',
    'backslash': '"a\\\\b"',
    'empty string': '""',
    'dot': '"."',
    'trailing dot': 'agent.',
    'leading dash': '-agent',
    'space inside': '"my agent"',
    'NUL escape': '"a\\0b"',
    'newline escape': '"a\\nb"',
    'unicode letters': 'agént',
    'fullwidth letters': 'ａｇｅｎｔ',
    'too long': 'a'.repeat(129),
    con: 'con',
    nul: 'nul',
    aux: 'aux',
    'upper-case CON': 'CON',
    'device with extension': 'nul.txt',
    com1: 'com1',
    lpt9: 'LPT9',
    '__proto__': '__proto__',
  };
  for (const [label, written] of Object.entries(unsafe)) {
    it(label, async () => {
      const result = await compileFiles({ 'agents/p.md': agent(written) });
      expect(result.agents).toEqual([]);
      expect(result.output).toEqual([]);
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length).toBe(1);
      const [error] = errors;
      expect(['agent/name-unsafe', 'agent/invalid-field']).toContain(error!.ruleId);
      // At the name's value (line 2, after `name: `), or 1:1 when the name came from elsewhere.
      expect({ file: error!.file, line: error!.line, column: error!.column }).toEqual({ file: 'agents/p.md', line: 2, column: 7 });
    });
  }

  it('a `name:` with no value is an error at the key', async () => {
    const result = await compileFiles({ 'agents/p.md': agent('') });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.ruleId, d.line, d.column])).toEqual([['agent/invalid-field', 2, 1]]);
  });

  it('a file name that is a device name cannot become the agent name', async () => {
    const result = await compileFiles({ 'agents/con.md': '---\ndescription: Use this agent for tests of names\n---\nBody text that is long enough.\n' });
    expect(result.agents).toEqual([]);
    // Positioned at the frontmatter (line 2): there is no `name` key to point at.
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.ruleId, d.line, d.column])).toEqual([['agents/con.md', 'agent/name-unsafe', 2, 1]]);
  });

  it('two names that differ only in case collide, reported at the second with the first position', async () => {
    const result = await compileFiles({ 'agents/a.md': agent('Code-Reviewer'), 'agents/b.md': agent('code-reviewer') });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ file: 'agents/b.md', line: 2, column: 1, ruleId: 'agent/duplicate-name', message: expect.stringContaining('agents/a.md:2:1 (as `Code-Reviewer`') }),
    ]);
    expect(result.output).toEqual([]);
  });

  it('two identical names collide too', async () => {
    const result = await compileFiles({ 'agents/a.md': agent('same-name'), 'agents/b.md': agent('same-name') });
    expect(result.errorCount).toBe(1);
    expect(result.diagnostics.find((d) => d.ruleId === 'agent/duplicate-name')?.file).toBe('agents/b.md');
  });

  it('safe names make safe paths in every target', async () => {
    const result = await compileFiles({ 'agents/a.md': agent('a.b_c-1'), 'agents/b.md': agent('X'), 'agents/c.md': agent('constructor') });
    expect(result.errorCount).toBe(0);
    expect(result.agents.map((a) => a.name)).toEqual(['X', 'a.b_c-1', 'constructor']);
    expectSafePaths(result.output.map((f) => f.path));
  });
});

describe('__proto__, constructor and prototype are data', () => {
  const KEYS = `__proto__:\n  polluted: yes\nconstructor: ctor\nprototype:\n  polluted: yes\nhooks:\n  __proto__:\n    polluted: yes\n  constructor: [x]\n`;

  it('as frontmatter keys and nested keys: kept as own data, no pollution, in the IR and the JSON', async () => {
    const result = await compileFiles({ 'agents/p.md': agent('proto-keys', KEYS) });
    expect(result.errorCount).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const [compiled] = result.agents;
    expect(Object.getPrototypeOf(compiled!.extra)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(compiled!.extra).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(compiled!.extra, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(Object.getOwnPropertyNames(compiled!.hooks!).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(compiled!.source.positions)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'prototype']));
    const json = result.output.find((f) => f.path === 'agents/proto-keys.json')!.contents;
    expect(json).toContain('"__proto__": {\n      "polluted": "yes"');
    // JSON.parse defines `__proto__` as an own property: the JSON round-trips as data.
    const parsed = JSON.parse(json);
    expect(Object.getOwnPropertyDescriptor(parsed.extra, '__proto__')?.value).toEqual({ polluted: 'yes' });
  });

  it('in the dialect (not valid YAML) and recovered readings too', async () => {
    const dialect = `---\nname: proto-dialect\ndescription: Use it: for tests\n__proto__: a: b\nconstructor: c\n---\nBody long enough for the lint rules.\n`;
    const recovered = `---\nname: proto-recovered\ndescription: Use it: for tests\n  continued here\n__proto__: x\n---\nBody long enough for the lint rules.\n`;
    const result = await compileFiles({ 'agents/d.md': dialect, 'agents/r.md': recovered });
    expect(result.errorCount).toBe(0);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
    const byName = Object.fromEntries(result.agents.map((a) => [a.name, a]));
    expect(byName['proto-dialect']!.source.frontmatter).toBe('claude-code');
    expect(Object.getOwnPropertyDescriptor(byName['proto-dialect']!.extra, '__proto__')?.value).toBe('a: b');
    expect(byName['proto-dialect']!.extra.constructor).toBe('c');
    expect(byName['proto-recovered']!.source.frontmatter).toBe('recovered');
    expect(Object.getOwnPropertyDescriptor(byName['proto-recovered']!.extra, '__proto__')?.value).toBe('x');
  });

  it('agents named constructor and prototype: the JS modules, the SDK record and getAgent treat them as data', async () => {
    const root = await makeProject({
      'agents/c.md': agent('constructor', KEYS),
      'agents/p.md': agent('prototype'),
      'agents/t.md': agent('toString'),
    });
    const result = await build({ config: configFor(root) });
    expect(result.errorCount).toBe(0);
    const dist = path.join(root, 'dist');
    const manifest = JSON.parse(await readFile(path.join(dist, 'manifest.json'), 'utf8'));
    expect(manifest.agents.map((a: { name: string }) => a.name)).toEqual(['constructor', 'prototype', 'toString']);

    const esm = await import(pathToFileURL(path.join(dist, 'index.js')).href);
    const cjs = createRequire(import.meta.url)(path.join(dist, 'index.cjs'));
    for (const mod of [esm, cjs]) {
      expect(mod.getAgent('constructor')?.name).toBe('constructor');
      expect(mod.getAgent('prototype')?.name).toBe('prototype');
      expect(mod.getAgent('toString')?.name).toBe('toString');
      // Inherited members of Object.prototype are not agents.
      expect(() => mod.getAgent('hasOwnProperty')).toThrow(RangeError);
      expect(() => mod.getAgent('__proto__')).toThrow(RangeError);
      expect(mod.isAgentName('valueOf')).toBe(false);
      expect(mod.isAgentName('constructor')).toBe(true);
      expect(Object.keys(mod.agents)).toEqual(['constructor', 'prototype', 'toString']);
      const ctor = mod.getAgent('constructor');
      expect(Object.getOwnPropertyDescriptor(ctor.extra, '__proto__')?.value).toEqual({ polluted: 'yes' });
      expect(JSON.parse(JSON.stringify(ctor))).toEqual(JSON.parse(await readFile(path.join(dist, manifest.agents[0].file), 'utf8')));
    }
    const sdk = await import(pathToFileURL(path.join(dist, 'claude-agent-sdk.js')).href);
    const record = sdk.agents ?? sdk.default;
    expect(Object.keys(record)).toEqual(['constructor', 'prototype', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectSafePaths(Object.keys(await snapshotDir(dist)));
  });
});
