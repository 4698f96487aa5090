// `panopticon -- jest`: the whole Jest run traced by the command, Jest's workers included, in one
// trace. The environments then record into each worker's own recorder (no file per test file),
// so every test still is one slice, named by its full name, in the worker that ran it, with its
// outcome in its args.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runPanopticon, tempDir } from './support/helpers.mjs';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'jest-project');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

test('panopticon -- jest: one trace across the workers, each test once', () => {
  const dir = tempDir('panopticon-jest-cli-');
  try {
    const output = join(dir, 'all.json');
    const traces = join(dir, 'per-file');
    const run = runPanopticon(
      ['-o', output, '--', process.execPath, JEST, '--ci', '--maxWorkers', '2', '--cacheDirectory', join(dir, 'cache'),
        '--testEnvironmentOptions', JSON.stringify({ panopticon: { outputDir: traces } }), '__tests__/(sync|each|failing)'],
      { cwd: FIXTURE, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /Tests:\s+2 failed, 1 skipped, 1 todo, 13 passed/);
    assert.ok(!existsSync(traces), `no trace per file: ${existsSync(traces) ? readdirSync(traces) : ''}`);
    const trace = readTrace(output);
    assert.ok(trace.ok, trace.report);
    const expected = [
      'math > squares a number', 'math > sums > of squares', 'top-level test',
      'with 1 > squares to 1', 'with 1 > doubles', 'with 2 > squares to 4', 'with 2 > doubles', 'with 3 > squares to 9', 'with 3 > doubles',
      'adds 1 and 2', 'adds 4 and 5',
      'passes before the failure', 'fails on purpose', 'rejects on purpose', 'passes after the failure',
    ];
    const threads = Array.isArray(trace.model.threads) ? trace.model.threads : Object.values(trace.model.threads);
    const seen = threads.flatMap((t) => t.slices.filter((s) => s.depth === 0 && expected.includes(s.name)).map((s) => s.name));
    assert.deepEqual(seen.sort(), [...expected].sort());
    const sums = threads.flatMap((t) => t.slices.filter((s) => s.name === 'sumOfSquares').map((s) => t.slices[s.parent].name));
    assert.deepEqual(sums, ['(anonymous 19:24)'], 'the code a test runs nests in it');
    assert.ok(Object.keys(trace.model.processes).length >= 2, 'the workers are processes of the trace');
    // each test's outcome is in its slice's args, as in the per-file traces (values as strings)
    const test = (name) => threads.flatMap((t) => t.slices).find((s) => s.depth === 0 && s.name === name);
    assert.equal(test('top-level test').args.status, 'passed');
    const failure = test('fails on purpose').args;
    assert.equal(failure.status, 'failed');
    assert.equal(failure.failed, 'true');
    assert.match(failure.error, /./);
    assert.equal(test('passes after the failure').args.status, 'passed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
