#!/usr/bin/env node
// Claude Code parity recorder.
//
// Asks the real Claude Code which agent files it loads, and what name, description and
// model it reads from each, by starting it offline through the Claude Agent SDK
// (`query()` with a prompt that never yields, then `supportedAgents()`).
//
// Usage:
//   node scripts/parity.mjs                  record the default set and write
//                                            test/fixtures/claude-code-parity.json
//   node scripts/parity.mjs --dir <folder>   record <folder>'s *.md files (recursively)
//                                            and print the JSON to stdout
//   options: --concurrency <n> (default 3), --no-batch (one file per Claude Code process)
//
// As a module: `await recordClaudeCode([{ id, content }])` -> { [id]: result }, where a
// result is { loaded: false } or { loaded: true, name, description, model } (model null
// when Claude Code reports none), and `claudeCodeVersion()`.
//
// The pinned packages are installed into node_modules/.cache/agentc-parity/, never into
// the repo's package.json. Plain Node ESM, no dependencies of the repo.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, mkdirSync, writeFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(REPO, '../shared');
const CACHE = path.join(REPO, 'node_modules', '.cache', 'agentc-parity');
const OUT = path.join(REPO, 'test', 'fixtures', 'claude-code-parity.json');

export const PINS = {
  '@anthropic-ai/claude-agent-sdk': '0.3.330',
  '@anthropic-ai/claude-code': '2.1.330',
};

const BATCH_SIZE = 25;
const QUERY_TIMEOUT_MS = 120_000;

const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// ---------------------------------------------------------------------------------------
// Install

