/**
 * CPU a source watcher costs per saved file: watch a folder, save one file at a time, and
 * count the process's CPU (user + system) in the window after each save. Compares chokidar
 * (what watch mode used for the sources) with src/watch/folder-watcher.ts (lib/), and no
 * watcher at all (the cost of the save itself and of an idle process).
 *
 *   node bench/watcher-cpu.mjs <folder> [--watcher chokidar|folder|none] [--saves 8] [--window 1200]
 *
 * Edits files in <folder>: give it a scratch copy. Prints one JSON line.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { watch as chokidarWatch } from 'chokidar';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { watcher: { type: 'string', default: 'folder' }, saves: { type: 'string', default: '8' }, window: { type: 'string', default: '1200' } },
});
const folder = path.resolve(positionals[0] ?? '');
const saves = Number(values.saves);
const windowMs = Number(values.window);
const files = readdirSync(folder).filter((f) => f.endsWith('.md')).sort();

let events = 0;
let close = async () => {};
if (values.watcher === 'chokidar') {
  const watcher = chokidarWatch([folder], { ignoreInitial: true, atomic: false });
  watcher.on('all', () => events++);
  await new Promise((resolve) => watcher.once('ready', resolve));
  close = () => watcher.close();
} else if (values.watcher === 'folder') {
  const { FolderWatcher } = await import(pathToFileURL(path.join(repo, 'lib/watch/folder-watcher.js')).href);
  const watcher = new FolderWatcher({ onEvent: () => events++ });
  watcher.add([folder]);
  close = async () => watcher.close();
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(1500); // let start-up work settle

const samples = [];
for (let i = 0; i < saves; i++) {
  const file = path.join(folder, files[(i * 7919) % files.length]);
  const text = readFileSync(file, 'utf8');
  const before = process.cpuUsage();
  writeFileSync(file, `${text}\nSaved ${i}.\n`);
  await sleep(windowMs);
  const used = process.cpuUsage(before);
  samples.push(Math.round((used.user + used.system) / 1000));
}
await close();
const sorted = [...samples].sort((a, b) => a - b);
console.log(JSON.stringify({ watcher: values.watcher, files: files.length, saves, windowMs, cpuMsPerSave: samples, median: (sorted[(saves - 1) >> 1] + sorted[saves >> 1]) / 2, events }));
