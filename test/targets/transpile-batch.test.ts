import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsValue, transpile, type ModuleFormat } from '../../src/targets/js.js';
import { transpileEach } from '../../src/targets/transpile-batch.js';
import { agentModuleSource } from '../../src/targets/ts.js';

// The batch must give exactly the bytes of transpiling each module on its own.
const FORMATS: ModuleFormat[] = ['esm', 'cjs'];

function oneByOne(values: string[]): Map<ModuleFormat, string[]> {
  return new Map(FORMATS.map((format) => [format, values.map((value) => transpile(agentModuleSource(value), format))]));
}

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('`', '${', '\\', '"', "'", '\n', '\r', '\u2028', '\u2029', '\t', 'a', '🙂', '\u00e9', '*/', '</script>', 'const __agentc_', ';\n') }),
);
const record = fc.dictionary(
  fc.oneof(fc.constantFrom('name', 'prompt', '__proto__', 'constructor', ''), fc.string()),
  fc.oneof(hostile, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostile, { maxLength: 3 }), fc.dictionary(fc.string(), hostile, { maxKeys: 2 })),
  { maxKeys: 6 },
);

describe('transpileEach', () => {
  it('equals one transpile per module, in both formats', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), (records) => {
        const values = records.map((r) => jsValue(r, { freeze: true }));
        expect(transpileEach(values, agentModuleSource, FORMATS)).toEqual(oneByOne(values));
      }),
      { numRuns: 60 },
    );
  });

  it('splits work across several esbuild calls without changing a byte', () => {
    const big = 'x'.repeat(700_000);
    const values = [0, 1, 2, 3].map((i) => jsValue({ name: `a${i}`, prompt: `${big}\n\`${i}\`` }, { freeze: true }));
    expect(transpileEach(values, agentModuleSource, FORMATS)).toEqual(oneByOne(values));
  });
});
