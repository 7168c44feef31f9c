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
  /** The files (for code frames' text); a function when making them costs (an up-to-date build). */
  files: readonly VFile[] | (() => readonly VFile[]);
  /** A source line known without the file's text (see BuildResult.sourceLine). */
  sourceLine?: (file: string, line: number) => string | undefined;
  diagnostics: readonly Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Extra lines printed before the summary (e.g. --check's list of differences). */
  notes?: string[];
  /** pretty: list infos too (`--verbose`); otherwise they are counted in one line. */
  verbose?: boolean;
}

export function summaryLine(input: Pick<ReportInput, 'agents' | 'errorCount' | 'warningCount'>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(input.agents, 'agent')}, ${plural(input.errorCount, 'error')}, ${plural(input.warningCount, 'warning')}`;
}

/**
 * Errors and warnings in full; infos too with `verbose`, else one line that counts them by rule
 * (a 10,000-agent project has tens of thousands of infos: a CI log should show what to fix).
 */
export function formatPretty(input: ReportInput, options: { color: boolean; verbose?: boolean }): string {
  const shown = options.verbose ? input.diagnostics : input.diagnostics.filter((d) => d.severity !== 'info');
  const text = formatDiagnosticsPretty(shown, input.files, { ...options, ...(input.sourceLine ? { sourceLine: input.sourceLine } : {}) });
  const hidden = shown.length === input.diagnostics.length ? '' : hiddenInfos(input.diagnostics);
  const parts = [text, ...(input.notes ?? []), hidden, summaryLine(input)].filter((part) => part !== '');
  return `${parts.join('\n\n').replace(/\n\n(?=[^\n]*$)/, '\n')}\n`;
}

/** `12 infos not shown (agent/no-examples 9, target/dropped-field 3); --verbose lists them` */
function hiddenInfos(diagnostics: readonly Diagnostic[]): string {
  const byRule = new Map<string, number>();
  for (const d of diagnostics) if (d.severity === 'info') byRule.set(d.ruleId, (byRule.get(d.ruleId) ?? 0) + 1);
  const total = [...byRule.values()].reduce((a, b) => a + b, 0);
  const rules = [...byRule].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0)).map(([rule, n]) => `${rule} ${n}`);
  return `${total} info${total === 1 ? '' : 's'} not shown (${rules.join(', ')}); --verbose lists them`;
}

/** Annotations, then the notes as plain lines, then the summary. */
export function formatGithub(input: ReportInput, options: GithubOptions = {}): string {
  const parts = [formatDiagnosticsGithub(input.diagnostics, options), ...(input.notes ?? []), summaryLine(input)].filter((part) => part !== '');
  return `${parts.join('\n')}\n`;
}

export function formatJson(input: ReportInput, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ agents: input.agents, errors: input.errorCount, warnings: input.warningCount, diagnostics: input.diagnostics, ...extra }, null, 2)}\n`;
}
