// Instrumenting a snippet with the real Babel plugin, as the CLI would, for tests that run the
// result themselves (in a child process, in a vm context) with a recorder they control.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../../test/support/helpers.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const babel = require('@babel/core');
const plugin = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;

/** `code` as the instrumenter rewrites it; `file` is the name the trace shows (relative to cwd). */
export function instrument(code, file = 'snippet.js', sourceType = 'script') {
  const cwd = tempDir();
  const result = babel.transformSync(code, {
    filename: join(cwd, file),
    cwd,
    babelrc: false,
    configFile: false,
    sourceType,
    plugins: [[plugin, { cwd }]],
  });
  if (!result.code.includes('__panopticon_rt_')) throw new Error(`not instrumented:\n${result.code}`);
  return result.code;
}

/** Writes the instrumented snippet to a temporary file and returns its path. */
export function instrumentedFile(code, file = 'snippet.js') {
  const path = join(tempDir(), file);
  writeFileSync(path, instrument(code, file));
  return path;
}
