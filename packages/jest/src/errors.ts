// A failed test's errors as the text its slice carries. The errors come from the test's realm, so
// `instanceof Error` would not recognise them.

/** Longer messages are cut: a trace is not the place for a whole diff. */
const MAX_LENGTH = 2000;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** circus keeps `error` or `[error, asyncError]` per failure (the latter for timeouts and done). */
export function errorMessage(errors: ReadonlyArray<unknown>): string {
  const text = errors.map((entry) => describe(Array.isArray(entry) ? entry[0] ?? entry[1] : entry)).join('\n');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}

function describe(error: unknown): string {
  let text: string;
  try {
    text = typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : String(error);
  } catch {
    text = '(an error that cannot be printed)';
  }
  return text.replace(ANSI, '');
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
