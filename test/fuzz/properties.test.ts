/**
 * The compiler's promises on arbitrary input, as fast-check properties. `npm test` runs a few
 * hundred cases of each; `npm run fuzz` (./run.mjs) scales them past 100,000 and prints the count.
 *
 *   (a) compile never throws: every file ends in an agent or in an error, every diagnostic has
 *       a known rule id and a position, and the targets emit without throwing;
 *   (b) the emitted JS modules (ESM and CommonJS) evaluate to the JSON manifest's values;
 *   (c) the claude-code output re-compiles to the same IR;
 *   (d) nothing is written outside outDir;
 *   and the tools invariant: no input yields an agent with more tools than its file wrote.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import { build } from '../../src/build.js';
import { isKnownRule } from '../../src/diagnostics.js';
import type { Agent } from '../../src/ir.js';
import { analyzeFile, analyzeText } from '../../src/pipeline/analyze.js';
import { claudeCodeTarget } from '../../src/targets/claude-code.js';
import { jsonTarget, withHash } from '../../src/targets/json.js';
import { cleanupTempDirs, configFor, tempDir } from '../helpers/project.js';
import { agentFile, runs, SEED, toolsValue, type Case } from './properties.js';

afterAll(cleanupTempDirs);

const config = configFor('/nonexistent');
const counts: Record<string, number> = {};
const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} generated cases (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
});

const params = (numRuns: number) => ({ numRuns: runs(numRuns), ...(SEED === undefined ? {} : { seed: SEED }) });
const noReport = () => {};

async function analyzeCase(c: Case | Uint8Array) {
  const bytes = c instanceof Uint8Array ? c : new TextEncoder().encode(c.text);
  return analyzeFile({ path: 'agents/fuzz.md', absolutePath: '/nonexistent/agents/fuzz.md', bytes }, config);
}

describe('(a) never throws; rejected files say why; every diagnostic is positioned', () => {
  const check = async (input: Case | Uint8Array) => {
    count('a');
    const { file, agent } = await analyzeCase(input);
    for (const message of file.messages) {
      expect(isKnownRule(message.ruleId ?? ''), message.ruleId).toBe(true);
      expect(message.line, `${message.ruleId}: ${message.reason}`).toBeGreaterThanOrEqual(1);
      expect(message.column, `${message.ruleId}: ${message.reason}`).toBeGreaterThanOrEqual(1);
    }
    const errors = file.messages.filter((m) => m.fatal === true);
    if (!agent) {
      expect(errors.length, 'a file without an agent has an error').toBeGreaterThan(0);
      return;
    }
    expect(errors.map((m) => m.reason)).toEqual([]);
    const compiled = withHash(agent);
    const context = { config, report: noReport };
    expect(() => jsonTarget.emit([compiled], context)).not.toThrow();
    expect(() => claudeCodeTarget.emit([compiled], context)).not.toThrow();
  };

  it('agent files with arbitrary YAML values, dialect lines and text', async () => {
    await fc.assert(fc.asyncProperty(agentFile, check), params(400));
  });

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), check), params(100));
  });
});

function wellFormed(text: string): string {
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

/** The text between the opening `---` line and the first closing one. */
function frontmatterOf(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line, i) => i > 0 && /^---[ \t]*\r?$/.test(line));
  return lines.slice(1, end === -1 ? undefined : end).join('\n');
}

/** Every string the written value holds (items, keys mapped to true, nested), for the tools oracle. */
function writtenStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(writtenStrings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (v === true ? [k] : []));
  return [];
}

