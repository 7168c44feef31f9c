/**
 * Claude Code parity, without the binary: test/fixtures/claude-code-parity.json holds what the
 * real Claude Code (the version it names) answered for every file of ../shared/corpus, the
 * probe cases of ../shared/claude-code-probe, test/fixtures/parity-probes and the compiler's
 * fixtures (`npm run parity` records it again).
 *
 * 1. agentc's model of Claude Code (src/claude-code/reader.ts) gives exactly those answers.
 * 2. Wherever Claude Code loads a file, agentc reads the same name, description and model,
 *    or says why not (`claude-code/differs`). Wherever it drops a file, agentc says so
 *    (`claude-code/not-loaded`) or rejects the file with an error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VFile } from 'vfile';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLikeClaudeCode } from '../src/claude-code/reader.js';
import { reporterFor } from '../src/diagnostics.js';
import { analyzeFile } from '../src/pipeline/analyze.js';
import { readFrontmatter } from '../src/pipeline/frontmatter/index.js';
import { normalizeAgent, normalizeModel } from '../src/pipeline/normalize/index.js';
import { parseSource } from '../src/pipeline/parse.js';
import { createLocator } from '../src/util/text.js';
import { FIXTURES, FIXTURE_CONFIG, REPO, SHARED, configFor, type ClaudeCodeAnswer as Answer } from './helpers/project.js';


const record = JSON.parse(readFileSync(path.join(FIXTURES, 'claude-code-parity.json'), 'utf8')) as { claudeCode: string; files: Record<string, Answer> };
const config = configFor(REPO, FIXTURE_CONFIG);

function fileOf(id: string): string {
  if (id.startsWith('corpus/') || id.startsWith('claude-code-probe/')) return path.join(SHARED, id);
  if (id.startsWith('parity-probes/')) return path.join(FIXTURES, id);
  return path.join(FIXTURES, id.replace(/^fixtures\//, ''));
}

const cases = Object.entries(record.files).map(([id, answer]) => {
  const bytes = readFileSync(fileOf(id));
  return { id, answer, bytes, text: new TextDecoder().decode(bytes) };
});

/** What agentc read from the frontmatter, before validation can reject the agent. */
function agentcReading(id: string, text: string) {
  const file = new VFile({ path: id, value: text });
  const report = reporterFor(file, {});
  const parsed = parseSource(text.replace(/^\uFEFF/, ''), report);
  const frontmatter = parsed && readFrontmatter(parsed.frontmatter, createLocator(text), report);
  if (!frontmatter) return undefined;
  const normalized = normalizeAgent(frontmatter, id, report);
  const model = frontmatter.data.model;
  return { name: frontmatter.data.name, description: normalized.fields.description, model: typeof model === 'string' ? normalizeModel(model) : null };
}

const analyzed = new Map<string, Awaited<ReturnType<typeof analyzeFile>>>();

beforeAll(async () => {
  for (const { id, bytes } of cases) analyzed.set(id, await analyzeFile({ path: id, absolutePath: fileOf(id), bytes }, config));
});

/** The full pipeline for one file, bytes included (NUL and encoding checks happen on read). */
function diagnosticsOf(id: string, _text: string) {
  const { file, agent } = analyzed.get(id)!;
  return { agent, rules: file.messages.map((m) => m.ruleId), errors: file.messages.filter((m) => m.fatal === true) };
}

describe(`Claude Code parity (${record.claudeCode})`, () => {
  it('covers the corpus, the probes and the fixtures', () => {
    const ids = Object.keys(record.files);
    expect(ids.filter((id) => id.startsWith('corpus/'))).toHaveLength(550);
    expect(ids.filter((id) => id.startsWith('claude-code-probe/'))).toHaveLength(27);
    expect(ids.filter((id) => id.startsWith('parity-probes/')).length).toBeGreaterThan(50);
    expect(ids.filter((id) => id.startsWith('fixtures/')).length).toBeGreaterThan(30);
  });

  it('records the files as they are now (re-run `npm run parity` after editing one)', () => {
    for (const { id, answer, bytes } of cases) {
      expect(createHash('sha256').update(bytes).digest('hex'), id).toBe(answer.sha256);
    }
  });

  it("agentc's model of Claude Code gives every recorded answer", () => {
    for (const { id, answer, text } of cases) {
      const reading = readLikeClaudeCode(text);
      const actual = reading.loaded ? { loaded: true, name: reading.name, description: reading.description, model: reading.model } : { loaded: false };
      const { sha256: _, ...expected } = answer;
      expect(actual, id).toEqual(expected);
    }
  });

  it('reads what Claude Code reads wherever it loads a file, or says why not', () => {
    let same = 0;
    const differs: string[] = [];
    const rejected: string[] = [];
    for (const { id, answer, text } of cases) {
      if (!answer.loaded) continue;
      const { rules, errors } = diagnosticsOf(id, text);
      if (rules.includes('claude-code/differs')) {
        differs.push(id);
        continue;
      }
      const reading = agentcReading(id, text);
      if (reading === undefined) {
        // agentc refuses what Claude Code accepts only with a positioned error (e.g. an alias bomb).
        expect(errors.length, id).toBeGreaterThan(0);
        rejected.push(id);
        continue;
      }
      expect(reading, id).toEqual({ name: answer.name, description: answer.description, model: answer.model });
      same++;
    }
    expect(same).toBeGreaterThan(550);
    expect(rejected.length).toBeLessThan(5);
    // Each is a `---` inside the frontmatter, where Claude Code stops reading.
    for (const id of differs) expect(readFileSync(fileOf(id), 'utf8').split(/\r?\n---/)[0]!.slice(3), id).toContain('---');
  });

  it('says so wherever Claude Code drops a file', () => {
    let warned = 0;
    for (const { id, answer, text } of cases) {
      if (answer.loaded) continue;
      const { rules, errors } = diagnosticsOf(id, text);
      if (rules.includes('claude-code/not-loaded')) warned++;
      else expect(errors.length, `${id}: dropped by Claude Code without a word from agentc`).toBeGreaterThan(0);
    }
    expect(warned).toBeGreaterThanOrEqual(15);
  });

  it("compiles the 15 corpus files Claude Code drops, each with its full description", () => {
    const dropped = cases.filter((c) => c.id.startsWith('corpus/') && !c.answer.loaded && c.id.endsWith('.md') && !c.id.endsWith('SOURCES.md'));
    expect(dropped).toHaveLength(15);
    for (const { id, text } of dropped) {
      const { agent, rules } = diagnosticsOf(id, text);
      expect(rules, id).toContain('claude-code/not-loaded');
      expect(agent?.description, id).toContain('</example>');
    }
  });
});
