/**
 * `agents fix` as a function: rewrite frontmatter that is not valid YAML (read through the
 * Claude Code dialect, or recovered where Claude Code drops the file) as valid YAML with the
 * same values. Returns what it did and the diagnostics; never prints.
 *
 * A rewrite is only kept when it is proven safe: the new frontmatter parses as strict YAML to
 * exactly the values the dialect read (same keys, same order), the body is byte-identical, the
 * fixed file compiles to the same agent, and Claude Code's reader (../claude-code/reader.ts, via
 * the claude-code/* checks) loads it with the same name, description and model. Otherwise the file is left untouched with a
 * `fix/unverified` error. Files with errors, and files that are already valid YAML, are never
 * touched, so a second run changes nothing.
 */
import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import type { ResolvedConfig } from './config/schema.js';
import { reporterFor } from './diagnostics.js';
import { analyzeText, type AgentDraft } from './pipeline/analyze.js';
import { discover } from './pipeline/discover.js';
import { readFrontmatter } from './pipeline/frontmatter/index.js';
import { roundTrips, stringifyFrontmatter } from './pipeline/frontmatter/stringify.js';
import { parseSource } from './pipeline/parse.js';
import { readSource } from './pipeline/read.js';
import { createLocator } from './util/text.js';

export type FixStatus =
  /** Already valid YAML (or nothing to do): left byte-identical. */
  | 'unchanged'
  /** Rewritten (or, with dryRun, would be). */
  | 'fixed'
  /** The file has errors: left untouched; its diagnostics say why. */
  | 'skipped'
  /** The rewrite could not be proven to keep every value (`fix/unverified`) or written (`fix/write-failed`): left untouched. */
  | 'refused';

export interface FixedFile {
  /** Relative to the project root, posix separators. */
  path: string;
  absolutePath: string;
  status: FixStatus;
  /** The file's text before (a BOM kept). */
  before: string;
  /** The file's text after (=== before unless status is 'fixed'). */
  after: string;
  /** The diagnostics of the result: the fixed text when fixed, else the file as it is. */
  file: VFile;
  /** The agent the result compiles to, if it does. */
  agent: AgentDraft | undefined;
}

export interface FixOptions {
  /** Files to fix (absolute, or relative to the project root); default: the config's include globs. */
  files?: readonly string[];
  /** Compute the rewrites but write nothing. */
  dryRun?: boolean;
}

export interface FixResult {
  files: FixedFile[];
}

type FixConfig = Pick<ResolvedConfig, 'rules' | 'models' | 'limits'>;

const BOM = '\uFEFF';

export async function fix(config: ResolvedConfig, options: FixOptions = {}): Promise<FixResult> {
  const sources = options.files
    ? options.files.map((file) => {
        const absolutePath = path.resolve(config.root, file);
        return { path: path.relative(config.root, absolutePath).split(path.sep).join('/'), absolutePath };
      })
    : await discover(config);
  const files: FixedFile[] = [];
  for (const source of sources) {
    const result = await fixSource(source, config);
    if (result.status === 'fixed' && !options.dryRun) {
      try {
        await writeAtomically(result.absolutePath, result.after);
      } catch (error) {
        // A read-only file or folder: say so on the file, keep going with the others.
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        reporterFor(result.file, config.rules)('fix/write-failed', `Cannot write the fixed file (${code}): ${(error as Error).message}`, { line: 1, column: 1 });
        files.push({ ...result, status: 'refused', after: result.before });
        continue;
      }
    }
    files.push(result);
  }
  return { files };
}

/** Fix one file: read it, compute and verify the rewrite. Writes nothing. */
export async function fixSource(source: { path: string; absolutePath: string; bytes?: Uint8Array }, config: FixConfig): Promise<FixedFile> {
  let bytes = source.bytes;
  if (!bytes) {
    try {
      if ((await stat(source.absolutePath)).size <= config.limits.maxFileBytes) bytes = await readFile(source.absolutePath);
    } catch {
      // readSource reads again and reports why it cannot.
    }
  }
  const read = await readSource({ ...source, bytes, maxFileBytes: config.limits.maxFileBytes, rules: config.rules });
  const base = { path: source.path, absolutePath: source.absolutePath };
  if (read.text === undefined) return { ...base, status: 'skipped', before: '', after: '', file: read.file, agent: undefined };
  // From the bytes, not from the `file/bom` message, which the config may turn off.
  const hadBom = bytes !== undefined && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const before = hadBom ? BOM + read.text : read.text;
  const outcome = fixText(read.file, read.text, read.sha256, config);
  const after = outcome.text === undefined ? before : (hadBom ? BOM : '') + outcome.text;
  return { ...base, status: outcome.status, before, after, file: outcome.file, agent: outcome.agent };
}

