/**
 * Safe code generation for the JS targets. Every value enters code through JSON.stringify
 * (with U+2028/U+2029 escaped, which older JS parsers read as line ends), never by pasting
 * text into code or comments.
 */

/** A string as a JS/TS string literal (and literal type). */
export function stringLiteral(text: string): string {
  const json = JSON.stringify(text);
  // One scan for the rare text that holds them, not two replaces per literal: the index and SDK
  // modules of a 10k build make ~150,000 literals.
  return LINE_SEPARATOR.test(json) ? json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : json;
}
const LINE_SEPARATOR = /[\u2028\u2029]/;

/** An object key: a string literal, or computed for `__proto__` (a literal one sets the prototype). */
export function propertyKey(key: string): string {
  return key === '__proto__' ? `[${stringLiteral(key)}]` : stringLiteral(key);
}

/**
 * A JSON value as a JS expression. With `freeze`, every object and array is wrapped in a
 * pure-annotated Object.freeze, so bundlers can still drop modules nobody imports.
 */
export function jsValue(value: unknown, options: { freeze: boolean; indent?: string } = { freeze: false }): string {
  return jsValueAt(value, options.freeze, options.indent ?? '');
}

// jsValue's recursion with its options as arguments: no options object per value (the index
// and SDK modules render ~100,000 values at 10k agents, each once, mostly before V8 optimizes).
function jsValueAt(value: unknown, freeze: boolean, indent: string): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  const inner = `${indent}  `;
  let code: string;
  if (Array.isArray(value)) {
    if (value.length === 0) code = '[]';
    else {
      code = '[';
      for (let i = 0; i < value.length; i++) code += `${i === 0 ? '\n' : ',\n'}${inner}${jsValueAt(value[i], freeze, inner)}`;
      code += `\n${indent}]`;
    }
  } else if (typeof value === 'object') {
    code = '';
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) code += `${code === '' ? '{\n' : ',\n'}${inner}${propertyKey(key)}: ${jsValueAt(item, freeze, inner)}`;
    }
    code = code === '' ? '{}' : `${code}\n${indent}}`;
  } else throw new TypeError(`cannot write a ${typeof value} into generated code`);
  return freeze ? `/* @__PURE__ */ Object.freeze(${code})` : code;
}

/**
 * Exactly `jsValue(JSON.parse(json), { freeze: true })` for `json` = JSON.stringify(value, null, 2),
 * computed from the text: the layouts agree (two-space indent, `"key": value`, one item per
 * line), so the text only needs each object and array wrapped in a pure Object.freeze, a
 * `__proto__` key made computed, and U+2028/U+2029 escaped. Reusing the JSON text (which the
 * json target writes anyway) saves stringifying, copying and parsing every prompt again.
 */
export function frozenJsFromJson(json: string): string {
  const pieces: string[] = [];
  let last = 0;
  for (let i = 0; i < json.length; ) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote (one not escaped by an odd run of backslashes).
      let end = i;
      for (;;) {
        end = json.indexOf('"', end + 1);
        if (end === -1) throw new Error('frozenJsFromJson: not JSON text');
        let slashes = 0;
        while (json.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      // A key is followed by `:`; `"__proto__":` as a literal key would set the prototype.
      if (json.charCodeAt(end + 1) === 0x3a && end - i === 10 && json.startsWith('"__proto__"', i)) {
        pieces.push(json.slice(last, i), '["__proto__"]');
        last = end + 1;
      }
      i = end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      pieces.push(json.slice(last, i), '/* @__PURE__ */ Object.freeze(');
      last = i++;
    } else if (c === 0x7d || c === 0x5d) {
      pieces.push(json.slice(last, ++i), ')');
      last = i;
    } else i++;
  }
  pieces.push(json.slice(last));
  const code = pieces.join('');
  // Outside strings JSON text is ASCII, so these are inside strings: escape them as stringLiteral does.
  return code.includes('\u2028') || code.includes('\u2029') ? code.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : code;
}

/** A JSON value's own literal type: string and number literals, readonly tuples and objects. */
export function literalType(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (Array.isArray(value)) return `readonly [${value.map((item) => literalType(item, indent)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}readonly ${stringLiteral(k)}: ${literalType(v, inner)};`).join('\n')}\n${indent}}`;
  }
  throw new TypeError(`cannot write a ${typeof value} into a declaration`);
}

/** A union of string literal types (`never` when empty). */
export function unionType(values: readonly string[]): string {
  return literalUnion(values.map(stringLiteral));
}

/** A union type of literals already made (stringLiteral of each). */
export function literalUnion(literals: readonly string[]): string {
  return literalUnionPieces(literals).join('');
}

/** literalUnion's text as one text per literal, for a large union (see types.ts textPieces). */
export function literalUnionPieces(literals: readonly string[]): string[] {
  return literals.length === 0 ? ['never'] : literals.map((literal, i) => (i === 0 ? literal : ` | ${literal}`));
}

export type ModuleFormat = 'esm' | 'cjs';

/** Every format a JS target writes, in the order it writes them. */
export const MODULE_FORMATS: readonly ModuleFormat[] = ['esm', 'cjs'];

/**
 * A module's text before and after its value: `render` given a stand-in (a raw NUL, which no
 * module text holds) and cut there. Large modules are written as these texts around their
 * value's pieces, never as one string.
 */
export function textAround(render: (value: string) => string): readonly [before: string, after: string] {
  const [before, after] = render(VALUE_STAND_IN).split(VALUE_STAND_IN);
  return [before!, after!];
}
const VALUE_STAND_IN = '\u0000';

/** Extension of a generated JS module and of its declaration, per format. */
export const JS_EXT: Record<ModuleFormat, { js: string; dts: string }> = {
  esm: { js: '.js', dts: '.d.ts' },
  cjs: { js: '.cjs', dts: '.d.cts' },
};


export const GENERATED_HEADER = '// Generated by agentc. Do not edit: the source is the agent markdown.\n';
