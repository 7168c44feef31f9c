/**
 * Many generated modules of one shape: the module around the value (identical for every agent)
 * is generated as TypeScript and transpiled by esbuild once per format, with a placeholder
 * where the value goes; each agent's value, already plain JavaScript (`jsValue`: JSON literals
 * and `Object.freeze`), is put in its place.
 *
 * Reprinting every value through esbuild bought nothing (the value is JavaScript already) and
 * cost a fifth of a default build: every prompt went through esbuild's parser and printer twice.
 * test/targets/transpile-batch.test.ts checks each module evaluates to exactly what
 * transpiling it on its own gives.
 */
import { randomBytes } from 'node:crypto';
import { transpile, type ModuleFormat } from './js.js';

/**
 * `template(value)` as a module of `format` for every value, where `template` places its
 * argument exactly once as an expression and each value is a JavaScript expression.
 */
export function transpileEach(values: readonly string[], template: (value: string) => string, formats: readonly ModuleFormat[]): Map<ModuleFormat, string[]> {
  const result = new Map<ModuleFormat, string[]>();
  for (const format of formats) {
    const shell = wrapper(template, format);
    result.set(format, values.map((value) => (shell ? shell[0] + value + shell[1] : transpile(template(value), format))));
  }
  return result;
}

/** The transpiled template around its value, or undefined when the placeholder does not survive once; per template and format. */
const wrappers = new WeakMap<(value: string) => string, Map<ModuleFormat, [string, string] | undefined>>();
function wrapper(template: (value: string) => string, format: ModuleFormat): [string, string] | undefined {
  let byFormat = wrappers.get(template);
  if (!byFormat) wrappers.set(template, (byFormat = new Map()));
  if (!byFormat.has(format)) byFormat.set(format, transpiledWrapper(template, format));
  return byFormat.get(format);
}

function transpiledWrapper(template: (value: string) => string, format: ModuleFormat): [string, string] | undefined {
  const placeholder = `__agentc_value_${randomBytes(6).toString('hex')}`;
  const parts = transpile(template(placeholder), format).split(placeholder);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : undefined;
}
