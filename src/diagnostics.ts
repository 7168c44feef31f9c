/**
 * Diagnostics are vfile messages: every problem is attached to the VFile of the source it
 * concerns, with a `place`, a `ruleId` and `source: 'agentc'`, so the unified ecosystem
 * (vfile-reporter and friends) can print them. The core never prints; it returns these.
 */
import type { VFile } from 'vfile';
import { compareCodeUnits } from './util/text.js';
import type { Options as MessageOptions, VFileMessage } from 'vfile-message';
import { RULES, severityOf, type RuleId, type RuleSettings, type Severity } from './rules.js';

export interface Point {
  line: number;
  column: number;
}

export interface Range {
  start: Point;
  end?: Point;
}

/** The serializable shape of one diagnostic (the `json` reporter prints these). */
export interface Diagnostic {
  file: string;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  severity: Severity;
  ruleId: string;
  message: string;
}

export type Report = (ruleId: RuleId, reason: string, place?: Point | Range) => void;

/** A reporter bound to one file and the configured rule severities. */
export function reporterFor(file: VFile, rules: RuleSettings | undefined): Report {
  return (ruleId, reason, place) => {
    const severity = severityOf(ruleId, rules);
    if (severity === undefined) return;
    const message = addMessage(file, reason, {
      place: place && 'start' in place ? { start: withOffset(place.start), end: withOffset(place.end ?? place.start) } : place,
      ruleId,
      source: 'agentc',
    });
    message.fatal = severity === 'error' ? true : severity === 'warning' ? false : undefined;
    message.url = `https://github.com/agentc/agentc#rule-${ruleId.replace('/', '-')}`;
  };
}

/**
 * file.message without the stack trace: a VFileMessage is an Error, so V8 captures a stack for
 * each one, which vfile-message then replaces with ''. At 10,000 agents (~30,000 messages)
 * the capture alone cost ~0.2 s per build.
 */
export function addMessage(file: VFile, reason: string, options: MessageOptions): VFileMessage {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return file.message(reason, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// vfile's Position type wants offsets optional; keep the objects plain.
function withOffset(point: Point): Point {
  return { line: point.line, column: point.column };
}

export function severityOfMessage(message: Pick<MessageFields, 'fatal'>): Severity {
  return message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info';
}

/** A VFileMessage, or the same fields as a build record keeps them. */
export interface MessageFields {
  reason: string;
  place?: VFileMessage['place'];
  ruleId?: string | undefined;
  fatal?: boolean | null | undefined;
}

export function toDiagnostic(message: MessageFields, filePath: string): Diagnostic {
  const start = message.place && 'start' in message.place ? message.place.start : message.place;
  const end = message.place && 'end' in message.place ? message.place.end : undefined;
  return {
    file: filePath,
    line: start?.line ?? null,
    column: start?.column ?? null,
    endLine: end?.line ?? null,
    endColumn: end?.column ?? null,
    severity: severityOfMessage(message),
    ruleId: message.ruleId ?? 'unknown',
    message: message.reason,
  };
}

export function isKnownRule(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

/** Each message's Diagnostic, made once: a watch rebuild reuses the messages of unchanged files. */
const diagnosticOf = new WeakMap<VFileMessage, Diagnostic>();

/**
 * Every message of these files as Diagnostics, sorted by file, line, column and rule. Files in
 * path order (as every build passes them) are sorted file by file, which at 10,000 files is
 * much cheaper than one sort of every message; in any other order, one sort of all.
 */
export function collectDiagnostics(files: readonly VFile[]): Diagnostic[] {
  const inOrder = files.every((file, i) => i === 0 || compareCodeUnits(files[i - 1]!.path, file.path) < 0);
  const all: Diagnostic[] = [];
  for (const file of files) {
    const start = all.length;
    for (const message of file.messages) {
      let diagnostic = diagnosticOf.get(message);
      if (diagnostic === undefined || diagnostic.file !== file.path) {
        diagnostic = toDiagnostic(message, file.path);
        diagnosticOf.set(message, diagnostic);
      }
      all.push(diagnostic);
    }
    if (inOrder && all.length - start > 1) {
      const sorted = all.slice(start).sort(compareDiagnostics);
      for (let i = 0; i < sorted.length; i++) all[start + i] = sorted[i]!;
    }
  }
  return inOrder ? all : all.sort(compareDiagnostics);
}

/** How many messages of these files are errors (without making their Diagnostics). */
export function countErrors(files: readonly VFile[]): number {
  let errors = 0;
  for (const file of files) for (const message of file.messages) if (message.fatal === true) errors++;
  return errors;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return compareCodeUnits(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareCodeUnits(a.ruleId, b.ruleId);
}

