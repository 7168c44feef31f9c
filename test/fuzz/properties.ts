/**
 * Property-based tests of the compiler on hostile input, shared by `npm test` (few runs) and
 * `npm run fuzz` (AGENTC_FUZZ_SCALE multiplies every run count; see ./run.mjs).
 *
 * Inputs: agent files whose frontmatter is YAML made from arbitrary values in every field
 * (known fields, `__proto__`/`constructor`/`prototype`, case variants of `tools`, random keys),
 * or raw `key: value` lines with hostile text (the Claude Code dialect path), or arbitrary text,
 * or random bytes. Hostile text mixes YAML and markdown syntax, code-breaking sequences
 * (`*\/`, `</script>`, `${`, U+2028), NUL, BOM, lone surrogates and `<example>` tags.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { KNOWN_FIELD_NAMES } from '../../src/ir.js';

export const SCALE = Number(process.env.AGENTC_FUZZ_SCALE ?? 1);
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Seed from the environment to replay a failure (fast-check prints the seed and path). */
export const SEED = process.env.AGENTC_FUZZ_SEED === undefined ? undefined : Number(process.env.AGENTC_FUZZ_SEED);

const FRAGMENTS = [
  '---', '\n', '\r\n', '\r', ': ', ':', '#', ' #', '&a ', '*a', '<<: *a', '!!binary ', '!tag ', '? ', '- ', '  ', '\t', '|', '>-', '"', "'", '`', '[', ']', '{', '}', ',', '%YAML 1.2',
  '<example>', '</example>', '<commentary>', 'user:', 'assistant:', 'Context:', 'Examples:', '\\n', '\\', '\\"',
  '${x}', '*/', '/*', '</script>', '\u2028', '\u2029', '\u0000', '\uFEFF', '\uD800', '\uDFFF', '🙂', 'İ', 'ı',
  'Agent(a, b)', 'Bash(git add:*)', 'mcp__srv__*', '*', 'Read', 'Grep', 'Edit', 'all', 'inherit', 'sonnet', 'null', '~', 'true', 'yes', 'on', '0x1F', '1e309', '.nan', '-0',
  '__proto__', 'constructor', 'prototype', 'toString', '../', '/etc/passwd', 'con', 'a/b', 'C:\\x',
];

/** Text that is mostly hostile fragments, with random unicode in between. */
export const hostileText = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { maxLength: 10 })
  .map((parts) => parts.join(''));

/** A plausible tool-ish word. */
const toolWord = fc.oneof(fc.constantFrom('Read', 'Grep', 'Glob', 'Edit', 'Write', 'Bash', 'Bash(git add:*)', 'Agent(a, b)', 'mcp__srv', 'mcp__srv__*', 'WebFetch', '*'), hostileText);

const KEYS = [...KNOWN_FIELD_NAMES, '__proto__', 'constructor', 'prototype', 'Tools', 'TOOLS', 'tools ', 'extra-key', 'hooks'];
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: hostileText });

/** Arbitrary YAML-representable values, nested. */
export const yamlValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(toObject),
  ),
})).value;

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
/** A name that is valid (built from characters: fc.stringMatching is too slow for 100k cases). */
const safeName = fc.tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), fc.array(fc.oneof(lower, fc.constant('-')), { maxLength: 20 }), lower).map(([a, b, c]) => `${a}${b.join('')}${c}`);

