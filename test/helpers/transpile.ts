/** esbuild as the targets used it before they wrote their modules directly: the reference the tests hold them to. */
import { transformSync } from 'esbuild';
import type { ModuleFormat } from '../../src/targets/js.js';

export function transpile(source: string, format: ModuleFormat): string {
  return transformSync(source, { loader: 'ts', format, target: 'node20', charset: 'ascii', legalComments: 'none' }).code;
}

/** The TypeScript of one agent module, as the ts target generated it for esbuild. */
export function agentModuleSource(value: string): string {
  return `export const agent = ${value};\nexport default agent;\n`;
}
