// @panopticon/jest on native ES module test files (Jest's ESM mode, node --experimental-vm-modules):
// the transformer keeps import/export (babel-jest is told the file is ESM), the environment
// records, and the trace shows the test with the imported module's code nested in it; a test
// retried by jest.retryTimes is a slice per attempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

let project;
function runProject() {
  if (project) return project;
  const dir = join(tempDir('panopticon-jest-esm-'), 'project');
  mkdirSync(join(dir, '__tests__'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'esm-project', private: true, type: 'module' }));
  writeFileSync(join(dir, 'babel.config.json'), '{}\n');
  writeFileSync(join(dir, 'jest.config.js'), `export default {
  testEnvironment: '@panopticon/jest/environment',
  transform: { '^.+\\\\.[jt]sx?$': '@panopticon/jest' },
  testEnvironmentOptions: { panopticon: { outputDir: 'traces' } },
};
`);
  writeFileSync(join(dir, 'math.js'), 'export function square(n) {\n  return n * n;\n}\n');
  writeFileSync(join(dir, '__tests__', 'math.test.js'), "import { square } from '../math.js';\n\ntest('squares', async () => {\n  await null;\n  expect(square(3)).toBe(9);\n});\n");
  writeFileSync(join(dir, '__tests__', 'retry.test.js'), "import { jest } from '@jest/globals';\n\njest.retryTimes(2);\nlet attempts = 0;\ntest('flaky', () => {\n  attempts++;\n  expect(attempts).toBe(2);\n});\n");
  const run = spawnSync(process.execPath, ['--experimental-vm-modules', JEST, '--ci'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  project = { dir, run };
  return project;
}

test('an ES module test file ("type": "module") is traced: the test, the imported module, its function', () => {
  const { dir, run } = runProject();
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /PASS __tests__\/math\.test\.js/);
  const trace = readTrace(join(dir, 'traces', '__tests__', 'math.test.js.json'));
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  const byName = (name) => slices.find((s) => s.name === name);
  const testSlice = byName('squares');
  const square = byName('square');
  assert.ok(testSlice, slices.map((s) => s.name).join(', '));
  assert.equal(testSlice.args.status, 'passed');
  assert.ok(byName('math.js'), 'the imported module\'s evaluation');
  assert.ok(square.ts >= testSlice.ts && square.ts + square.dur <= testSlice.ts + testSlice.dur, 'square() inside the test, after its await');
  assert.deepEqual({ file: square.args.file, line: square.args.line }, { file: 'math.js', line: 1 });
});

test('a test retried by jest.retryTimes is a slice per attempt: the failed one with its error, then the passing one', () => {
  const { dir, run } = runProject();
  assert.equal(run.status, 0, run.stderr);
  const trace = readTrace(join(dir, 'traces', '__tests__', 'retry.test.js.json'));
  assert.ok(trace.ok, trace.report);
  const attempts = slicesOf(trace.model).filter((s) => s.name === 'flaky');
  assert.deepEqual(attempts.map((s) => [s.args.status, s.args.attempt ?? 1]), [['failed', 1], ['passed', 2]]);
  assert.match(attempts[0].args.error, /Expected: 2\n\s*Received: 1/);
  assert.ok(attempts[0].ts + attempts[0].dur <= attempts[1].ts, 'one after the other');
});
