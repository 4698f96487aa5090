// Where a test or hook was declared: circus keeps an Error made at the `test()` / `beforeEach()`
// call (`asyncError`), whose stack (source-mapped by Jest) names the file, line and column. The
// first frames are Jest's own (circus, jest-each), so the declaration is the first frame outside
// any node_modules: the test file, or a setup file. A hook Jest adds itself (circus's runner
// resets mocks and modules in a beforeEach) has no such frame.
import { fileURLToPath } from 'node:url';

export interface Location {
  /** Absolute path, or null when no frame is outside node_modules. */
  file: string | null;
  line: number;
  col: number;
}

export const UNKNOWN: Location = { file: null, line: 0, col: 0 };

/** `at f (/a/b.js:1:2)`, `at /a/b.js:1:2`, `at file:///a/b.mjs:1:2`, Windows drive paths. */
const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^()]*?):(\d+):(\d+)\)?\s*$/;
const LIBRARY = /[\\/]node_modules[\\/]/;

export function declaredAt(error: unknown): Location {
  let stack: unknown;
  try {
    stack = (error as { stack?: unknown } | null)?.stack;
  } catch {
    return UNKNOWN; // a throwing `stack` getter
  }
  if (typeof stack !== 'string') return UNKNOWN;
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (match === null || LIBRARY.test(match[1])) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    return { file, line: Number(match[2]), col: Number(match[3]) };
  }
  return UNKNOWN;
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
