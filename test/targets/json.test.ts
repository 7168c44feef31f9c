/**
 * The `json` target: agents/<name>.json holds each agent's full record; manifest.json is an
 * index of every agent, sorted by name, without prompts, naming the file of each record. It
 * validates against its own JSON Schema's source (ManifestSchema), and its hashes are the records'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, type Agent } from '../../src/ir.js';
import { manifestElementFromJson, manifestEntry, sha256, stampedJson, withHash } from '../../src/targets/json.js';
import { cleanupTempDirs } from '../helpers/project.js';
import { buildProject, type Built } from './helpers.js';

const agent = (name: string, body: string, extra = '') => `---\nname: ${name}\ndescription: Helps with ${name}.\n${extra}---\n${body}`;

let built: Built;
beforeAll(async () => {
  built = await buildProject(
    {
      'agents/b.md': agent('beta', 'Beta prompt, "quoted" and\nmultiline.\n', 'tools: Read\ncolor: blue\n'),
      'agents/a.md': agent('alpha', 'Alpha prompt.\n', 'model: opus\n'),
      'agents/c.md': agent('constructor', 'Constructor prompt.\n', 'odd-key: 1\n'),
    },
    { targets: ['json'] },
  );
});
afterAll(cleanupTempDirs);

const text = (file: string) => built.output.find((f) => f.path === file)?.contents;

describe('json target', () => {
  it('manifest.json lists every agent by name, without prompts, with the file of its full record', () => {
    expect(built.errorCount).toBe(0);
    const manifest = JSON.parse(text('manifest.json')!);
    expect(manifest.schemaVersion).toBe(MANIFEST_SCHEMA_VERSION);
    expect(MANIFEST_SCHEMA_VERSION).toBe(2);
    expect(manifest.agents.map((a: { name: string }) => a.name)).toEqual(['alpha', 'beta', 'constructor']);
    for (const entry of manifest.agents) {
      expect(entry.file).toBe(`agents/${entry.name}.json`);
      const record = JSON.parse(text(entry.file)!) as Agent;
      const { name, prompt, ...rest } = record;
      expect(prompt.length).toBeGreaterThan(0);
      expect('prompt' in entry).toBe(false);
      // Every other field, in the record's order, with `file` after `name`.
      expect(JSON.stringify(entry)).toBe(JSON.stringify({ name, file: entry.file, ...rest }));
      // The hash is the full record's (prompt included).
      const { hash, ...unhashed } = record;
      expect(entry.hash).toBe(hash);
      expect(hash).toBe(sha256(JSON.stringify(unhashed, null, 2)));
    }
    expect(manifest.hash).toBe(sha256(manifest.agents.map((a: { hash: string }) => a.hash).join('\n')));
    expect(text('manifest.json')).not.toContain('Beta prompt');
  });

  it('manifest.json parses with ManifestSchema, and a prompt in it is not part of the schema', () => {
    const manifest = JSON.parse(text('manifest.json')!);
    expect(ManifestSchema.parse(manifest)).toEqual(manifest);
    const schema = JSON.parse(text('manifest.schema.json')!);
    const entry = schema.properties.agents.items;
    expect(entry.required).toContain('file');
    expect(entry.required).toContain('hash');
    expect(Object.keys(entry.properties)).not.toContain('prompt');
    expect(Object.keys(entry.properties).slice(0, 3)).toEqual(['name', 'file', 'description']);
    expect(schema.properties.schemaVersion.const).toBe(2);
  });

  it('with no agents, the manifest is an empty index', async () => {
    const empty = await buildProject({ 'agents/.keep': '' }, { targets: ['json'] });
    const manifest = JSON.parse(empty.output.find((f) => f.path === 'manifest.json')!.contents);
    expect(manifest).toEqual({ $schema: './manifest.schema.json', schemaVersion: 2, hash: sha256(''), agents: [] });
  });
});

describe('stampedJson', () => {
  const draft = (name: string) => ({
    name,
    description: 'Uses "quotes", \\ backslashes, tabs\t and 漢字 😀',
    summary: 's',
    examples: [],
    prompt: 'Line one.\n\u2028Line two.\n',
    model: { requested: 'inherit', resolved: 'claude-sonnet-4-5' },
    tools: ['Read'],
    extra: { __proto__: null, 'odd-key': [1, { a: null }] },
    source: { path: `agents/${name}.md`, sha256: 'x', frontmatter: 'yaml' as const, positions: { name: { line: 2, column: 1 } } },
  });

  it('is JSON.stringify(agent, null, 2) for the agent stamped last and for any other, and the hash is of the text without it', () => {
    const first = withHash(draft('first') as never);
    const last = withHash(draft('last') as never);
    for (const agent of [last, first]) {
      expect(stampedJson(agent)).toBe(JSON.stringify(agent, null, 2));
      const { hash, ...unhashed } = agent;
      expect(hash).toBe(sha256(JSON.stringify(unhashed, null, 2)));
    }
  });
});

describe('manifestElementFromJson', () => {
  const element = (record: Record<string, unknown>) => {
    const { name, prompt: _prompt, ...rest } = record;
    return JSON.stringify({ agents: [{ name, file: `agents/${name as string}.json`, ...rest }] }, null, 2).slice('{\n  "agents": [\n'.length, -'\n  ]\n}'.length);
  };
  const record = {
    name: 'odd "name" \\ \u2028',
    description: 'Has a line\n  "prompt": "inside" and \u2029 and 漢字 😀',
    summary: '',
    examples: [{ user: 'u', assistant: 'a\n  "name": "x"' }],
    prompt: 'Line one.\n  "hash": "no"\n',
    model: { requested: 'inherit', resolved: 'claude-sonnet-4-5' },
    tools: [],
    extra: { prompt: 'nested', name: { deeper: [1, { prompt: 2 }] } },
    source: { path: 'agents/a.md', sha256: 'x', frontmatter: 'yaml', positions: {} },
    hash: 'h',
  };

  it('is the stringified manifest entry, for any strings in the record', () => {
    expect(manifestElementFromJson(JSON.stringify(record, null, 2), record.name)).toBe(element(record));
    // `name` after another member.
    const { name, description, ...rest } = record;
    const reordered = { description, name, ...rest };
    expect(Object.keys(reordered).slice(0, 2)).toEqual(['description', 'name']);
    expect(manifestElementFromJson(JSON.stringify(reordered, null, 2), name)).toBe(element(reordered));
    expect(manifestEntry(record as never).file).toBe(`agents/${name}.json`);
  });

  it('is undefined (the entry is stringified) when the text is not a record laid out so', () => {
    const { prompt: _prompt, hash: _hash, ...others } = record;
    expect(manifestElementFromJson(JSON.stringify({ ...others, prompt: 'p' }, null, 2), record.name)).toBeUndefined();
    expect(manifestElementFromJson(JSON.stringify({ ...record, name: undefined }, null, 2), record.name)).toBeUndefined();
    expect(manifestElementFromJson(JSON.stringify(record), record.name)).toBeUndefined();
    const { prompt: _p, ...rest } = record;
    const afterPrompt = { prompt: 'p', ...rest };
    expect(Object.keys(afterPrompt).indexOf('prompt')).toBeLessThan(Object.keys(afterPrompt).indexOf('name'));
    expect(manifestElementFromJson(JSON.stringify(afterPrompt, null, 2), record.name)).toBeUndefined();
  });
});