/** Values that a known field might hold: well-formed ones, near misses, and anything. */
function fieldValue(name: string): fc.Arbitrary<unknown> {
  const shaped: Record<string, fc.Arbitrary<unknown>> = {
    name: fc.oneof({ weight: 1, arbitrary: fc.constantFrom('good-agent', 'Other', 'constructor', 'prototype', '__proto__', '../x', 'con', 'a/b', '') }, { weight: 3, arbitrary: safeName }),
    description: hostileText,
    tools: fc.oneof(fc.tuple(fc.array(toolWord, { maxLength: 5 }), fc.constantFrom(', ', ',', ' ')).map(([t, sep]) => t.join(sep)), fc.array(toolWord, { maxLength: 5 }), fc.dictionary(toolWord, fc.oneof(fc.boolean(), yamlValue), { maxKeys: 4 })),
    disallowedTools: fc.oneof(fc.array(toolWord, { maxLength: 4 }).map((t) => t.join(', ')), fc.array(toolWord, { maxLength: 4 })),
    model: fc.constantFrom('sonnet', 'opus', 'haiku', 'inherit', 'claude-sonnet-4-5', 'gpt-4', ''),
    maxTurns: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
    color: fc.constantFrom('red', 'blue', 'magenta', 'Red', ''),
  };
  return fc.oneof({ weight: 5, arbitrary: Object.hasOwn(shaped, name) ? shaped[name]! : yamlValue }, { weight: 1, arbitrary: yamlValue });
}

function toObject(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  return object;
}

const likely = fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

/** Frontmatter data: usually a name and description, then arbitrary known and unknown fields. */
export const frontmatterData = fc
  .tuple(
    likely,
    fieldValue('name'),
    likely,
    fieldValue('description'),
    fc.array(key.chain((k) => fc.tuple(fc.constant(k), fieldValue(k))), { maxLength: 6 }),
  )
  .map(([hasName, name, hasDescription, description, rest]) => toObject([...(hasName ? [['name', name] as [string, unknown]] : []), ...(hasDescription ? [['description', description] as [string, unknown]] : []), ...rest]));

export interface Case {
  /** How the file was made (for failure messages and oracles). */
  kind: 'yaml' | 'lines' | 'text';
  text: string;
  /** The frontmatter data the YAML was made from (kind `yaml`). */
  data?: Record<string, unknown>;
}

const body = fc.oneof(hostileText, fc.constant('You are a careful agent. Follow the instructions below.\n'));
const eol = fc.constantFrom('\n', '\n', '\r\n');

/** Frontmatter written by the yaml package from arbitrary data: strict YAML. */
const yamlCase: fc.Arbitrary<Case> = fc.tuple(frontmatterData, body).map(([data, prompt]) => {
  let yaml: string;
  try {
    yaml = stringify(data, { lineWidth: 0 });
  } catch {
    yaml = '{}\n';
  }
  return { kind: 'yaml' as const, data, text: `---\n${yaml}---\n${prompt}` };
});

/** Raw `key: value` lines with hostile values: YAML errors, the Claude Code dialect, recovery. */
const linesCase: fc.Arbitrary<Case> = fc
  .tuple(fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: hostileText }), fc.constantFrom(': ', ':', ':  ', ' : '), hostileText, eol), { minLength: 1, maxLength: 8 }), body, eol)
  .chain(([lines, prompt, end]) =>
    fc.tuple(likely, safeName, hostileText).map(([head, name, description]) => ({
      kind: 'lines' as const,
      text: `---${end}${head ? `name: ${name}${end}description: x${description}${end}` : ''}${lines.map(([k, sep, v, e]) => `${k}${sep}${v}${e}`).join('')}---${end}${prompt}`,
    })),
  );

const textCase: fc.Arbitrary<Case> = fc.tuple(fc.boolean(), fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 200 }))).map(([fenced, text]) => ({ kind: 'text' as const, text: fenced ? `---\n${text}` : text }));

export const agentFile: fc.Arbitrary<Case> = fc.oneof({ weight: 4, arbitrary: yamlCase }, { weight: 4, arbitrary: linesCase }, { weight: 1, arbitrary: textCase });

/** A tools value an author might write, from well-formed to hostile; the oracle is the value itself. */
export const toolsValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(toolWord, { maxLength: 6 }).map((t) => t.join(', ')),
  fc.array(toolWord, { maxLength: 6 }).map((t) => t.join(' ')),
  fc.array(fc.oneof(toolWord, yamlValue), { maxLength: 6 }),
  fc.dictionary(toolWord, fc.oneof(fc.boolean(), yamlValue), { maxKeys: 5 }),
  yamlValue,
);
