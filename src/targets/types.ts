import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';

/** One file a target emits, path relative to outDir (posix). */
export interface OutputFile {
  path: string;
  contents: string;
}

export interface EmitContext {
  config: ResolvedConfig;
}

/** A target turns the compiled agents into files. Pure: no I/O, same input, same bytes. */
export interface Target {
  name: string;
  emit(agents: readonly Agent[], context: EmitContext): OutputFile[];
}
