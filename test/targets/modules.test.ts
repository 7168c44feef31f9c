/**
 * The ts and claude-agent-sdk targets write their JavaScript directly; esbuild generated it
 * before. These tests hold every module to esbuild's output for the TypeScript it came from:
 * the same bytes for ESM, and for CommonJS the same exports object (names, order, getters,
 * values) when evaluated.
 */
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sdkModule } from '../../src/targets/claude-agent-sdk.js';
import { jsValue, stringLiteral, type ModuleFormat } from '../../src/targets/js.js';
import { cjsAgentModule, esmAgentModule, indexModule } from '../../src/targets/ts.js';
import type { Agent } from '../../src/ir.js';
import { agentModuleSource, transpile } from '../helpers/transpile.js';

/** Evaluate a module's text (ESM is turned into CommonJS by esbuild first) with `require` answered from `modules`. */
function evaluate(code: string, format: ModuleFormat, modules: Record<string, unknown> = {}): Record<string, unknown> {
  const cjs = format === 'esm' ? transformSync(code, { format: 'cjs', loader: 'js' }).code : code;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', cjs)(module, module.exports, (id: string) => {
    if (!Object.hasOwn(modules, id)) throw new Error(`unexpected require(${id})`);
    return modules[id];
  });
  return module.exports;
}

const shape = (exports: object) => Object.entries(Object.getOwnPropertyDescriptors(exports)).map(([key, d]) => [key, 'get' in d ? typeof d.get : d.value, d.enumerable, d.configurable, d.writable]);

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('`', '${', '\\', '"', "'", '\n', '\r', '\u2028', '\u2029', '\t', 'a', '🙂', '\u00e9', '*/', '</script>', ';\n') }),
);
const record = fc.dictionary(
  fc.oneof(fc.constantFrom('name', 'prompt', '__proto__', 'constructor', ''), fc.string()),
  fc.oneof(hostile, fc.integer(), fc.boolean(), fc.constant(null), fc.array(hostile, { maxLength: 3 }), fc.dictionary(fc.string(), hostile, { maxKeys: 2 })),
  { maxKeys: 6 },
);
const names = fc.uniqueArray(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9]*(-[a-z0-9]+){0,3}$/), fc.constantFrom('__proto__', 'constructor', 'toString', 'a')), { maxLength: 6 });

/** The TypeScript index the ts target generated (and esbuild transpiled) before it wrote JS directly. */
function typescriptIndex(agentNames: readonly string[], format: ModuleFormat): string {
  const imports = agentNames.map((name, i) => `import { agent as a${i} } from ${stringLiteral(`./agents/${name}${format === 'esm' ? '.js' : '.cjs'}`)};\n`).join('');
  const entries = agentNames.map((name, i) => `  ${name === '__proto__' ? `[${stringLiteral(name)}]` : stringLiteral(name)}: a${i},\n`).join('');
  return `${imports}
export const agents = Object.freeze({
${entries}});

export const agentNames = ${jsValue(agentNames, { freeze: true })};

export function isAgentName(name: unknown): boolean {
  return typeof name === 'string' && Object.hasOwn(agents, name);
}

export function getAgent(name: string) {
  if (!isAgentName(name)) throw new RangeError(\`agentc: no agent named \${JSON.stringify(name)}\`);
  return (agents as Record<string, unknown>)[name];
}

export default agents;
`;
}

const asAgents = (list: readonly string[]) => list.map((name) => ({ name }) as Agent);
/** What each agent module exports, by the specifier the index requires. */
const stubModules = (list: readonly string[]) => Object.fromEntries(list.map((name) => [`./agents/${name}.cjs`, { agent: { name, stub: true } }]));

