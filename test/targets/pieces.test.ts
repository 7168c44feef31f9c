/**
 * Files in pieces (src/targets/types.ts): the index and SDK modules of many agents are written
 * from pieces of ~16K code units (textPieces), each agent's modules, JSON and Claude Code file
 * from the texts they are made of, never joined into one string; the pieces are exactly the
 * file's text, and the file spreads and compares as one given as text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeOutput, outputFromChunks, sameOutput, textPieces } from '../../src/targets/types.js';
import { cleanupTempDirs } from '../helpers/project.js';
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
  });
});
