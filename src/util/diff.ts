/** A unified diff of two texts, line by line (for `agents fix --dry-run`). */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** LCS over this many cells at most; past it the changed middle is shown as removed + added. */
const MAX_CELLS = 4_000_000;

export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return '';
  const a = splitForDiff(before);
  const b = splitForDiff(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [
    ...a.slice(0, start).map((line) => ({ kind: ' ' as const, line })),
    ...middle(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((line) => ({ kind: ' ' as const, line })),
  ];
  return `--- ${fromName}\n+++ ${toName}\n${hunks(ops, context)}`;
}

/** Lines without their endings (a CRLF's `\r` too); a final newline does not make an empty last line. */
function splitForDiff(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function middle(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  // lengths[i][j]: LCS of a[i:] and b[j:].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lengths[i]![j + 1]! >= lengths[i + 1]![j]!)) {
      ops.push({ kind: '+', line: b[j]! });
      j++;
    } else {
      ops.push({ kind: '-', line: a[i]! });
      i++;
    }
  }
  return ops;
}

function hunks(ops: Op[], context: number): string {
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index !== -1);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - context);
    let to = Math.min(ops.length, changed[k]! + context + 1);
    while (k + 1 < changed.length && changed[k + 1]! - context <= to) {
      k++;
      to = Math.min(ops.length, changed[k]! + context + 1);
    }
    k++;
    let oldStart = 1;
    let newStart = 1;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldStart++;
      if (op.kind !== '-') newStart++;
    }
    const slice = ops.slice(from, to);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    // Removed lines first, then added ones, inside each run of changes.
    let run: Op[] = [];
    const flush = () => {
      out.push(...run.filter((op) => op.kind === '-').map((op) => `-${op.line}`), ...run.filter((op) => op.kind === '+').map((op) => `+${op.line}`));
      run = [];
    };
    for (const op of slice) {
      if (op.kind === ' ') {
        flush();
        out.push(` ${op.line}`);
      } else {
        run.push(op);
      }
    }
    flush();
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, count: number): string {
  // An empty range names the line before it, as diff(1) does.
  return count === 1 ? String(start) : `${count === 0 ? start - 1 : start},${count}`;
}
