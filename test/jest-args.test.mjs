// `--args` in a traced Jest run: the transformer's `panopticon: { args: true }` option records the
// values of the code under test, shown in its slices' args, and the tests pass as without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'jest-project');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

test('a Jest run with the transformer option args: true shows argument and return values', () => {
  const dir = tempDir('panopticon-jest-args-');
  const config = {
    rootDir: FIXTURE,
    testEnvironment: '@panopticon/jest/environment',
    transform: { '^.+\\.[jt]sx?$': ['@panopticon/jest', { panopticon: { args: true } }] },
    testMatch: ['<rootDir>/__tests__/sync.test.js'],
  };
  const options = JSON.stringify({ panopticon: { outputDir: join(dir, 'traces') } });
  const run = spawnSync(process.execPath, [JEST, '--ci', '--config', JSON.stringify(config), '--cacheDirectory', join(dir, 'cache'), '--testEnvironmentOptions', options], {
    cwd: FIXTURE,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  assert.equal(run.status, 0, run.stderr);
  const trace = readTrace(join(dir, 'traces', '__tests__', 'sync.test.js.json'));
  assert.ok(trace.ok, trace.report);
  const squares = slicesOf(trace.model).filter((s) => s.name === 'square');
  // square(3), square(-2), and sumOfSquares([1, 2, 3]) squaring each item
  const values = squares.map((s) => [s.args['args.n'], s.args.return]).sort();
  assert.deepEqual(values, [['-2', '4'], ['1', '1'], ['2', '4'], ['3', '9'], ['3', '9']]);
  const sum = slicesOf(trace.model).find((s) => s.name === 'sumOfSquares');
  assert.deepEqual([sum.args['args.values'], sum.args.return], ['[1, 2, 3]', '14']);
});
