import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsValue, transpile, type ModuleFormat } from '../../src/targets/js.js';
import { transpileEach } from '../../src/targets/transpile-batch.js';
import { agentModuleSource, cjsAgentModule } from '../../src/targets/ts.js';

// Each batched module must evaluate to exactly what transpiling it on its own gives.
const FORMATS: ModuleFormat[] = ['esm', 'cjs'];

/** Evaluate a module's text (ESM is turned into CommonJS by esbuild first) and return its exports. */
function evaluate(code: string, format: ModuleFormat): Record<string, unknown> {
  const cjs = format === 'esm' ? transformSync(code, { format: 'cjs', loader: 'js' }).code : code;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', cjs)(module, module.exports, () => {
    throw new Error('generated agent modules import nothing');
  });
  return module.exports;
}

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('`', '${', '\\', '"', "'", '\n', '\r', '\u2028', '\u2029', '\t', 'a', '🙂', '\u00e9', '*/', '</script>', 'const __agentc_', ';\n', '__agentc_value_') }),
);
const record = fc.dictionary(
  fc.oneof(fc.constantFrom('name', 'prompt', '__proto__', 'constructor', ''), fc.string()),
  fc.oneof(hostile, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(hostile, { maxLength: 3 }), fc.dictionary(fc.string(), hostile, { maxKeys: 2 })),
  { maxKeys: 6 },
);

describe('transpileEach', () => {
  it('gives modules that evaluate to what one transpile per module gives, in both formats', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
        const values = records.map((r) => jsValue(r, { freeze: true }));
        const batched = transpileEach(values, agentModuleSource, FORMATS);
        for (const format of FORMATS) {
          values.forEach((value, i) => {
            const alone = evaluate(transpile(agentModuleSource(value), format), format);
            const mine = evaluate(batched.get(format)![i]!, format);
            // JSON data: the text compares values, key order and own `__proto__`/`constructor` keys alike.
            expect(JSON.stringify(mine.agent)).toBe(JSON.stringify(alone.agent));
            expect(mine.default).toBe(mine.agent);
            expect(JSON.stringify(mine.agent)).toBe(JSON.stringify(records[i]));
            expect(Object.isFrozen(mine.agent)).toBe(true);
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('cjsAgentModule (what the ts target writes for CommonJS) exports what esbuild\'s CommonJS exports', () => {
    const shape = (exports: object) => Object.entries(Object.getOwnPropertyDescriptors(exports)).map(([key, d]) => [key, 'get' in d ? typeof d.get : d.value, d.enumerable, d.configurable, d.writable]);
    fc.assert(
      fc.property(record, (r) => {
        const value = jsValue(r, { freeze: true });
        const alone = evaluate(transpile(agentModuleSource(value), 'cjs'), 'cjs');
        const mine = evaluate(cjsAgentModule(value), 'cjs');
        expect(JSON.stringify(mine.agent)).toBe(JSON.stringify(alone.agent));
        expect(JSON.stringify(mine.agent)).toBe(JSON.stringify(r));
        expect(mine.default).toBe(mine.agent);
        expect(Object.isFrozen(mine.agent)).toBe(true);
        expect(shape(mine)).toEqual(shape(alone));
      }),
      { numRuns: 100 },
    );
  });

  it('runs esbuild once per format, not once per module', () => {
    const values = Array.from({ length: 200 }, (_, i) => jsValue({ name: `a${i}`, prompt: 'x'.repeat(1000) }, { freeze: true }));
    const batched = transpileEach(values, agentModuleSource, FORMATS);
    // The module text around each value is the same for every agent.
    const esm = batched.get('esm')!;
    const shellStart = esm[0]!.slice(0, esm[0]!.indexOf(values[0]!));
    for (const [i, module] of esm.entries()) expect(module).toBe(shellStart + values[i] + esm[0]!.slice(shellStart.length + values[0]!.length));
  });
});
