/**
 * Reporters turn a build's diagnostics into text. `pretty` is vfile-reporter's grouped
 * output; `json` is the core's Diagnostic shape, stable and documented in the README.
 * Every reporter's output ends with the summary line (json: the counts in the object).
 */
import { reporter as vfileReporter } from 'vfile-reporter';
import type { VFile } from 'vfile';
import type { Diagnostic } from '../diagnostics.js';

export type ReporterName = 'pretty' | 'json';
export const REPORTERS: readonly ReporterName[] = ['pretty', 'json'];

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
  const withMessages = input.files.filter((file) => file.messages.length > 0);
  let text = withMessages.length > 0 ? vfileReporter([...withMessages], { color: options.color, quiet: true }) : '';
  // vfile-reporter ends with its own tally; ours replaces it so the last line is always the same shape.
  text = text.replace(/\n*(?:\u001B\[[0-9;]*m)?[⚠✖ℹ✔].*$/u, '').trimEnd();
  const parts = [text, ...(input.notes ?? []), summaryLine(input)].filter((part) => part !== '');
  return `${parts.join('\n\n').replace(/\n\n(?=[^\n]*$)/, '\n')}\n`;
}

export function formatJson(input: ReportInput, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ agents: input.agents, errors: input.errorCount, warnings: input.warningCount, diagnostics: input.diagnostics, ...extra }, null, 2)}\n`;
}
