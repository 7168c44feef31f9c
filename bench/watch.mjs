/**
 * `npm run bench:watch`: agentc's cold build, warm build (persistent cache, nothing changed),
 * a one-shot build after one edit (median of 3), and edit-to-dist time in watch mode (save one agent file -> the rebuild has written outDir;
 * median of 20 edits), for corpora of 1,000 and 10,000 agents from bench/generate.mjs.
 *
 *   node bench/watch.mjs [--sizes 1000,10000] [--edits 20] [--targets json,ts] [--json file] [--skip-build]
 *
 * --targets sets the config's `targets` in the scratch copy (default: the generated config,
 * i.e. every built-in target), to see what each target costs per edit.
 *
 * Builds run in this process through createBuilder (lib/), so start-up is not counted; each
 * size works on a scratch copy of the generated corpus, so edits never touch the shared one.
 */
import { writeFileSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildLib } from './build-lib.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateCorpus } from './generate.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    edits: { type: 'string', default: '20' },
    targets: { type: 'string' },
    json: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const edits = Math.max(1, Number(values.edits));

if (!values['skip-build']) buildLib('lib/index.js');
const { createBuilder } = await import(pathToFileURL(path.join(repo, 'lib/index.js')).href);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const results = [];
/**
 * Scratch copies are deleted after the last size, not between sizes: on ext4 without a journal
 * (this machine's disk), files created within minutes of a large deletion nearby are slow to
 * create, which would bill the 1k copy's clean-up to the 10k cold build (README, Performance).
 */
const scratch = [];
for (const size of sizes) {
  const corpus = await generateCorpus(size);
  const root = path.join(os.tmpdir(), `agentc-bench-watch-${size}-${process.pid}`);
  await rm(root, { recursive: true, force: true });
  await cp(corpus.root, root, { recursive: true, filter: (src) => !/[/\\](dist|node_modules)$/.test(src) });
  if (values.targets) {
    const configFile = path.join(root, 'agents.config.mjs');
    const list = JSON.stringify(values.targets.split(','));
    await writeFile(configFile, (await readFile(configFile, 'utf8')).replace("outDir: 'dist',", `outDir: 'dist',\n  targets: ${list},`));
  }

  // Cold: no cache, no dist/.
  const cold = await timed(() => createBuilder({ cwd: root }).build());
  if (cold.value.errors > 0) throw new Error(`the ${size} corpus has errors: ${cold.value.result.diagnostics.find((d) => d.severity === 'error')?.message}`);

  // Warm: a new builder (as a new process would be), the cache and dist/ from the cold build.
  const warmBuilder = createBuilder({ cwd: root });
  let parsed = 0;
  warmBuilder.on('file:analyze', () => parsed++);
  const warm = await timed(() => warmBuilder.build());

  // One edit, then a one-shot build (`agents build`, not watch mode): a new builder each time.
  const oneShot = [];
  for (let i = 0; i < 3; i++) {
    const absolute = path.join(root, corpus.files[(i * 104729) % corpus.files.length]);
    await writeFile(absolute, `${await readFile(absolute, 'utf8')}\nOne-shot edit ${i}.\n`);
    const run = await timed(() => createBuilder({ cwd: root }).build());
    if (!run.value.wroteOutput || run.value.analyzed.length !== 1) throw new Error(`one-shot edit ${i} did not parse exactly one file`);
    oneShot.push(run.ms);
  }

  // Edit-to-dist: watch, then save one file at a time and wait for the rebuild that wrote it.
  const builder = createBuilder({ cwd: root });
  const handle = await builder.watch();
  await handle.idle();
  const samples = [];
  const analyzed = [];
  for (let i = 0; i < edits; i++) {
    const file = corpus.files[(i * 7919) % corpus.files.length];
    const absolute = path.join(root, file);
    const text = await readFile(absolute, 'utf8');
    const done = new Promise((resolve) => {
      const off = builder.on('build:end', (summary) => {
        if (!summary.changed.includes(file)) return;
        off();
        resolve(summary);
      });
    });
    const start = performance.now();
    await writeFile(absolute, `${text}\nEdit ${i}.\n`);
    const summary = await done;
    samples.push(performance.now() - start);
    analyzed.push(summary.analyzed.length);
    if (!summary.wroteOutput || summary.agentsRebuilt.length !== 1) throw new Error(`edit ${i} did not rebuild exactly one agent`);
    // Let chokidar's 50 ms per-file window and the re-verification pass before the next save.
    await new Promise((resolve) => setTimeout(resolve, 120));
    await handle.idle();
  }
  await handle.close();
  scratch.push(root);

  const row = {
    agents: size,
    targets: values.targets ?? 'all',
    sourceMB: +(corpus.bytes / 1e6).toFixed(1),
    coldMs: Math.round(cold.ms),
    warmMs: Math.round(warm.ms),
    warmParsed: parsed,
    oneShotEditMedianMs: Math.round(median(oneShot)),
    editToDistMedianMs: +median(samples).toFixed(1),
    editToDistMinMs: +Math.min(...samples).toFixed(1),
    editToDistMaxMs: +Math.max(...samples).toFixed(1),
    rebuildMedianMs: +median(samples).toFixed(1),
    filesParsedPerEdit: median(analyzed),
  };
  results.push(row);
  console.log(
    `${String(size).padStart(6)} agents (${row.sourceMB} MB, targets: ${row.targets}): cold ${ms(cold.ms)}, warm ${ms(warm.ms)} (${parsed} files parsed), ` +
      `one edit then \`agents build\` median ${ms(row.oneShotEditMedianMs)} (3 edits), ` +
      `edit-to-dist median ${ms(row.editToDistMedianMs)} (min ${ms(row.editToDistMinMs)}, max ${ms(row.editToDistMaxMs)}, ${edits} edits)`,
  );
}
for (const root of scratch) await rm(root, { recursive: true, force: true });
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ node: process.version, cpus: os.cpus().length, results }, null, 2)}\n`);
