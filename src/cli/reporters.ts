/**
 * Reporters turn a build's diagnostics into text. `pretty` groups them by file with a code
 * frame of each line (./pretty.ts); `json` is the core's Diagnostic shape, stable and
 * documented in the README; `github` prints GitHub Actions annotations (./github.ts).
 * Every reporter's output ends with the summary line (json: the counts in the object).
 */
import type { VFile } from 'vfile';
import type { Diagnostic } from '../diagnostics.js';
import { formatDiagnosticsGithub, type GithubOptions } from './github.js';
import { formatDiagnosticsPretty } from './pretty.js';

export type ReporterName = 'pretty' | 'json' | 'github';
export const REPORTERS: readonly ReporterName[] = ['pretty', 'json', 'github'];

export interface ReportInput {
  agents: number;
  files: readonly VFile[];
  diagnostics: readonly Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Extra lines printed before the summary (e.g. --check's list of differences). */
  notes?: string[];
}

export function summaryLine(input: Pick<ReportInput, 'agents' | 'errorCount' | 'warningCount'>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(input.agents, 'agent')}, ${plural(input.errorCount, 'error')}, ${plural(input.warningCount, 'warning')}`;
}

export function formatPretty(input: ReportInput, options: { color: boolean }): string {
  const text = formatDiagnosticsPretty(input.diagnostics, input.files, options);
  const parts = [text, ...(input.notes ?? []), summaryLine(input)].filter((part) => part !== '');
  return `${parts.join('\n\n').replace(/\n\n(?=[^\n]*$)/, '\n')}\n`;
}

/** Annotations, then the notes as plain lines, then the summary. */
export function formatGithub(input: ReportInput, options: GithubOptions = {}): string {
  const parts = [formatDiagnosticsGithub(input.diagnostics, options), ...(input.notes ?? []), summaryLine(input)].filter((part) => part !== '');
  return `${parts.join('\n')}\n`;
}

export function formatJson(input: ReportInput, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ agents: input.agents, errors: input.errorCount, warnings: input.warningCount, diagnostics: input.diagnostics, ...extra }, null, 2)}\n`;
}
