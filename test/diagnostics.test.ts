/** collectDiagnostics: the per-file sort (files in path order) gives exactly the one global sort. */
import fc from 'fast-check';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { collectDiagnostics, countErrors, toDiagnostic, type Diagnostic } from '../src/diagnostics.js';
import { compareCodeUnits } from '../src/util/text.js';

const naive = (files: VFile[]): Diagnostic[] =>
  files
    .flatMap((file) => file.messages.map((m) => toDiagnostic(m, file.path)))
    .sort((a, b) => compareCodeUnits(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareCodeUnits(a.ruleId, b.ruleId));

const message = fc.record({ line: fc.integer({ min: 1, max: 4 }), column: fc.integer({ min: 1, max: 3 }), rule: fc.constantFrom('a/x', 'b/y', 'c/z'), fatal: fc.constantFrom(true, false, undefined), reason: fc.string({ maxLength: 3 }) });
const files = fc.uniqueArray(fc.record({ path: fc.stringMatching(/^[a-cA-C\u00e9]{1,3}\.md$/), messages: fc.array(message, { maxLength: 5 }) }), { selector: (f) => f.path, maxLength: 6 });

function vfiles(spec: { path: string; messages: { line: number; column: number; rule: string; fatal: boolean | undefined; reason: string }[] }[]): VFile[] {
  return spec.map(({ path, messages }) => {
    const file = new VFile({ path });
    for (const m of messages) file.message(m.reason, { place: { line: m.line, column: m.column }, ruleId: m.rule }).fatal = m.fatal;
    return file;
  });
}

describe('collectDiagnostics', () => {
  it('equals one sort of every message, for files in path order and in any other order, and counts errors', () => {
    fc.assert(
      fc.property(files, fc.boolean(), (spec, sortFiles) => {
        const list = vfiles(sortFiles ? [...spec].sort((a, b) => compareCodeUnits(a.path, b.path)) : spec);
        expect(collectDiagnostics(list)).toEqual(naive(list));
        // Again: the memoized Diagnostics give the same answer.
        expect(collectDiagnostics(list)).toEqual(naive(list));
        expect(countErrors(list)).toBe(naive(list).filter((d) => d.severity === 'error').length);
      }),
    );
  });
});