describe('the tools invariant', () => {
  it('tools is absent only when the file has no tools key, and never holds a tool the file did not write', async () => {
    const property = fc.asyncProperty(toolsValue, fc.boolean(), fc.constantFrom('tools', 'disallowedTools'), async (value, asLine, field) => {
      count('tools');
      // As YAML (exact values), or as a raw line (the dialect reading of whatever text it is).
      // Lone surrogates become U+FFFD when the file is encoded: compare with what the file holds.
      const line = wellFormed(asLine && typeof value === 'string' ? `${field}: ${value}` : `${field}: ${JSON.stringify(value) ?? 'null'}`);
      const text = `---\nname: tools-case\ndescription: Use it for tools\n${line}\n---\nBody\n`;
      const { agent, file } = await analyzeCase({ kind: 'lines', text });
      if (!agent) return;
      const granted = agent[field];
      // Present in the file, so present in the agent: never "absent" (all tools, or nothing denied).
      expect(granted, `${line}\n${file.messages.map((m) => m.reason).join('\n')}`).toBeDefined();
      let strict: unknown;
      try {
        strict = (parseYaml(frontmatterOf(text)) as Record<string, unknown>)[field];
      } catch {
        strict = undefined;
      }
      // Line breaks inside a value are normalized (CRLF -> LF) by the dialect readers.
      const raw = line.slice(field.length + 1);
      const sources = [...writtenStrings(strict), raw, raw.replace(/\r\n/g, '\n')];
      // Whitespace aside: the dialect readers fold continuation lines (`}\n\n Read` -> `}\nRead`).
      const squash = (s: string) => s.replace(/\s+/g, '');
      for (const tool of granted!) {
        expect(sources.some((s) => squash(s).includes(squash(tool))), `${JSON.stringify(tool)} not written in ${line}`).toBe(true);
      }
    });
    await fc.assert(property, params(400));
  });

  it('in any arbitrary file: a tools line at column 0 means the agent has tools (or no agent)', async () => {
    await fc.assert(
      fc.asyncProperty(agentFile, async (c) => {
        count('tools');
        const { agent } = await analyzeCase(c);
        if (!agent) return;
        const head = frontmatterOf(c.text.replace(/\r\n?/g, '\n'));
        // YAML: a top-level key that is `tools` however cased or spaced. Otherwise: any line that
        // looks like one, however indented (the readers guess the structure).
        const written =
          c.kind === 'yaml' && agent.source.frontmatter === 'yaml'
            ? Object.keys(c.data ?? {}).some((k) => k.replace(/[\s_-]/g, '').toLowerCase() === 'tools')
            : /^[ \t]*["']?tools["']?[ \t]*:/im.test(head);
        if (written || Object.hasOwn(agent.source.positions, 'tools')) expect(agent.tools, c.text).toBeDefined();
        const text = wellFormed(c.text);
        const squash = (s: string) => s.replace(/\s+/g, '');
        if (agent.tools) for (const tool of agent.tools) expect(squash(text).includes(squash(tool)) || c.kind === 'yaml', tool).toBe(true);
      }),
      params(300),
    );
  });
});

/** What a re-read of the claude-code output must give back. */
function same(agent: Agent) {
  return {
    name: agent.name,
    description: agent.description,
    summary: agent.summary,
    examples: agent.examples,
    prompt: agent.prompt,
    tools: agent.tools,
    disallowedTools: agent.disallowedTools,
    model: agent.model.resolved,
    permissionMode: agent.permissionMode,
    maxTurns: agent.maxTurns,
    skills: agent.skills,
    mcpServers: agent.mcpServers,
    hooks: agent.hooks,
    memory: agent.memory,
    background: agent.background,
    effort: agent.effort,
    isolation: agent.isolation,
    initialPrompt: agent.initialPrompt,
    color: agent.color,
    extra: agent.extra,
  };
}

describe('(c) the claude-code output re-compiles to the same IR', () => {
  it('for arbitrary agents', async () => {
    await fc.assert(
      fc.asyncProperty(agentFile, async (c) => {
        const { agent } = await analyzeCase(c);
        if (!agent) return;
        count('c');
        const compiled = withHash(agent);
        const [output] = claudeCodeTarget.emit([compiled], { config, report: noReport });
        const file = new VFile({ path: 'agents/fuzz.md' });
        const again = analyzeText(file, output!.contents, '', config);
        expect(again, `${output!.contents}\n${file.messages.map((m) => m.reason).join('\n')}`).toBeDefined();
        expect(JSON.stringify(same(withHash(again!)))).toBe(JSON.stringify(same(compiled)));
        expect(again!.source.frontmatter).toBe('yaml');
      }),
      params(300),
    );
  });
});

/** Every path under dir with its size and mtime, to see what a build touched. */
async function tree(dir: string, skip: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (full === skip || full.startsWith(skip + path.sep)) continue;
    const info = await stat(full);
    out[path.relative(dir, full)] = `${info.isDirectory() ? 'dir' : info.size}:${info.mtimeMs}`;
  }
  return out;
}

describe('(b) JS modules equal the JSON records; (d) nothing is written outside outDir', () => {
  it('for arbitrary sets of agents, built to disk', { timeout: 600_000 }, async () => {
    const require = createRequire(import.meta.url);
    await fc.assert(
      fc.asyncProperty(fc.array(agentFile, { minLength: 1, maxLength: 4 }), async (cases) => {
        count('bd');
        // A private parent folder, so anything written beside the project shows up.
        const parent = await tempDir('agentc-fuzz-');
        const root = path.join(parent, 'project');
        await mkdir(path.join(root, 'agents'), { recursive: true });
        await Promise.all(cases.map((c, i) => writeFile(path.join(root, `agents/f${i}.md`), c.text)));
        const dist = path.join(root, 'dist');
        const beforeRoot = await tree(root, dist);
        const result = await build({ config: configFor(root) });
        expect(await tree(root, dist)).toEqual(beforeRoot);
        expect(await readdir(parent)).toEqual(['project']);
        if (result.errorCount > 0 || result.agents.length === 0) return;
        // manifest.json lists every agent and the file with its full record.
        const manifest = JSON.parse(result.output.find((f) => f.path === 'manifest.json')!.contents) as { agents: { name: string; file: string }[] };
        const records = manifest.agents.map((entry) => JSON.parse(result.output.find((f) => f.path === entry.file)!.contents) as Agent);
        const esm = await import(`${pathToFileURL(path.join(dist, 'index.js')).href}?t=${Math.random()}`);
        const cjs = require(path.join(dist, 'index.cjs'));
        for (const mod of [esm, cjs]) {
          expect(JSON.stringify(mod.agentNames)).toBe(JSON.stringify(records.map((a) => a.name)));
          for (const expected of records) {
            // Byte-equal JSON: key order, own `__proto__` keys and every string survive.
            expect(JSON.stringify(mod.getAgent(expected.name))).toBe(JSON.stringify(expected));
          }
        }
        for (const expected of records) {
          const one = await import(`${pathToFileURL(path.join(dist, 'agents', `${expected.name}.js`)).href}?t=${Math.random()}`);
          expect(JSON.stringify(one.default)).toBe(JSON.stringify(expected));
          expect(JSON.stringify(require(path.join(dist, 'agents', `${expected.name}.cjs`)).agent)).toBe(JSON.stringify(expected));
        }
      }),
      params(25),
    );
  });
});
