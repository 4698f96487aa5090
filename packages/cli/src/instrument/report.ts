// How a file that cannot be compiled is reported: a syntax error as node prints one (file:line:col,
// the line, a caret, the message), anything else as file: message.
import { relative, isAbsolute } from 'node:path';
import { nodeStyleSyntaxError } from '../transform';

interface BabelError extends Error {
  code?: string;
  loc?: { line: number; column: number };
}

/** The file as the user would type it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

export function describeFailure(error: unknown, source: string, file: string): string {
  const e = error as BabelError;
  const shown = displayPath(file);
  if (e && e.loc && (e.code === 'BABEL_PARSE_ERROR' || e instanceof SyntaxError)) {
    // The stack's last line (`at file:line:col`) repeats the first; node's own report stops at the message.
    const stack = nodeStyleSyntaxError(e, source, shown).stack ?? '';
    return stack.replace(/\n {4}at [^\n]*$/, '') + '\n';
  }
  const message = (e?.message ?? String(error)).replace(/^[^:\n]*: /, '');
  return `${shown}: ${message}\n`;
}
