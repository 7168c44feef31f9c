/**
 * The `pretty` reporter: diagnostics grouped by file, each with a code frame of the line it
 * points at and a caret under the column (tildes to the end of the range on that line).
 * Colors only when asked (the CLI asks on a TTY without NO_COLOR).
 */
import type { VFile } from 'vfile';
import type { Diagnostic } from '../diagnostics.js';
import { lineAt } from '../util/text.js';

export interface PrettyOptions {
  color: boolean;
  /** A source line known without the file's text (an up-to-date build's record keeps them). */
  sourceLine?: (file: string, line: number) => string | undefined;
}

const ANSI = { reset: '\u001B[0m', bold: '\u001B[1m', dim: '\u001B[2m', underline: '\u001B[4m', red: '\u001B[31m', yellow: '\u001B[33m', blue: '\u001B[34m' } as const;
const SEVERITY_COLOR = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.blue } as const;
/** Lines longer than this are shown as a window around the column. */
const FRAME_WIDTH = 100;

/** The per-file blocks (without the summary line), or '' when there is nothing to say. */
export function formatDiagnosticsPretty(diagnostics: readonly Diagnostic[], files: readonly VFile[] | (() => readonly VFile[]), options: PrettyOptions): string {
  const paint = (style: string, text: string) => (options.color ? `${style}${text}${ANSI.reset}` : text);
  // The files' texts only when a line is not known otherwise, and only of the files that have
  // something to show (an up-to-date build reads a file's text on demand).
  let sources: Map<string, string> | undefined;
  const textOf = (path: string): string | undefined => {
    if (!sources) {
      const withDiagnostics = new Set(diagnostics.map((d) => d.file));
      sources = new Map();
      for (const file of typeof files === 'function' ? files() : files) if (withDiagnostics.has(file.path) && typeof file.value === 'string') sources.set(file.path, file.value);
    }
    return sources.get(path);
  };
  const lineOf = (d: Diagnostic): string | undefined => {
    if (d.line === null) return undefined;
    const known = options.sourceLine?.(d.file, d.line);
    if (known !== undefined) return known;
    const text = textOf(d.file);
    return text === undefined ? undefined : lineAt(text, d.line);
  };

  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }

  const blocks: string[] = [];
  for (const [file, list] of byFile) {
    const positionWidth = Math.max(...list.map((d) => position(d).length));
    const severityWidth = Math.max(...list.map((d) => d.severity.length));
    const out = [paint(ANSI.underline, file)];
    for (const d of list) {
      const severity = paint(SEVERITY_COLOR[d.severity], d.severity.padEnd(severityWidth));
      out.push(`  ${position(d).padEnd(positionWidth)}  ${severity}  ${d.message}  ${paint(ANSI.dim, d.ruleId)}`);
      const line = lineOf(d);
      const frame = line !== undefined ? codeFrame(line, d, paint) : undefined;
      if (frame) out.push(frame);
    }
    blocks.push(out.join('\n'));
  }
  return blocks.join('\n\n');
}

function position(d: Diagnostic): string {
  return d.line === null ? '-' : `${d.line}:${d.column ?? 1}`;
}

function codeFrame(line: string, d: Diagnostic, paint: (style: string, text: string) => string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const column = Math.min(Math.max((d.column ?? 1) - 1, 0), text.length);
  const endColumn = d.endLine === d.line && d.endColumn !== null ? Math.min(Math.max(d.endColumn - 1, column + 1), text.length) : column + 1;

  // A window around the column, so a 5,000-character description line stays readable.
  let from = 0;
  let to = text.length;
  if (text.length > FRAME_WIDTH) {
    from = Math.max(0, Math.min(column - 30, text.length - FRAME_WIDTH));
    to = Math.min(text.length, from + FRAME_WIDTH);
  }
  const before = from > 0 ? '…' : '';
  const after = to < text.length ? '…' : '';
  const shown = `${before}${text.slice(from, to)}${after}`;
  // The caret line repeats the tabs of the code line so it lines up in any tab width.
  const pad = `${before ? ' ' : ''}${text.slice(from, column).replace(/[^\t]/g, ' ')}`;
  const width = Math.max(1, Math.min(endColumn, to) - column);
  const gutter = String(d.line);
  const caret = paint(SEVERITY_COLOR[d.severity], `^${'~'.repeat(width - 1)}`);
  return [`    ${paint(ANSI.dim, `${gutter} |`)} ${shown.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?')}`, `    ${paint(ANSI.dim, `${' '.repeat(gutter.length)} |`)} ${pad}${caret}`].join('\n');
}
