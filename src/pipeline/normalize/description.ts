/**
 * `description` -> summary + structured examples.
 *
 * Claude Code's convention puts routing examples inside the description:
 *   <example>Context: ... user: "..." assistant: "..." <commentary>...</commentary></example>
 * written on one line or many. The summary is the description without those blocks (and
 * without a dangling "Examples:" label).
 */
export interface AgentExample {
  context?: string;
  user: string;
  assistant: string;
  commentary?: string;
}

const EXAMPLE_BLOCK = /<example>([\s\S]*?)<\/example>/gi;
const COMMENTARY = /<commentary>([\s\S]*?)<\/commentary>/gi;
const LABEL = /(?:^|(?<=\s))(context|user|assistant)\s*:/gi;

export function splitDescription(description: string): { summary: string; examples: AgentExample[] } {
  const examples: AgentExample[] = [];
  // Only search up to the last `</example>`: an `<example>` after it can never close, and
  // retrying the lazy scan from each of thousands of unclosed ones is quadratic.
  const end = lastCloseEnd(description);
  const blocks = description.slice(0, end);
  for (const match of blocks.matchAll(EXAMPLE_BLOCK)) {
    const example = parseExample(match[1]!);
    if (example) examples.push(example);
  }
  const summary = collapseBlankLines(trimLineEnds(dropExamplesLabel(blocks.replace(EXAMPLE_BLOCK, '') + description.slice(end)))).trim();
  return { summary, examples };
}

function lastCloseEnd(text: string): number {
  let end = 0;
  for (const match of text.matchAll(/<\/example>/gi)) end = match.index + match[0].length;
  return end;
}

/** A dangling "Examples:" label at the end, and the whitespace before it. (Written without a leading `\s*` in the regex, which backtracks quadratically over long blank runs.) */
function dropExamplesLabel(text: string): string {
  const label = /\b(?:examples?|for example)\s*:?\s*$/i.exec(text);
  return label ? text.slice(0, label.index).trimEnd() : text;
}

/** Spaces and tabs before each line break removed (a loop: `/[ \t]+\n/g` is quadratic on long runs of spaces). */
function trimLineEnds(text: string): string {
  return text
    .split('\n')
    .map((line, i, lines) => {
      if (i === lines.length - 1) return line;
      let end = line.length;
      while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
      return line.slice(0, end);
    })
    .join('\n');
}

function collapseBlankLines(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n');
}

function parseExample(inner: string): AgentExample | undefined {
  const commentaries = [...inner.matchAll(COMMENTARY)].map((m) => clean(m[1]!));
  const text = inner.replace(COMMENTARY, '\n');
  const parts: Partial<Record<'context' | 'user' | 'assistant', string>> = {};
  const labels = [...text.matchAll(LABEL)];
  labels.forEach((label, i) => {
    const key = label[1]!.toLowerCase() as 'context' | 'user' | 'assistant';
    const start = label.index! + label[0].length;
    const end = i + 1 < labels.length ? labels[i + 1]!.index! : text.length;
    const value = unquote(clean(text.slice(start, end)));
    // A second `user:` (a follow-up turn) is appended, so nothing is lost.
    parts[key] = parts[key] === undefined ? value : `${parts[key]}\n${value}`;
  });
  if (parts.user === undefined || parts.assistant === undefined) return undefined;
  // Built in this key order: it is the order in the emitted JSON.
  return {
    ...(parts.context ? { context: parts.context } : {}),
    user: parts.user,
    assistant: parts.assistant,
    ...(commentaries.length > 0 ? { commentary: commentaries.join('\n') } : {}),
  };
}

function clean(text: string): string {
  return trimLineEnds(text).trim();
}

/** `"text"` or `'text'` (the whole value quoted once) -> text. */
function unquote(text: string): string {
  const first = text[0];
  if ((first === '"' || first === "'") && text.length >= 2 && text.endsWith(first)) {
    return text.slice(1, -1);
  }
  return text;
}
