// Which files are instrumented: not node_modules by default, node_modules too with
// --include-node-modules, and --include / --exclude globs (relative to cwd) narrowing or widening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, plain, traced } from './support/cli.mjs';

const CWD = join(FIXTURES, 'deps');
const DEP = 'node_modules/dep/index.js';

/** Runs deps/ENTRY traced with FLAGS and returns the set of files that have slices. */
function filesTraced(flags, entry = 'main.js') {
  const expected = plain([entry], { cwd: CWD });
  const run = traced([...flags, entry], { cwd: CWD });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, expected.stdout, 'same output as plain');
  const files = new Set(run.slices.map((s) => s.args.file));
  // Every file with slices has its functions there too, under their own names.
  if (files.has(DEP)) assert.ok(run.slices.some((s) => s.name === 'depFunction' && s.args.file === DEP));
  return [...files].sort();
}

test('node_modules is not instrumented by default, and is with --include-node-modules', () => {
  assert.deepEqual(filesTraced([]), ['lib/helper.js', 'lib/skipped.js', 'main.js']);
  assert.deepEqual(filesTraced(['--include-node-modules']), ['lib/helper.js', 'lib/skipped.js', 'main.js', DEP]);
});

test('--include-node-modules with a TypeScript entry (Babel loads more of itself meanwhile)', () => {
  const run = traced(['--include-node-modules', 'with-ts.ts'], { cwd: CWD });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'ts deps 2\n');
  const names = run.slices.map((s) => `${s.args.file}:${s.name}`).sort();
  assert.deepEqual(names, [`${DEP}:depFunction`, `${DEP}:${DEP}`, 'with-ts.ts:tsUsesDep', 'with-ts.ts:with-ts.ts']);
});

test('--exclude removes matching files; --include keeps only matching ones, node_modules included', () => {
  assert.deepEqual(filesTraced(['--exclude', 'lib/skipped.js']), ['lib/helper.js', 'main.js']);
  assert.deepEqual(filesTraced(['--exclude', 'lib/**', '--exclude', 'main.js']), []);
  assert.deepEqual(filesTraced(['--include', 'lib/**']), ['lib/helper.js', 'lib/skipped.js']);
  assert.deepEqual(filesTraced(['--include', '**/dep/**']), [DEP]);
  assert.deepEqual(filesTraced(['--include', 'lib/**', '--exclude', '**/skipped.js']), ['lib/helper.js']);
  assert.deepEqual(filesTraced(['--include=main.js', `--include=${DEP}`]), ['main.js', DEP]);
});
