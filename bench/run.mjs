/**
 * `npm run bench`: agentc against Velite, Content Collections and the naive floor script, on
 * generated corpora of 1k and 10k agents. Every build is a whole process (start-up included),
 * the tools alternate within each round, and each is repeated; the table shows median and
 * min wall time, median peak RSS and CPU time, and each figure as a multiple of agentc cold.
 *
 *   node bench/run.mjs [--sizes 1000,10000] [--runs 3] [--json file]
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildLib } from './build-lib.mjs';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, generateCorpus } from './generate.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(repo, 'node_modules/.bin', name);
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    /** 1: one untimed round first (fills the page cache for every tool alike); 0: none. */
    warmup: { type: 'string', default: '1' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Math.max(1, Number(values.runs));

// agentc runs through its real CLI, so lib/ must be current.
if (!values['skip-build']) buildLib('lib/bundle/agents.js');
const agentsBin = path.join(repo, 'bin/agents.js');
const help = spawnSync(process.execPath, [agentsBin, 'build', '--help'], { encoding: 'utf8' });
const helpText = `${help.stdout}${help.stderr}`;
/** The persistent cache lands with the watch-mode work; until then cold is a plain build and warm is skipped. */
const hasNoCache = helpText.includes('--no-cache');
const notes = [];
if (!hasNoCache) notes.push('agentc has no persistent cache yet (`--no-cache` not in `agents build --help`): "agentc cold" is a plain build, "agentc warm" is skipped.');

const hasTime = existsSync('/usr/bin/time');

/**
 * Between runs, each tool's output is moved aside, not deleted; the moved folders are deleted
 * once all timing is done. ext4 without a journal (this machine's disk) skips inodes freed in
 * the last 60-360 s one by one when it allocates a new one in their group (recently_deleted()
 * in ext4's find_inode_bit, seen with perf). Deleting a build's 60,000 files right before the
 * next run made that run's file creation quadratic, which billed one run's clean-up to the
 * next: at 500 agents, writing took 1.2-1.9 s after `rm -rf dist` and 0.38 s after a move.
 * A CI job on a fresh checkout deletes nothing first. The same holds for the deletion at the
 * end: a bench started within minutes of another one's end creates files more slowly.
 */
const TRASH = path.join(CACHE_DIR, '.trash');

/**
 * Untimed, before each run: write back what the runs before it wrote (500 MB for an agentc
 * cold build at 10k), so no tool pays for its predecessor's writeback. Each run's own
 * writeback happens after it exits, as it does for anyone running it once.
 */
function settle() {
  spawnSync('sync');
}
let trashed = 0;
async function moveAside(dir) {
  if (!existsSync(dir)) return;
  await mkdir(TRASH, { recursive: true });
  await rename(dir, path.join(TRASH, `${process.pid}-${trashed++}`));
}
// Left by an interrupted run: deleted before anything is timed (the untimed warm-up round follows).
await rm(TRASH, { recursive: true, force: true });

/**
 * One tool: how to prepare a run (untimed), the command to time and where (`cwd`, default the
 * corpus). The warm runs work on copies of the corpus: a cold run in between rewrites dist/,
 * and "warm" means the state a cached build left, nothing changed since.
 */
function tools(root, copies) {
  const clean = (...dirs) => (dir = root) => () => Promise.all(dirs.map((d) => moveAside(path.join(dir, d))));
  const list = [
    {
      id: 'agentc-cold',
      label: hasNoCache ? 'agentc cold (--no-cache)' : 'agentc cold',
      prepare: clean('dist')(),
      argv: [process.execPath, agentsBin, 'build', ...(hasNoCache ? ['--no-cache'] : [])],
    },
    {
      id: 'agentc-cold-json',
      label: 'agentc cold, json target only (the peers\' kind of output)',
      prepare: clean('dist-json')(),
      argv: [process.execPath, agentsBin, 'build', '--config', 'agents.json-only.config.mjs', ...(hasNoCache ? ['--no-cache'] : [])],
    },
  ];
  if (hasNoCache) {
    list.push({
      id: 'agentc-warm',
      label: 'agentc warm (cache and dist/, no change)',
      cwd: copies.warm,
      // One untimed build fills the cache and writes dist/, once.
      prime: [process.execPath, agentsBin, 'build'],
      argv: [process.execPath, agentsBin, 'build'],
    });
    list.push({
      id: 'agentc-warm-ci',
      label: 'agentc warm, no dist/ (CI restoring only the cache)',
      cwd: copies.ci,
      prepare: clean('dist')(copies.ci),
      prime: [process.execPath, agentsBin, 'build'],
      argv: [process.execPath, agentsBin, 'build'],
    });
  }
  list.push(
    { id: 'velite', label: 'Velite 0.4', prepare: clean('.velite')(), argv: [bin('velite'), 'build', '--silent'] },
    { id: 'content-collections', label: 'Content Collections 0.15', prepare: clean('.content-collections')(), argv: [bin('content-collections'), 'build'] },
    { id: 'floor', label: 'naive floor script', prepare: clean('.floor')(), argv: [process.execPath, path.join(repo, 'bench/floor.mjs'), root] },
    // Not a peer: the least work that writes agentc's default output (bench/output-floor.mjs).
    { id: 'output-floor', label: "floor of agentc's output (its six files per agent, every core)", prepare: clean('.output-floor')(), argv: [process.execPath, path.join(repo, 'bench/output-floor.mjs'), root] },
  );
  return list;
}

/**
 * Run argv in cwd; wall time in ms from spawn to exit, peak RSS in KB (GNU time, else /proc
 * polling) and CPU time in ms, user + system over every thread (GNU time only, else undefined).
 * On two cores the CPU a tool burns, not which of its threads burns it, bounds its wall time.
 */
function measure(argv, cwd) {
  return new Promise((resolve, reject) => {
    const timeFile = path.join(os.tmpdir(), `agentc-bench-time-${process.pid}`);
    const full = hasTime ? ['/usr/bin/time', '-f', '%M %U %S', '-o', timeFile, ...argv] : argv;
    let peak = 0;
    const start = process.hrtime.bigint();
    const child = spawn(full[0], full.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output = (output + d).slice(-4000)));
    child.stderr.on('data', (d) => (output = (output + d).slice(-4000)));
    const poll = hasTime
      ? undefined
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
            if (kb > peak) peak = kb;
          } catch {}
        }, 5);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (poll) clearInterval(poll);
      let cpuMs;
      if (hasTime) {
        const [rss, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        peak = rss;
        cpuMs = (user + system) * 1000;
      }
      // agentc exits 1 on errors only; warnings (unknown colors in the corpus) keep 0.
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code} in ${cwd}:\n${output}`));
      else resolve({ ms, rssKb: peak, cpuMs });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = [];
for (const size of sizes) {
  const corpus = await generateCorpus(size);
  for (const config of ['agents.json-only.config.mjs', 'velite.config.js', 'content-collections.ts']) copyFileSync(path.join(repo, 'bench', config), path.join(corpus.root, config));
  const copies = { warm: `${corpus.root}-warm`, ci: `${corpus.root}-ci` };
  for (const copy of Object.values(copies)) {
    // Fresh copies: a cache from an earlier lib/ would make "warm" measure someone else's code.
    await moveAside(copy);
    await cp(path.join(corpus.root, 'agents'), path.join(copy, 'agents'), { recursive: true });
    copyFileSync(path.join(corpus.root, 'agents.config.mjs'), path.join(copy, 'agents.config.mjs'));
  }
  const list = tools(corpus.root, copies);
  const cwdOf = (tool) => tool.cwd ?? corpus.root;
  const primed = (tool) => existsSync(path.join(cwdOf(tool), 'node_modules/.cache/agentc'));
  const samples = new Map(list.map((t) => [t.id, []]));
  process.stderr.write(`${size} agents (${(corpus.bytes / 1e6).toFixed(1)} MB), ${runs} rounds:`);
  // Untimed warm-up round: fills the OS page cache for every tool alike.
  if (values.warmup !== '0') {
    for (const tool of list) {
      await tool.prepare?.();
      if (tool.prime && !primed(tool)) await measure(tool.prime, cwdOf(tool));
      settle();
      await measure(tool.argv, cwdOf(tool));
    }
  }
  for (let round = 0; round < runs; round++) {
    // Rotate the order each round, so no tool always runs right after the same neighbour.
    const order = list.map((_, i) => list[(i + round) % list.length]);
    for (const tool of order) {
      await tool.prepare?.();
      if (tool.prime && !primed(tool)) {
        await measure(tool.prime, cwdOf(tool));
        await tool.prepare?.();
      }
      settle();
      samples.get(tool.id).push(await measure(tool.argv, cwdOf(tool)));
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  for (const tool of list) {
    const s = samples.get(tool.id);
    const cpuMs = hasTime ? median(s.map((x) => x.cpuMs)) : undefined;
    results.push({ size, mb: corpus.bytes / 1e6, id: tool.id, label: tool.label, medianMs: median(s.map((x) => x.ms)), minMs: Math.min(...s.map((x) => x.ms)), rssMb: median(s.map((x) => x.rssKb)) / 1024, cpuMs, samples: s });
  }
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (x, base) => (base ? `${(x / base).toFixed(2)}x` : '-');
const lines = [];
lines.push(`| corpus | tool | wall median | wall min | peak RSS | CPU median | wall vs agentc | RSS vs agentc | CPU vs agentc |`);
lines.push(`|---|---|---|---|---|---|---|---|---|`);
for (const size of sizes) {
  const rows = results.filter((r) => r.size === size);
  const base = rows.find((r) => r.id === 'agentc-cold');
  for (const r of rows) {
    const [cpuTime, cpuRatio] = r.cpuMs === undefined ? ['-', '-'] : [secs(r.cpuMs), ratio(r.cpuMs, base.cpuMs)];
    lines.push(`| ${size.toLocaleString('en-US')} agents, ${r.mb.toFixed(1)} MB | ${r.label} | ${secs(r.medianMs)} | ${secs(r.minMs)} | ${r.rssMb.toFixed(0)} MB | ${cpuTime} | ${ratio(r.medianMs, base.medianMs)} | ${ratio(r.rssMb, base.rssMb)} | ${cpuRatio} |`);
  }
}

// The targets, as agentc / peer (lower is better).
const get = (size, id) => results.find((r) => r.size === size && r.id === id);
const targets = [];
const big = Math.max(...sizes);
const small = Math.min(...sizes);
const check = (label, value, limit) => value !== undefined && targets.push(`${value <= limit ? 'met ' : 'MISS'}  ${label}: ${value.toFixed(2)} (target <= ${limit})`);
const cold = get(big, 'agentc-cold');
check(`${big} cold agentc / Velite`, cold && cold.medianMs / get(big, 'velite').medianMs, 0.5);
check(`${big} cold agentc / Content Collections`, cold && cold.medianMs / get(big, 'content-collections').medianMs, 0.45);
check(`${big} cold agentc / floor`, cold && cold.medianMs / get(big, 'floor').medianMs, 0.5);
const warm = get(big, 'agentc-warm');
if (warm) check(`${big} warm agentc / Velite`, warm.medianMs / get(big, 'velite').medianMs, 0.1);
check(`${big} peak RSS agentc / Velite`, cold && cold.rssMb / get(big, 'velite').rssMb, 0.5);
if (big !== small) check(`scaling: ${big} cold / ${small} cold`, cold.medianMs / get(small, 'agentc-cold').medianMs, big / small);
// No target: the same kind of output as the peers (one JSON per agent and a manifest).
const json = get(big, 'agentc-cold-json');
if (json) {
  for (const [id, name] of [['velite', 'Velite'], ['content-collections', 'Content Collections'], ['floor', 'floor']]) {
    targets.push(`info  ${big} cold agentc json target only / ${name}: ${(json.medianMs / get(big, id).medianMs).toFixed(2)}`);
  }
}

// No target: how far agentc is from the least work that writes its output.
const outputFloor = get(big, 'output-floor');
if (cold && outputFloor) {
  targets.push(`info  ${big} cold agentc / floor of its output: ${(cold.medianMs / outputFloor.medianMs).toFixed(2)} (CPU ${cold.cpuMs !== undefined && outputFloor.cpuMs !== undefined ? (cold.cpuMs / outputFloor.cpuMs).toFixed(2) : '-'})`);
  targets.push(`info  ${big} floor of agentc's output / Velite: ${(outputFloor.medianMs / get(big, 'velite').medianMs).toFixed(2)}`);
}

// No target: CPU time, which bounds the wall time of a build that keeps both cores busy.
if (cold?.cpuMs !== undefined) {
  for (const [id, name] of [['velite', 'Velite'], ['content-collections', 'Content Collections'], ['floor', 'floor']]) {
    targets.push(`info  ${big} cold agentc CPU / ${name}: ${(cold.cpuMs / get(big, id).cpuMs).toFixed(2)}`);
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const out = [
  `agentc benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  `whole processes, median and min of ${runs} alternating runs${values.warmup !== '0' ? ' (after one untimed warm-up round)' : ''}; peak RSS ${hasTime ? 'and CPU time (user + system, all threads) from /usr/bin/time' : 'polled from /proc (no CPU time without /usr/bin/time)'}`,
  '',
  ...lines,
  '',
  ...targets,
  ...notes.map((n) => `note: ${n}`),
];
console.log(out.join('\n'));
if (values.json) writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), cpu, results }, null, 2)}\n`);
// Timing is over: what the runs moved aside can go now (retried: a folder moved in meanwhile is not an error).
await rm(TRASH, { recursive: true, force: true, maxRetries: 3 });
