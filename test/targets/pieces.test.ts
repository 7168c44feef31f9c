/**
 * Files in pieces (src/targets/types.ts): the index and SDK modules of many agents are written
 * from pieces of ~16K code units (textPieces), each agent's modules, JSON and Claude Code file
 * from the texts they are made of, never joined into one string; the pieces are exactly the
 * file's text, and the file spreads and compares as one given as text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitTargetsTo } from '../../src/targets/index.js';
import { copyOutput, encodeOutput, outputFromChunks, outputFromStream, pieceStream, sameOutput, textPieces, type OutputFile } from '../../src/targets/types.js';
import { cleanupTempDirs, configFor } from '../helpers/project.js';
import { buildProject, importEsm } from './helpers.js';

afterAll(cleanupTempDirs);

describe('textPieces', () => {
  it('groups whole texts into pieces that concatenate to the texts', () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é😀'.repeat(i % 9)}\n`);
    const pieces = textPieces(texts);
    expect(pieces.join('')).toBe(texts.join(''));
    expect(pieces.length).toBeGreaterThan(1);
    const longest = Math.max(...texts.map((text) => text.length));
    for (const piece of pieces) expect(piece.length).toBeLessThan(16 * 1024 + longest);
    // Each piece ends where a text ends: no text (and so no surrogate pair) is cut.
    const ends = new Set<number>();
    let at = 0;
    for (const text of texts) ends.add((at += text.length));
    at = 0;
    for (const piece of pieces) expect(ends.has((at += piece.length))).toBe(true);
    expect(textPieces([])).toEqual(['']);
    // pieceStream makes the same pieces, each when it is read.
    let read = 0;
    const counted = function* () {
      for (const text of texts) {
        read++;
        yield text;
      }
    };
    const stream = pieceStream(counted());
    expect(stream.next().value).toBe(pieces[0]);
    expect(read).toBeLessThan(texts.length / 4);
    expect([pieces[0], ...stream]).toEqual(pieces);
    expect([...pieceStream([])]).toEqual([]);
  });
});

describe('outputFromStream', () => {
  it('is a file whose pieces are made anew at each read, spreading and copying as one given as text', () => {
    let made = 0;
    const file = outputFromStream('big.txt', () => {
      made++;
      return ['a', Buffer.from('é'), 'b'];
    });
    expect(made).toBe(0);
    expect([...file.stream!()]).toEqual(['a', Buffer.from('é'), 'b']);
    expect(made).toBe(1);
    expect(file.contents).toBe('aéb');
    expect(file.chunks).toEqual(['a', Buffer.from('é'), 'b']);
    expect({ ...file }).toEqual({ path: 'big.txt', contents: 'aéb' });
    expect(copyOutput(file).stream).toBe(file.stream);
    expect(sameOutput(file, { path: 'big.txt', contents: 'aéb' })).toBe(true);
    expect(Buffer.from(encodeOutput(file)).toString('utf8')).toBe('aéb');
  });
});

describe('files in pieces', () => {
  it('index, SDK and agent files: written byte for byte (through the write-behind ring), the same file as one text', async () => {
    const names = Array.from({ length: 400 }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    const sources = Object.fromEntries(names.map((name) => [`agents/${name}.md`, `---\nname: ${name}\ndescription: Does ${name} — é.\n---\nYou are ${name}.\n`]));
    const built = await buildProject(sources);
    expect(built.errorCount).toBe(0);
    // The SDK's declaration lists only the names (one piece at 400 agents).
    for (const path of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'claude-agent-sdk.js', 'claude-agent-sdk.cjs', 'claude-agent-sdk.d.ts']) {
      const file = built.output.find((candidate) => candidate.path === path)!;
      expect(file.chunks!.length, path).toBeGreaterThan(path === 'claude-agent-sdk.d.ts' ? 0 : 1);
      expect(file.chunks!.every((chunk) => typeof chunk === 'string' && chunk.length < 20_000), path).toBe(true);
      expect(Buffer.from(encodeOutput(file)).toString('utf8'), path).toBe(file.contents);
      expect(readFileSync(join(built.outDir, path), 'utf8'), path).toBe(file.contents);
      expect(sameOutput(file, { path, contents: file.contents }), path).toBe(true);
      expect(sameOutput(file, outputFromChunks(path, [file.contents])), path).toBe(true);
    }
    expect(built.output.find((file) => file.path === 'index.d.ts')!.contents).toContain(`export type AgentName = "${names[0]}" | "${names[1]}" |`);
    // Each agent's modules, JSON and Claude Code file are pieces too (the value, the record's
    // text, the prompt between the texts around them), written byte for byte.
    for (const path of [`agents/${names[7]}.js`, `agents/${names[7]}.cjs`, `agents/${names[7]}.json`, `claude-code/${names[7]}.md`]) {
      const file = built.output.find((candidate) => candidate.path === path)!;
      expect(file.chunks!.length, path).toBeGreaterThan(1);
      expect({ ...file }, path).toEqual({ path, contents: file.contents });
      expect(readFileSync(join(built.outDir, path), 'utf8'), path).toBe(file.contents);
    }
    expect(built.output.find((file) => file.path === `claude-code/${names[7]}.md`)!.contents).toMatch(/\n---\nYou are agent-007\.\n$/);
    const { agentNames } = await importEsm(join(built.outDir, 'index.js'));
    expect(agentNames).toEqual(names);

    // A one-shot build (emitTargetsTo, nothing retained) makes the index and SDK modules as they
    // are written: streams of the same bytes, made anew by each read, none kept for a next build.
    const oneShot = (): OutputFile[] => {
      const files: OutputFile[] = [];
      emitTargetsTo(built.agents, configFor(built.root), () => {}, (file) => files.push(file));
      return files;
    };
    const first = oneShot();
    const second = oneShot();
    for (const path of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'claude-agent-sdk.js', 'claude-agent-sdk.cjs', 'claude-agent-sdk.d.ts', 'claude-agent-sdk.d.cts']) {
      const streamed = first.find((file) => file.path === path)!;
      expect(streamed.stream, path).toBeDefined();
      expect(second.find((file) => file.path === path)!.stream, path).not.toBe(streamed.stream);
      const pieces = [...streamed.stream!()];
      expect(pieces.length, path).toBeGreaterThan(path.startsWith('claude-agent-sdk.d.') ? 0 : 1);
      expect(pieces.join(''), path).toBe(built.output.find((file) => file.path === path)!.contents);
      expect([...streamed.stream!()], path).toEqual(pieces);
    }
  });
});
