/** Line splitting with offsets, shared by the dialect readers. */
export interface Line {
  /** The line's text without its line ending (a trailing `\r` of CRLF removed). */
  text: string;
  /** Offset of the line's first character in the frontmatter text. */
  offset: number;
  /** True when the line ended in `\r\n`. */
  crlf: boolean;
}

export function splitLines(raw: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const piece of raw.split('\n')) {
    const crlf = piece.endsWith('\r');
    lines.push({ text: crlf ? piece.slice(0, -1) : piece, offset, crlf });
    offset += piece.length + 1;
  }
  return lines;
}

/** A `key:` line at column 0: the key, and where the value starts (after `:` and blanks). */
export function matchKeyLine(text: string): { key: string; valueColumn: number } | undefined {
  const match = /^([A-Za-z_$][\w$.-]*)[ \t]*:(?=[ \t]|$)[ \t]*/.exec(text);
  if (!match) return undefined;
  return { key: match[1]!, valueColumn: match[0].length };
}
