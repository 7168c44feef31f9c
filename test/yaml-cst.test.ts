import fc from 'fast-check';
import { parseDocument, type Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeDocument, parseYamlTokens } from '../src/pipeline/frontmatter/cst.js';

// The strict reader composes from the tokens the limits check already made; it must give
// exactly what `parseDocument` gives on the same text.
const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

function viaTokens(raw: string) {
  const cst = parseYamlTokens(raw, 1_000);
  if (!('tokens' in cst)) throw new Error('unexpectedly deep');
  return composeDocument(raw, cst.tokens, { ...OPTIONS });
}

function attempt(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

function summary(doc: Document.Parsed) {
  return {
    value: attempt(() => doc.toJS({ maxAliasCount: 100 })),
    text: attempt(() => String(doc)),
    contents: doc.contents?.range,
    errors: doc.errors.map((e) => [e.code, e.message, e.pos]),
    warnings: doc.warnings.map((e) => [e.code, e.message, e.pos]),
  };
}

const YAMLISH = fc.stringMatching(/^(?:[a-z]{1,3}|[:\-?,#&*!|>'"\[\]{}%@` \t\n]|\r\n|---|\.\.\.)*$/);

describe('composeDocument over parseYamlTokens', () => {
  it.each([
    ['mapping', 'name: a\ndescription: "b: c"\ntools: [Read, Grep]\n'],
    ['error', 'a: b: c\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['anchors', 'a: &x [1, 2]\nb: *x\n'],
    ['empty', ''],
    ['comment only', '# nothing\n'],
  ])('equals parseDocument: %s', (_, raw) => {
    expect(summary(viaTokens(raw))).toEqual(summary(parseDocument(raw, { ...OPTIONS })));
  });

  it('equals parseDocument on arbitrary YAML-like text', () => {
    fc.assert(
      fc.property(YAMLISH, (raw) => {
        expect(summary(viaTokens(raw))).toEqual(summary(parseDocument(raw, { ...OPTIONS })));
      }),
      { numRuns: 2_000 },
    );
  });

  it('composes the same tokens again, with other options, as parseDocument would (the Claude Code fallback reuses them)', () => {
    const LOOSE = { prettyErrors: false, uniqueKeys: false, strict: true } as const;
    fc.assert(
      fc.property(YAMLISH, (raw) => {
        const cst = parseYamlTokens(raw, 1_000);
        if (!('tokens' in cst)) return;
        const first = summary(composeDocument(raw, cst.tokens, { ...OPTIONS }));
        const second = summary(composeDocument(raw, cst.tokens, { ...LOOSE }));
        expect(first).toEqual(summary(parseDocument(raw, { ...OPTIONS })));
        expect(second).toEqual(summary(parseDocument(raw, { ...LOOSE })));
      }),
      { numRuns: 2_000 },
    );
  });

  it('stops at the nesting limit', () => {
    expect(parseYamlTokens('a: [[[[x]]]]', 3)).toEqual({ tooDeepAt: 5 });
    expect('tokens' in parseYamlTokens('a: [x]', 3)).toBe(true);
  });
});