describe('modules written without esbuild', () => {
  it('an ESM agent module is byte for byte what the target wrote with esbuild (its shell around the value)', () => {
    // The target put each value (already JavaScript) in the shell esbuild printed around a placeholder.
    const [before, after] = transpile(agentModuleSource('__agentc_value__'), 'esm').split('__agentc_value__') as [string, string];
    fc.assert(
      fc.property(record, (r) => {
        const value = jsValue(r, { freeze: true });
        expect(esmAgentModule(value)).toBe(before + value + after);
        // And whole through esbuild, the same module (esbuild escapes non-ASCII; the values are equal).
        expect(JSON.stringify(evaluate(esmAgentModule(value), 'esm').agent)).toBe(JSON.stringify(evaluate(transpile(agentModuleSource(value), 'esm'), 'esm').agent));
      }),
      { numRuns: 100 },
    );
  });

  it('a CommonJS agent module exports what esbuild\'s CommonJS exports', () => {
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

  it('index.js is byte for byte what esbuild printed; index.cjs exports the same', () => {
    fc.assert(
      fc.property(names, (list) => {
        expect(indexModule(asAgents(list), 'esm')).toBe(transpile(typescriptIndex(list, 'esm'), 'esm'));
        const modules = stubModules(list);
        const theirs = evaluate(transpile(typescriptIndex(list, 'cjs'), 'cjs'), 'cjs', modules);
        const mine = evaluate(indexModule(asAgents(list), 'cjs'), 'cjs', modules);
        expect(shape(mine)).toEqual(shape(theirs));
        expect(Object.getOwnPropertyNames(mine.agents)).toEqual(Object.getOwnPropertyNames(theirs.agents));
        for (const name of list) expect(Object.getOwnPropertyDescriptor(mine.agents, name)?.value).toBe((modules[`./agents/${name}.cjs`] as { agent: unknown }).agent);
        expect(mine.agentNames).toEqual(theirs.agentNames);
        expect(Object.isFrozen(mine.agents) && Object.isFrozen(mine.agentNames)).toBe(true);
        expect(mine.default).toBe(mine.agents);
        const getAgent = mine.getAgent as (name: string) => unknown;
        const isAgentName = mine.isAgentName as (name: unknown) => boolean;
        for (const name of [...list, 'nope', 'hasOwnProperty']) {
          expect(isAgentName(name)).toBe((theirs.isAgentName as (n: unknown) => boolean)(name));
          if (isAgentName(name)) expect(getAgent(name)).toBe(Object.getOwnPropertyDescriptor(mine.agents, name)?.value);
          else expect(() => getAgent(name)).toThrow(RangeError);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('claude-agent-sdk.js is byte for byte what esbuild printed; the .cjs exports the same', () => {
    fc.assert(
      fc.property(names, fc.array(record, { maxLength: 3 }), (list, records) => {
        const value = jsValue(Object.fromEntries(records.map((r, i) => [`agent-${i}`, r])), { freeze: false });
        for (const format of ['esm', 'cjs'] as const) {
          const imports = list.map((name, i) => (format === 'esm' ? `import { agent as a${i} } from ${stringLiteral(`./agents/${name}.js`)};\n` : `const a${i} = require(${stringLiteral(`./agents/${name}.cjs`)}).agent;\n`)).join('');
          const typescript = `${imports}export const agents = ${value};\nexport default agents;\n`;
          if (format === 'esm') {
            // The target put the imports and the value in the shell esbuild printed around two placeholders.
            const shell = transpile('__agentc_imports__;\nexport const agents = __agentc_agents__;\nexport default agents;\n', 'esm').split(/__agentc_imports__;\n|__agentc_agents__/);
            expect(shell).toHaveLength(3);
            expect(sdkModule(imports, value, 'esm')).toBe(shell[0] + imports + shell[1] + value + shell[2]);
          } else {
            const modules = stubModules(list);
            const theirs = evaluate(transpile(typescript, 'cjs'), 'cjs', modules);
            const mine = evaluate(sdkModule(imports, value, 'cjs'), 'cjs', modules);
            expect(shape(mine)).toEqual(shape(theirs));
            expect(JSON.stringify(mine.agents)).toBe(JSON.stringify(theirs.agents));
            expect(mine.default).toBe(mine.agents);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