function installedVersion(pkg) {
  try {
    return JSON.parse(readFileSync(path.join(CACHE, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

export function ensureInstalled() {
  if (Object.entries(PINS).every(([pkg, v]) => installedVersion(pkg) === v) && findBinary(false)) return;
  mkdirSync(CACHE, { recursive: true });
  const manifest = { name: 'agentc-parity-cache', private: true, dependencies: { ...PINS } };
  writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  log(`parity: installing ${Object.entries(PINS).map(([p, v]) => `${p}@${v}`).join(' ')} into ${CACHE}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: CACHE, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`parity: npm install failed in ${CACHE} (exit ${r.status})`);
  for (const [pkg, v] of Object.entries(PINS)) {
    if (installedVersion(pkg) !== v) throw new Error(`parity: ${pkg}@${v} is not installed in ${CACHE}`);
  }
  findBinary(true);
}

function isNativeExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    closeSync(fd);
    const magic = buf.readUInt32BE(0);
    return (
      magic === 0x7f454c46 || // ELF
      buf.subarray(0, 2).toString('latin1') === 'MZ' || // PE
      [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic) // Mach-O
    );
  } catch {
    return false;
  }
}

// The claude-code package's postinstall copies the platform binary over bin/claude.exe;
// when install scripts did not run, take the binary from the platform package itself.
export function findBinary(required = true) {
  const nm = path.join(CACHE, 'node_modules', '@anthropic-ai');
  const candidates = [path.join(nm, 'claude-code', 'bin', 'claude.exe')];
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  const plat = `${process.platform}-${process.arch}`;
  for (const suffix of [plat, `${plat}-musl`]) candidates.push(path.join(nm, `claude-code-${suffix}`, exe));
  const found = candidates.find(isNativeExecutable);
  if (!found && required) throw new Error(`parity: no Claude Code binary for ${plat} under ${nm}`);
  return found;
}

let versionCache;
export function claudeCodeVersion() {
  ensureInstalled();
  versionCache ??= execFileSync(findBinary(), ['--version'], { encoding: 'utf8' }).trim();
  return versionCache;
}

let sdkPromise;
function loadSdk() {
  ensureInstalled();
  const req = createRequire(path.join(CACHE, 'package.json'));
  sdkPromise ??= import(pathToFileURL(req.resolve('@anthropic-ai/claude-agent-sdk')).href);
  return sdkPromise;
}

// ---------------------------------------------------------------------------------------
// One Claude Code process: a temp project holding the given agent files

async function askClaudeCode(root, index, files) {
  const { query } = await loadSdk();
  // HOME is the project's parent, so Claude Code's walk up from cwd for .claude/agents
  // stops there and no user-level agents exist.
  const home = path.join(root, `h${index}`);
  const project = path.join(home, 'project');
  const agentsDir = path.join(project, '.claude', 'agents');
  await mkdir(agentsDir, { recursive: true });
  for (const f of files) await writeFile(path.join(agentsDir, f.fileName), f.content);

  const abortController = new AbortController();
  const prompt = {
    [Symbol.asyncIterator]() {
      return { next: () => new Promise(() => {}), return: async () => ({ done: true, value: undefined }) };
    },
  };
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    USERPROFILE: home,
    TMPDIR: process.env.TMPDIR ?? os.tmpdir(),
    ANTHROPIC_API_KEY: 'sk-ant-agentc-parity-dummy',
    // A base URL that is not Anthropic's makes the session ineligible for the remote
    // managed-settings and policy-limit fetches, which otherwise retry offline for ~18 s
    // before the session initializes. Port 9 on loopback refuses at once; nothing is sent.
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
  let stderr = '';
  let child;
  let exited = Promise.resolve();
  const q = query({
    prompt,
    options: {
      pathToClaudeCodeExecutable: findBinary(),
      cwd: project,
      env,
      abortController,
      settingSources: ['project'],
      // Spawned here so the process can be awaited: it writes into HOME while it shuts
      // down, and the temp project is removed only after it has exited.
      spawnClaudeCodeProcess: (o) => {
        child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
        exited = new Promise((resolve) => {
          child.once('exit', resolve);
          child.once('error', resolve);
        });
        child.stderr.on('data', (d) => {
          if (stderr.length < 4000) stderr += d;
        });
        o.signal?.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
        return child;
      },
    },
  });
  let timer;
  try {
    return await Promise.race([
      q.supportedAgents(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`supportedAgents() timed out after ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    throw new Error(`parity: Claude Code failed for ${files.map((f) => f.fileName).join(', ') || 'an empty project'}: ${err?.message ?? err}\n${stderr}`);
  } finally {
    clearTimeout(timer);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    abortController.abort();
    try {
      q.close();
    } catch {}
    await exited;
    await rm(home, { recursive: true, force: true, maxRetries: 3 });
  }
}

// ---------------------------------------------------------------------------------------
// Mapping agents back to files

const agentKey = (a) => JSON.stringify([a.name, a.description, a.model ?? null]);

function toResult(agent) {
  if (!agent) return { loaded: false };
  return { loaded: true, name: agent.name, description: agent.description, model: agent.model ?? null };
}

function safeFileName(id, index) {
  const base = path.posix.basename(id.replaceAll('\\', '/')).replace(/\.md$/i, '');
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80) || 'agent';
  return `${String(index).padStart(3, '0')}-${safe}.md`;
}

// A cheap guess of the name Claude Code will read, used only to batch several files into
// one project. Only a file whose frontmatter has exactly one line that could set `name`,
// with a plain value, is batched; every batched answer is checked (see recordBatch).
function predictName(text) {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.indexOf('---', 3) < 0) return null;
  const m = t.match(/^---\s*\n([\s\S]*?)---\s*\n?/); // Claude Code's own frontmatter regex
  if (!m) return null;
  const lines = m[1].split('\n');
  if (lines.some((l) => /^\s*(["']?)name\1\s*:/.test(l) && !/^name:/.test(l))) return null; // quoted/indented name keys
  if (lines.some((l) => /[{}]/.test(l) && /name/.test(l))) return null; // flow mappings
  const named = lines.filter((l) => /^name:/.test(l));
  if (named.length !== 1) return null;
  const v = named[0].slice(5).replace(/\r$/, '').trim();
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(v) ? v : null;
}

let builtinsPromise;
function builtins(root) {
  builtinsPromise ??= askClaudeCode(root, 'builtins', []).then((agents) => ({
    keys: new Set(agents.map(agentKey)),
    names: new Set(agents.map((a) => a.name.toLowerCase())),
    count: agents.length,
  }));
  return builtinsPromise;
}

// One file alone in a project: every agent that is not a built-in (same name, description
// and model as in an empty project) came from it.
async function recordSingle(root, slot, file) {
  const base = await builtins(root);
  const agents = await askClaudeCode(root, slot, [{ fileName: safeFileName(file.id, 0), content: file.content }]);
  const custom = agents.filter((a) => !base.keys.has(agentKey(a)));
  if (custom.length > 1) throw new Error(`parity: ${file.id} gave ${custom.length} agents: ${custom.map((a) => a.name).join(', ')}`);
  return toResult(custom[0]);
}

// Several files with distinct predicted names in one project. An agent is credited to a
// file only if every built-in came back unchanged and every non-built-in agent's name is
// the predicted name of exactly one file of the batch. A file whose name did not come back
// is re-recorded alone (so "not loaded" is always an answer from a one-file project), and
// any surprise sends the whole batch through recordSingle.
async function recordBatch(root, slot, batch) {
  const base = await builtins(root);
  const byName = new Map(batch.map((f) => [f.predicted, f]));
  const agents = await askClaudeCode(
    root,
    slot,
    batch.map((f, i) => ({ fileName: safeFileName(f.id, i), content: f.content })),
  );
  const seenBuiltins = agents.filter((a) => base.keys.has(agentKey(a)));
  const custom = agents.filter((a) => !base.keys.has(agentKey(a)));
  const ok =
    seenBuiltins.length === base.count &&
    custom.every((a) => byName.has(a.name)) &&
    new Set(custom.map((a) => a.name)).size === custom.length;
  const results = new Map();
  const redo = [];
  if (!ok) {
    redo.push(...batch);
  } else {
    const got = new Map(custom.map((a) => [a.name, a]));
    for (const f of batch) {
      if (got.has(f.predicted)) results.set(f.id, toResult(got.get(f.predicted)));
      else redo.push(f);
    }
  }
  return { results, redo };
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async (_, w) => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], w, i);
    }
  });
  await Promise.all(workers);
}

/**
 * @param {{ id: string, content: Buffer | string }[]} files
 * @param {{ concurrency?: number, batch?: boolean, progress?: boolean }} [options]
 * @returns {Promise<Record<string, { loaded: false } | { loaded: true, name: string, description: string, model: string | null }>>}
 */
export async function recordClaudeCode(files, options = {}) {
  const concurrency = options.concurrency ?? 3;
  const useBatches = options.batch ?? true;
  const ids = new Set();
  for (const f of files) {
    if (ids.has(f.id)) throw new Error(`parity: duplicate id ${f.id}`);
    ids.add(f.id);
  }
  ensureInstalled();
  const root = await mkdtemp(path.join(os.tmpdir(), 'agentc-parity-'));
  const out = {};
  try {
    const base = await builtins(root);
    const items = files.map((f) => {
      const content = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
      const predicted = useBatches ? predictName(content.toString('utf8')) : null;
      return { id: f.id, content, predicted: predicted && !base.names.has(predicted.toLowerCase()) ? predicted : null };
    });

    // Greedy batches whose predicted names are distinct (case-insensitively).
    const batches = [];
    const singles = [];
    for (const it of items) {
      if (!it.predicted) {
        singles.push(it);
        continue;
      }
      const key = it.predicted.toLowerCase();
      let b = batches.find((b) => b.files.length < BATCH_SIZE && !b.names.has(key));
      if (!b) batches.push((b = { files: [], names: new Set() }));
      b.files.push(it);
      b.names.add(key);
    }

    let done = 0;
    const total = items.length;
    const tick = (n) => {
      done += n;
      if (options.progress) log(`parity: ${done}/${total}`);
    };
    let slot = 0;
    await pool(batches, concurrency, async (b) => {
      if (b.files.length === 1) {
        singles.push(b.files[0]);
        return;
      }
      const { results, redo } = await recordBatch(root, slot++, b.files);
      for (const [id, r] of results) out[id] = r;
      tick(results.size);
      singles.push(...redo);
    });
    await pool(singles, concurrency, async (f) => {
      out[f.id] = await recordSingle(root, slot++, f);
      tick(1);
    });
  } finally {
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

// ---------------------------------------------------------------------------------------
// Script

function walk(dir, filter) {
  const found = [];
  const visit = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && filter(e.name)) found.push(p);
    }
  };
  if (existsSync(dir)) visit(dir);
  return found;
}

const posixRel = (from, to) => path.relative(from, to).split(path.sep).join('/');
const isMd = (n) => n.endsWith('.md');

export function defaultFiles() {
  const files = [];
  const add = (id, p) => files.push({ id, content: readFileSync(p) });
  for (const p of walk(path.join(SHARED, 'corpus'), isMd)) add(posixRel(SHARED, p), p);
  const probeDir = path.join(SHARED, 'claude-code-probe', 'agents');
  for (const p of walk(probeDir, () => true)) add(`claude-code-probe/agents/${posixRel(probeDir, p)}`, p);
  const fixtures = path.join(REPO, 'test', 'fixtures');
  if (existsSync(fixtures)) {
    // The compiler's fixture cases: test/fixtures/<case>/agents/**/*.md.
    for (const e of readdirSync(fixtures, { withFileTypes: true })) {
      const agents = path.join(fixtures, e.name, 'agents');
      if (e.isDirectory() && existsSync(agents)) for (const p of walk(agents, isMd)) add(`fixtures/${posixRel(fixtures, p)}`, p);
    }
    const probes = path.join(fixtures, 'parity-probes');
    for (const p of walk(probes, isMd)) add(`parity-probes/${posixRel(probes, p)}`, p);
  }
  return files;
}

function parseArgs(argv) {
  const args = { dir: undefined, concurrency: undefined, batch: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') args.dir = argv[++i];
    else if (a.startsWith('--dir=')) args.dir = a.slice(6);
    else if (a === '--concurrency') args.concurrency = Number(argv[++i]);
    else if (a === '--no-batch') args.batch = false;
    else if (a === '-h' || a === '--help') args.help = true;
    else throw new Error(`parity: unknown argument ${a}`);
  }
  if (args.dir === '' || (args.dir === undefined && argv.includes('--dir'))) throw new Error('parity: --dir needs a folder');
  if (args.concurrency !== undefined && !(args.concurrency >= 1)) throw new Error('parity: --concurrency needs a number >= 1');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write('usage: node scripts/parity.mjs [--dir <folder>] [--concurrency <n>] [--no-batch]\n');
    return;
  }
  const t0 = Date.now();
  const version = claudeCodeVersion();
  const opts = { concurrency: args.concurrency, batch: args.batch, progress: !args.dir };
  if (args.dir) {
    const dir = path.resolve(args.dir);
    const files = walk(dir, isMd).map((p) => ({ id: posixRel(dir, p), content: readFileSync(p) }));
    const recorded = await recordClaudeCode(files, opts);
    process.stdout.write(JSON.stringify({ claudeCode: version, files: recorded }, null, 2) + '\n');
    log(`parity: ${files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return;
  }
  const files = defaultFiles();
  const answers = await recordClaudeCode(files, opts);
  // Each answer carries the sha256 of the bytes it is about, so a stale record fails the test loudly.
  const hashes = new Map(files.map((f) => [f.id, createHash('sha256').update(f.content).digest('hex')]));
  const recorded = Object.fromEntries(Object.entries(answers).map(([id, answer]) => [id, { sha256: hashes.get(id), ...answer }]));
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ claudeCode: version, files: recorded }, null, 2) + '\n');
  const notLoaded = Object.values(recorded).filter((r) => !r.loaded).length;
  log(`parity: ${files.length} files (${notLoaded} not loaded) in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), OUT)}`);
}

const invokedAsScript = (() => {
  try {
    return process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
  } catch {
    return false;
  }
})();

if (invokedAsScript) {
  main().catch((err) => {
    log(err?.stack ?? String(err));
    process.exitCode = 1;
  });
}
