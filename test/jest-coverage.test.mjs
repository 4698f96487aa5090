// `--coverage` alongside @panopticon/jest: the fixture project run plain (babel-jest, node
// environment) and traced, with coverage and with Jest's workers, sharing one transform cache.
// Coverage is the same, counter for counter; the traced run still writes its traces, instrumented
// although the plain run filled the cache first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'jest-project');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const COVER = ['--collectCoverageFrom', 'src/**/*.[jt]s'];

let dir;
const runs = {};

function runJest(name, args) {
  const out = join(dir, name);
  const child = spawnSync(
    process.execPath,
    [JEST, '--ci', '--maxWorkers', '2', '--cacheDirectory', join(dir, 'cache'), '--coverage', '--coverageDirectory', join(out, 'coverage'), ...COVER, '--json', '--outputFile', join(out, 'report.json'), ...args],
    { cwd: FIXTURE, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } },
  );
  return {
    status: child.status,
    stderr: child.stderr,
    report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')),
    coverage: JSON.parse(readFileSync(join(out, 'coverage', 'coverage-final.json'), 'utf8')),
  };
}

before(() => {
  dir = tempDir('panopticon-jest-coverage-');
  runs.plain = runJest('plain', ['--config', 'jest.plain.config.js']);
  runs.traced = runJest('traced', ['--testEnvironmentOptions', JSON.stringify({ panopticon: { outputDir: join(dir, 'traces') } })]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const outcomes = (report) => report.testResults.flatMap((r) => r.assertionResults.map((a) => `${r.name.slice(FIXTURE.length)} ${a.fullName}: ${a.status}`)).sort();

test('the same tests pass and fail with and without tracing', () => {
  assert.equal(runs.plain.status, 1);
  assert.equal(runs.traced.status, 1);
  assert.deepEqual(outcomes(runs.traced.report), outcomes(runs.plain.report));
  assert.equal(runs.traced.report.numFailedTests, 2);
});

test('coverage is the same: statements, functions, branches and every count', () => {
  const files = Object.keys(runs.plain.coverage).sort();
  assert.deepEqual(Object.keys(runs.traced.coverage).sort(), files);
  assert.deepEqual(files.map((f) => f.slice(FIXTURE.length + 1)), ['src/counter.js', 'src/math.js', 'src/shapes.ts']);
  for (const file of files) {
    const plain = runs.plain.coverage[file];
    const traced = runs.traced.coverage[file];
    for (const key of ['statementMap', 'fnMap', 'branchMap', 's', 'f', 'b']) assert.deepEqual(traced[key], plain[key], `${file}: ${key}`);
  }
});

test('with coverage and workers every test file still gets a checked trace', () => {
  const traces = readdirSync(join(dir, 'traces', '__tests__')).sort();
  assert.deepEqual(traces, runs.traced.report.testResults.map((r) => `${r.name.slice(FIXTURE.length + '/__tests__/'.length)}.json`).sort());
  for (const name of traces) {
    const trace = readTrace(join(dir, 'traces', '__tests__', name));
    assert.ok(trace.ok, `${name}: ${trace.report}`);
    const names = slicesOf(trace.model).map((s) => s.name);
    assert.ok(names.includes(`__tests__/${name.replace(/\.json$/, '')}`), `${name}: the module slice`);
  }
  const sync = slicesOf(readTrace(join(dir, 'traces', '__tests__', 'sync.test.js.json')).model);
  assert.ok(sync.some((s) => s.name === 'sumOfSquares'), 'instrumented, not served from the plain run\'s cache');
});
