// `panopticon -e CODE` (alias -c) runs a snippet as `node -e CODE` does, traced: its functions
// are slices, extra arguments are in process.argv, and exit codes carry over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain, sliceNamed, traced, withoutFinalLine } from './support/cli.mjs';

const SNIPPET = [
  'function snippetFn(list) { return list.map((x) => x.toUpperCase()); }',
  'console.log(JSON.stringify({ argv: process.argv.slice(1), out: snippetFn(["a", "b"]), file: __filename, req: typeof require }));',
].join('\n');

test('-e and -c run the snippet like node -e, with its arguments, and trace its functions', () => {
  const expected = plain(['-e', SNIPPET, 'one', '--two']);
  assert.equal(expected.status, 0, expected.stderr);
  assert.deepEqual(JSON.parse(expected.stdout).argv, ['one', '--two']);
  for (const flag of ['-e', '-c', '--eval']) {
    const run = traced([flag, SNIPPET, 'one', '--two']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, expected.stdout, flag);
    assert.equal(withoutFinalLine(run.stderr), expected.stderr);
    const fn = sliceNamed(run.slices, 'snippetFn');
    assert.equal(fn.args.line, 1);
    const arrows = run.slices.filter((s) => s.name === '(anonymous 1:44)');
    assert.equal(arrows.length, 2, 'the arrow inside is a slice per element');
    for (const arrow of arrows) assert.equal(arrow.depth, fn.depth + 1, 'inside snippetFn');
    // Only the snippet's own code: node's [eval]-wrapper is not the program.
    assert.deepEqual([...new Set(run.slices.map((s) => s.args.file))], ['[eval]'], flag);
  }
});

test('-e: exit codes and uncaught errors as with node -e', () => {
  const code = 'function bye() { process.exitCode = 6; } bye();';
  assert.equal(plain(['-e', code]).status, 6);
  const run = traced(['-e', code]);
  assert.equal(run.status, 6, run.stderr);
  assert.ok(run.slices.some((s) => s.name === 'bye'));

  const thrower = 'function boom() { throw new TypeError("snippet failed"); } boom();';
  const expected = plain(['-e', thrower]);
  const failed = traced(['-e', thrower]);
  assert.equal(failed.status, expected.status);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /TypeError: snippet failed/);
  assert.equal(failed.stdout, expected.stdout);
});
