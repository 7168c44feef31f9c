/**
 * Many generated modules of one shape through esbuild in a few calls instead of one each.
 *
 * A per-agent `transformSync` is an IPC round trip to esbuild's service (through a worker
 * thread): at 1,000 agents x 2 formats that was ~60% of a build. Here the values of many
 * modules go through esbuild as the initializers of top-level consts in one source, each is cut
 * out of the output, and the module around it (identical for every agent) is transpiled once
 * with a placeholder. The bytes are exactly those of transpiling each module on its own
 * (test/targets/transpile-batch.test.ts checks this against `transpile`).
 */
import { randomBytes } from 'node:crypto';
import { transpile, type ModuleFormat } from './js.js';

/** Source characters per esbuild call: large enough to amortize the round trip, small enough to keep memory flat. */
const CHUNK_CHARS = 2_000_000;

/**
 * `template(value)` transpiled to `format` for every value, where `template` places its
 * argument exactly once as an expression. Same result as `values.map((v) => transpile(template(v), format))`.
 */
export function transpileEach(values: readonly string[], template: (value: string) => string, formats: readonly ModuleFormat[]): Map<ModuleFormat, string[]> {
  const printed = printValues(values);
  const result = new Map<ModuleFormat, string[]>();
  for (const format of formats) {
    const shell = wrapper(template, format);
    result.set(format, printed.map((value, i) => (shell && value !== undefined ? shell[0] + value + shell[1] : transpile(template(values[i]!), format))));
  }
  return result;
}

/** How esbuild prints each value as a top-level initializer; undefined where it could not be cut out. */
function printValues(values: readonly string[]): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let start = 0;
  while (start < values.length) {
    let end = start;
    let chars = 0;
    while (end < values.length && (end === start || chars + values[end]!.length <= CHUNK_CHARS)) chars += values[end++]!.length;
    out.push(...printChunk(values.slice(start, end)));
    start = end;
  }
  return out;
}

function printChunk(values: readonly string[]): (string | undefined)[] {
  // A fresh random name, so no text inside a value can be mistaken for a statement boundary.
  let nonce: string;
  do nonce = `__agentc_${randomBytes(6).toString('hex')}_`;
  while (values.some((v) => v.includes(nonce)));
  const code = transpile(values.map((value, i) => `const ${nonce}${i} = ${value};\n`).join(''), 'esm');
  const out: (string | undefined)[] = [];
  let at = code.indexOf(`const ${nonce}0 = `);
  for (let i = 0; i < values.length; i++) {
    const head = `const ${nonce}${i} = `;
    if (at === -1 || !code.startsWith(head, at)) return values.map(() => undefined);
    const from = at + head.length;
    const next = i + 1 < values.length ? code.indexOf(`;\nconst ${nonce}${i + 1} = `, from) : code.length - 2;
    if (next === -1 || code.slice(next, next + 2) !== ';\n') return values.map(() => undefined);
    out.push(code.slice(from, next));
    at = next + 2;
  }
  return out;
}

/** The transpiled template around its value, or undefined when the placeholder does not survive once. */
function wrapper(template: (value: string) => string, format: ModuleFormat): [string, string] | undefined {
  const placeholder = `__agentc_value_${randomBytes(6).toString('hex')}`;
  const parts = transpile(template(placeholder), format).split(placeholder);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : undefined;
}
