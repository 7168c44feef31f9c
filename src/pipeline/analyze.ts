/**
 * One source file through stages 2-6: read, parse, frontmatter, normalize, validate, resolve.
 * Pure per file (no cross-file knowledge), so it can run in any order, in workers, or from a
 * cache. Cross-file checks happen in ./cross-check.ts.
 */
import type { VFile } from 'vfile';
import type { ResolvedConfig } from '../config/schema.js';
import { reporterFor, type Report } from '../diagnostics.js';
import type { Agent } from '../ir.js';
import { createLocator, detachStrings, type Locator } from '../util/text.js';
import { readFrontmatter, type Frontmatter } from './frontmatter/index.js';
import type { YamlTokens } from './frontmatter/cst.js';
import { setOwn } from './frontmatter/types.js';
import { normalizeAgent } from './normalize/index.js';
import { parseSource, type FrontmatterBlock } from './parse.js';
import { readSource } from './read.js';
import { resolveModel } from './resolve.js';
import { validateFields } from './validate.js';
import { lintAgent } from './lint.js';
import { checkClaudeCode } from './claude-code-check.js';
import { allowsFlatMapping, checkFrontmatterDepth, checkFrontmatterSize } from './limits.js';
import { readPlainYaml } from './frontmatter/plain.js';
import { checkToolsWritten } from './tools-guard.js';
import { checkJsonData } from './json-data.js';

/** An agent before its record hash is computed. */
export type AgentDraft = Omit<Agent, 'hash'>;

export interface AnalyzedFile {
  file: VFile;
  agent: AgentDraft | undefined;
}

export interface AnalyzeInput {
  path: string;
  absolutePath: string;
  bytes?: Uint8Array;
  /** sha256 of `bytes`, hex, when the caller has it already (see ReadInput). */
  sha256?: string;
}

export async function analyzeFile(input: AnalyzeInput, config: Pick<ResolvedConfig, 'rules' | 'models' | 'limits'>): Promise<AnalyzedFile> {
  const source = await readSource({ ...input, maxFileBytes: config.limits.maxFileBytes, rules: config.rules });
  const { file } = source;
  if (source.text === undefined) return { file, agent: undefined };
  return { file, agent: analyzeText(file, source.text, source.sha256, config) };
}

export function analyzeText(file: VFile, text: string, sha256: string, config: Pick<ResolvedConfig, 'rules' | 'models'> & { limits?: Partial<ResolvedConfig['limits']> }): AgentDraft | undefined {
  const report = reporterFor(file, config.rules);
  const parsed = parseSource(text, report);
  if (!parsed) return undefined;
  const locator = createLocator(text);
  if (!checkFrontmatterSize(parsed.frontmatter, locator, report, config.limits)) return undefined;
  const frontmatter = readFrontmatterWithin(parsed.frontmatter, locator, report, config.limits);
  if (!frontmatter || !checkJsonData(frontmatter, report)) return undefined;
  const normalized = normalizeAgent(frontmatter, file.path, report);
  const toolsWritten = checkToolsWritten(parsed.frontmatter, frontmatter, locator, report);
  checkClaudeCode(text, parsed.frontmatter, frontmatter, { name: frontmatter.data.name, description: normalized.fields.description, model: frontmatter.data.model }, locator, report);
  const fields = validateFields(normalized.fields, frontmatter, report);
  if (!fields || normalized.failed || !toolsWritten) return undefined;
  const model = resolveModel(fields.name, fields.model, config.models, frontmatter, report);
  lintAgent({ fields, frontmatter, text, locator, body: parsed.body, bodyOffset: parsed.bodyOffset, sourcePath: file.path }, report);

  const positions: Record<string, { line: number; column: number }> = {};
  for (const key of Object.keys(frontmatter.data)) {
    const at = frontmatter.locate([key], 'key');
    if (at) setOwn(positions, key, at.start);
  }
  const { name, description, model: _written, ...optional } = fields;
  const draft: AgentDraft = {
    name,
    description,
    summary: normalized.summary,
    examples: normalized.examples,
    prompt: parsed.body,
    model,
    ...optional,
    extra: normalized.extra,
    source: { path: file.path, sha256, frontmatter: frontmatter.mode, positions },
  };
  // Every string but the prompt (the end of the text) copied: then only the prompt keeps the
  // file's text alive (see detachStrings). The prompt key stays in its place.
  return { ...detachStrings({ ...draft, prompt: '' }), prompt: draft.prompt };
}

/**
 * Plain `key: value` lines are read directly (./frontmatter/plain.ts, the same result as
 * YAML's); anything else goes through the nesting limit and the YAML readers.
 */
function readFrontmatterWithin(block: FrontmatterBlock, locator: Locator, report: Report, limits: Partial<ResolvedConfig['limits']> | undefined): Frontmatter | undefined {
  const plain = allowsFlatMapping(limits) ? readPlainYaml(block, locator) : undefined;
  if (plain) return plain;
  const tokens = checkFrontmatterDepth(block, locator, report, limits);
  return tokens && readFrontmatterSafely(block, locator, report, tokens);
}

/**
 * The frontmatter readers call into `yaml`, which throws on some hostile documents (an alias
 * to an anchor that the Claude Code rewrite moved, too many alias expansions in a recovered
 * block). A file's content must never crash the build: such a throw is that file's error.
 */
function readFrontmatterSafely(block: FrontmatterBlock, locator: Locator, report: Report, tokens: YamlTokens): Frontmatter | undefined {
  try {
    return readFrontmatter(block, locator, report, tokens);
  } catch (error) {
    report('frontmatter/yaml-syntax', `Frontmatter could not be read: ${(error as Error).message.split('\n')[0]}`, locator.point(block.offset));
    return undefined;
  }
}
