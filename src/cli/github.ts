/**
 * The `github` reporter: one GitHub Actions workflow command per diagnostic
 * (`::error file=…,line=…,col=…,title=…::message`), so problems show up as annotations on
 * the pull request's files. Escaping follows the Actions runner: in data `%`, CR and LF; in
 * property values also `:` and `,`.
 */
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface GithubOptions {
  /** The project root (the config's folder), absolute. */
  root?: string;
  /** $GITHUB_WORKSPACE: annotation paths are relative to it, so a project in a subfolder still points at the right file. */
  workspace?: string;
}

export function formatDiagnosticsGithub(diagnostics: readonly Diagnostic[], options: GithubOptions = {}): string {
  return diagnostics
    .map((d) => {
      const props = [`file=${escapeProperty(annotationPath(d.file, options))}`];
      if (d.line !== null) props.push(`line=${d.line}`);
      if (d.line !== null && d.column !== null) props.push(`col=${d.column}`);
      if (d.endLine !== null) props.push(`endLine=${d.endLine}`);
      if (d.endLine !== null && d.endColumn !== null) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(d.ruleId)}`);
      return `::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.message)}`;
    })
    .join('\n');
}

function annotationPath(file: string, options: GithubOptions): string {
  if (!options.root || !options.workspace) return file;
  const relative = path.relative(options.workspace, path.resolve(options.root, file));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}
