/**
 * Hostile strings in every field (quotes, backticks, `${}`, `*\/`, `</script>`, U+2028/U+2029,
 * NUL, emoji, backslashes, `__proto__` keys): the generated JS modules evaluate to exactly
 * the JSON records (agents/<name>.json), in ESM and CommonJS, and the declarations still type-check.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/ir.js';
import { toAgentDefinition } from '../../src/targets/claude-agent-sdk.js';
import { claudeCodeFile } from '../../src/targets/claude-code.js';
import { jsonTarget } from '../../src/targets/json.js';
import { tsTarget } from '../../src/targets/ts.js';
import { writeOutput } from '../../src/write.js';
import { cleanupTempDirs, tempDir } from '../helpers/project.js';
import { buildProject, importEsm, agentRecords, requireCjs, type Built } from './helpers.js';

const EVIL = 'q" s\' b` ${globalThis.pwned = 1} */ /* </script><!-- \u2028 \u2029 \0 \u0007 \\ \\n \\u0041 😀 \ud83d end';
/** In a tool name, separators only inside parentheses (spaces and commas outside split the list). */
const EVIL_TOOL = `Bash(${EVIL.replace(/[()]/g, '')})`;

const y = (value: unknown) => JSON.stringify(value); // JSON is YAML: every field as a flow scalar
const SOURCE = [
  '---',
  `name: hostile`,
  `description: ${y(`${EVIL}\n<example>Context: ${EVIL}\nuser: ${EVIL}\nassistant: ${EVIL}\n<commentary>${EVIL}</commentary></example>`)}`,
  `tools: ${y(['Read', EVIL_TOOL])}`,
  `disallowedTools: ${y([EVIL_TOOL])}`,
  `model: ${y(`claude-${EVIL}`)}`,
  `skills: ${y([EVIL])}`,
  `mcpServers: ${y([EVIL, { [EVIL]: { command: EVIL, args: [EVIL] } }])}`,
  `hooks: ${y({ PreToolUse: [{ matcher: EVIL, hooks: [{ type: 'command', command: EVIL }] }] })}`,
  `initialPrompt: ${y(EVIL)}`,
  `color: ${y(EVIL)}`,
  `${y('__proto__')}: ${y({ polluted: EVIL })}`,
  `${y('*/')}: ${y(EVIL)}`,
  `${y(EVIL)}: ${y([EVIL, 1, true, null])}`,
  '---',
  // The body cannot hold NUL (the file would be rejected as binary); everything else, yes.
  `${EVIL.replace('\0', '')}\n\`\`\`js\nconst x = \`\${y}\`; // */\n\`\`\`\n`,
].join('\n');

let built: Built;
beforeAll(async () => {
  built = await buildProject({ 'agents/hostile.md': SOURCE });
});
afterAll(cleanupTempDirs);

describe('hostile strings', () => {
  it('compile, with the hostile values in the agent record', () => {
    expect(built.errorCount).toBe(0);
    const agent = built.agents[0]!;
    expect(agent.initialPrompt).toBe(EVIL);
    expect(agent.tools).toEqual(['Read', EVIL_TOOL]);
    expect(Object.hasOwn(agent.extra, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(agent.extra)).toBe(Object.prototype);
    // Like Claude Code, agentc turns a description's literal `\n` into a newline.
    const inDescription = EVIL.replace(/\\n/g, '\n');
    expect(agent.description.startsWith(inDescription)).toBe(true);
    expect(agent.examples).toHaveLength(1);
  });

  it('the ts modules evaluate to exactly the agents/<name>.json records (ESM and CJS)', async () => {
    const expected = agentRecords(built);
    const esm = await importEsm(path.join(built.outDir, 'index.js'));
    const cjs = requireCjs(path.join(built.outDir, 'index.cjs'));
    for (const mod of [esm, cjs]) {
      expect(mod.agents).toStrictEqual(expected);
      const extra = (mod.agents as Record<string, Agent>).hostile!.extra;
      expect(Object.getOwnPropertyNames(extra)).toContain('__proto__');
      expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    }
    expect((await importEsm(path.join(built.outDir, 'agents/hostile.js'))).agent).toStrictEqual(expected.hostile);
    expect(requireCjs(path.join(built.outDir, 'agents/hostile.cjs')).agent).toStrictEqual(expected.hostile);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('the claude-agent-sdk modules evaluate to the JSON records, mapped', async () => {
    const records = agentRecords(built) as Record<string, Agent>;
    const { definition } = toAgentDefinition(records.hostile!);
    const expected = { hostile: definition };
    expect(definition.prompt).toBe(records.hostile!.prompt);
    expect(definition.tools).toEqual(['Read', EVIL_TOOL]);
    expect((await importEsm(path.join(built.outDir, 'claude-agent-sdk.js'))).agents).toStrictEqual(expected);
    expect(requireCjs(path.join(built.outDir, 'claude-agent-sdk.cjs')).agents).toStrictEqual(expected);
  });

  it('the claude-code file reads back the hostile values as YAML', () => {
    const file = built.output.find((f) => f.path === 'claude-code/hostile.md')!.contents;
    const frontmatter = parse(file.slice(4, file.indexOf('\n---\n') + 1), { strict: true }) as Record<string, unknown>;
    const agent = built.agents[0]!;
    expect(frontmatter.description).toBe(agent.description);
    expect(frontmatter.initialPrompt).toBe(EVIL);
    expect(frontmatter[EVIL]).toEqual([EVIL, 1, true, null]);
    expect(file.endsWith(`---\n${agent.prompt}`)).toBe(true);
  });

  it('the declarations type-check, with the hostile literals', async () => {
    const consumer = path.join(built.root, 'consumer.ts');
    await writeFile(
      consumer,
      "import { agents } from './dist/index.js';\nimport { agents as sdk } from './dist/claude-agent-sdk.js';\n" +
        `const model: ${JSON.stringify(`claude-${EVIL}`).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')} = agents.hostile.model.resolved;\n` +
        'const prompt: string = sdk.hostile.prompt;\nexport { model, prompt };\n',
    );
    const program = ts.createProgram([consumer], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: false, types: [] });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('a hand-made agent with NUL in the prompt and hostile keys everywhere evaluates exactly', async () => {
    const agent = {
      ...built.agents[0]!,
      name: 'raw',
      prompt: `${EVIL}\0\r\n\u2028`,
      extra: { ['__proto__']: EVIL, constructor: EVIL, '': EVIL, [EVIL]: { ['__proto__']: [EVIL] } },
    } as Agent;
    Object.defineProperty(agent.extra, '__proto__', { value: EVIL, enumerable: true, writable: true, configurable: true });
    const dir = await tempDir('agentc-hostile-');
    const context = { config: undefined as never, report: () => {} };
    await writeOutput(dir, [...jsonTarget.emit([agent], context), ...tsTarget.emit([agent], context)]);
    const expected = JSON.parse(JSON.stringify(agent));
    expect((await importEsm(path.join(dir, 'agents/raw.js'))).agent).toStrictEqual(expected);
    expect(requireCjs(path.join(dir, 'agents/raw.cjs')).agent).toStrictEqual(expected);
    expect(claudeCodeFile(agent).endsWith(agent.prompt)).toBe(true);
  });
});