interface TextOutcome {
  status: FixStatus;
  text: string | undefined;
  file: VFile;
  agent: AgentDraft | undefined;
}

/** The pure core: `text` (no BOM) -> its rewrite, verified, or the reason there is none. */
export function fixText(file: VFile, text: string, sha256: string, config: Pick<ResolvedConfig, 'rules' | 'models'>): TextOutcome {
  const agent = analyzeText(file, text, sha256, config);
  if (file.messages.some((m) => m.fatal === true)) return { status: 'skipped', text: undefined, file, agent };

  // Read again, silently: the messages are already on `file`.
  const quiet = () => {};
  const parsed = parseSource(text, quiet);
  const frontmatter = parsed && readFrontmatter(parsed.frontmatter, createLocator(text), quiet);
  if (!parsed || !frontmatter || frontmatter.mode === 'yaml') return { status: 'unchanged', text: undefined, file, agent };

  const block = parsed.frontmatter;
  const eol = block.raw.includes('\r\n') ? '\r\n' : '\n';
  const yaml = stringifyFrontmatter(Object.entries(frontmatter.data)).replace(/\n$/, '').replace(/\n/g, eol);
  const fixed = text.slice(0, block.offset) + yaml + text.slice(block.offset + block.raw.length);

  const refuse = (why: string) => {
    reporterFor(file, config.rules)('fix/unverified', `\`agents fix\` left this file as it is: ${why}`, { line: 1, column: 1 });
    return { status: 'refused' as const, text: undefined, file, agent };
  };
  // 1. The new frontmatter is strict YAML with exactly the values (and key order) the dialect read.
  if (!roundTrips(yaml, frontmatter.data)) return refuse('the rewritten frontmatter does not read back to the same values');
  // 2. The body is byte-identical.
  const reparsed = parseSource(fixed, quiet);
  if (!reparsed || reparsed.body !== parsed.body) return refuse('the rewrite would change the body');
  // 3. The fixed file compiles, as plain YAML, to the same agent.
  const fixedFile = new VFile({ path: file.path, value: fixed });
  const fixedAgent = analyzeText(fixedFile, fixed, sha256, config);
  if (fixedAgent?.source.frontmatter !== 'yaml') return refuse('the rewrite is not read as valid YAML');
  if (!agent || !sameAgent(agent, fixedAgent)) return refuse('the fixed file would compile to a different agent');
  if (fixedFile.messages.some((m) => m.fatal === true)) return refuse('the fixed file would have errors');
  // 4. Claude Code loads the fixed file and reads its name, description and model as agentc
  //    does (checked even when the config turns those rules off).
  const probe = new VFile({ path: file.path, value: fixed });
  analyzeText(probe, fixed, sha256, { ...config, rules: { ...config.rules, 'claude-code/not-loaded': 'warn', 'claude-code/differs': 'warn' } });
  const claudeCode = probe.messages.find((m) => m.ruleId === 'claude-code/not-loaded' || m.ruleId === 'claude-code/differs');
  if (claudeCode) return refuse(`Claude Code would not read the fixed file the same way (${claudeCode.reason})`);
  return { status: 'fixed', text: fixed, file: fixedFile, agent: fixedAgent };
}

/** Equal IR apart from `source` (hash, how the frontmatter was read, positions). */
export function sameAgent(a: AgentDraft, b: AgentDraft): boolean {
  const { source: _a, ...restA } = a;
  const { source: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** Write beside the file, then rename over it, keeping its permissions: never a half-written agent file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.agentc-fix-${process.pid}`);
  const { mode } = await stat(file);
  try {
    await writeFile(temp, text);
    await chmod(temp, mode & 0o7777);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
