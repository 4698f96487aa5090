// The programs in examples/, each traced by the CLI: the trace passes the checker and shows the
// slices a reader expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

function traceExample(file) {
  const out = join(tempDir(), 'trace.json');
  const plain = runNode([join(ROOT, 'examples', file)], { cwd: ROOT });
  const traced = runPanopticon(['-o', out, join('examples', file)], { cwd: ROOT });
  assert.equal(traced.status, plain.status, traced.stderr);
  assert.equal(traced.stdout, plain.stdout);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  return slicesOf(trace.model);
}

test('hello: the module and greet() are slices, greet nested in the module', () => {
  const slices = traceExample('hello.js');
  const module = slices.find((s) => s.name === 'examples/hello.js');
  const greet = slices.find((s) => s.name === 'greet');
  assert.ok(module && greet);
  assert.equal(greet.depth, module.depth + 1);
  assert.deepEqual(greet.args, { file: 'examples/hello.js', line: 2, col: 1 });
});
