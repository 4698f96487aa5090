// @panopticon/jest on a real Jest project (test/fixtures/jest-project), run by Jest itself in a
// child process: one traced run of every test file, then its traces read back through the checker
// and compared with Jest's own report of the same run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, slicesOf, tempDir } from './support/helpers.mjs';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'jest-project');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const FILES = ['async', 'concurrent', 'dom', 'each', 'failing', 'reset', 'sync', 'timers'].map((n) => `__tests__/${n}.test.js`).concat('__tests__/typed.test.ts');

function runJest(args) {
  return spawnSync(process.execPath, [JEST, '--ci', ...args], { cwd: FIXTURE, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
}

let dir;
let run;
let report;
const traces = new Map();

before(() => {
  dir = tempDir('panopticon-jest-');
  const options = JSON.stringify({ panopticon: { outputDir: join(dir, 'traces') } });
  run = runJest(['--runInBand', '--cacheDirectory', join(dir, 'cache'), '--testEnvironmentOptions', options, '--json', '--outputFile', join(dir, 'report.json')]);
  report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  for (const file of FILES) {
    const path = join(dir, 'traces', `${file}.json`);
    traces.set(file, existsSync(path) ? { path, ...readTrace(path) } : null);
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The trace's slices, each with its parent's name chain (`ancestors`, innermost first). */
function slices(file) {
  const trace = traces.get(file);
  assert.ok(trace, `no trace for ${file}`);
  const all = slicesOf(trace.model);
  return all.map((s) => {
    const ancestors = [];
    for (let p = s.parent; p >= 0; p = all[p].parent) ancestors.push(all[p].name);
    return { ...s, ancestors };
  });
}

const testSlices = (file) => slices(file).filter((s) => typeof s.args.status === 'string' && !/^(before|after)(Each|All)\b/.test(s.name));

test('the run fails because of the failing test file only, and every file is traced', () => {
  assert.equal(run.status, 1, run.stderr);
  assert.equal(report.numFailedTests, 2);
  assert.equal(report.numFailedTestSuites, 1);
  assert.equal(report.numPassedTests, 25);
  const failedFiles = report.testResults.filter((r) => r.status === 'failed').map((r) => r.name);
  assert.deepEqual(failedFiles, [join(FIXTURE, '__tests__/failing.test.js')]);
  assert.match(run.stderr, /fails on purpose/);
  for (const [file, trace] of traces) {
    assert.ok(trace, `no trace for ${file}`);
    assert.ok(trace.ok, `${file}: ${trace.report}`);
    assert.equal(trace.model.errors.length, 0, file);
  }
});

test('each test that ran is one slice named by its full name, with its outcome', () => {
  for (const result of report.testResults) {
    const file = result.name.slice(FIXTURE.length + 1);
    if (file === '__tests__/concurrent.test.js') continue; // one slice for the batch, below
    const expected = result.assertionResults
      .filter((a) => a.status === 'passed' || a.status === 'failed')
      .map((a) => ({ name: [...a.ancestorTitles, a.title].join(' > '), status: a.status }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const seen = testSlices(file)
      .map((s) => ({ name: s.name, status: s.args.status }))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(seen, expected, file);
    for (const s of testSlices(file)) {
      assert.deepEqual(s.ancestors, [], `${s.name} is at the top of its trace`);
      assert.equal(s.args.file, file, `${s.name} is declared in ${file}`);
      assert.ok(s.args.line > 0, `${s.name} has its line`);
    }
  }
  const names = testSlices('__tests__/sync.test.js').map((s) => s.name);
  assert.ok(!names.includes('skipped test') && !names.includes('a test to write'), 'skipped and todo tests have no slice');
});

test('a failed test is marked in its args with its error', () => {
  const byName = new Map(testSlices('__tests__/failing.test.js').map((s) => [s.name, s.args]));
  assert.equal(byName.get('fails on purpose').failed, true);
  assert.match(byName.get('fails on purpose').error, /Expected: 5\nReceived: 4/);
  assert.equal(byName.get('rejects on purpose').failed, true);
  assert.equal(byName.get('rejects on purpose').error, 'async failure on purpose');
  assert.equal(byName.get('passes before the failure').failed, undefined);
  assert.equal(byName.get('passes after the failure').status, 'passed');
});

test('hooks and the code a test runs nest inside the test; the module and beforeAll are slices of their own', () => {
  const all = slices('__tests__/sync.test.js');
  const named = (name) => all.filter((s) => s.name === name);
  const [module] = named('__tests__/sync.test.js');
  assert.deepEqual(module.ancestors, []);
  assert.ok(all.some((s) => s.ancestors.at(-1) === module.name && s.name === '(anonymous 9:18)'), 'describe callbacks run in the module slice');
  assert.ok(named('src/math.js')[0].ancestors.includes(module.name), 'required modules load inside it');
  const [beforeAll] = named('beforeAll');
  assert.deepEqual(beforeAll.ancestors, []);
  assert.deepEqual(named('openTheBooks')[0].ancestors, ['beforeAll']);
  for (const s of named('countCall')) assert.equal(s.ancestors[0], 'beforeEach');
  const inner = 'math > sums > of squares';
  assert.deepEqual(named('countCall').map((s) => s.ancestors.at(-1)).sort(), ['math > squares a number', inner]);
  assert.deepEqual(named('checkCalls')[0].ancestors, ['afterEach', inner]);
  assert.deepEqual(named('sumOfSquares')[0].ancestors, ['(anonymous 19:24)', inner]);
  assert.equal(named('square').filter((s) => s.ancestors.includes(inner)).length, 3);
});

test('async tests: awaited code, promise callbacks and done callbacks nest inside their test', () => {
  const all = slices('__tests__/async.test.js');
  const under = (test) => all.filter((s) => s.ancestors.at(-1) === test).map((s) => s.name);
  const awaits = under('async > awaits a timer');
  assert.equal(awaits.filter((n) => n === 'slowDouble').length, 2, 'both slices of slowDouble, before and after its await');
  assert.ok(awaits.includes('double'));
  assert.ok(under('async > returns a promise').includes('double'));
  assert.ok(under('async > calls done').includes('(anonymous 15:16)'), 'the timer callback');
});

test('describe.each and test.each: every row is its own test', () => {
  const names = testSlices('__tests__/each.test.js').map((s) => s.name).sort();
  assert.deepEqual(names, [
    'adds 1 and 2', 'adds 4 and 5',
    'with 1 > doubles', 'with 1 > squares to 1', 'with 2 > doubles', 'with 2 > squares to 4', 'with 3 > doubles', 'with 3 > squares to 9',
  ]);
});

test('fake timers freeze the test\'s clock, not the trace\'s', () => {
  const all = slices('__tests__/timers.test.js');
  const frozen = all.filter((s) => s.name === 'double' && s.ancestors.at(-1) === 'fake timers > a frozen clock for the code under test');
  assert.equal(frozen.length, 100);
  assert.ok(frozen.at(-1).ts > frozen[0].ts, 'the calls have their own times');
  const hour = 'fake timers > runs an hour of timers at once';
  const timers = all.filter((s) => s.name === 'later' || (s.name === '(anonymous 4:14)' && s.ancestors.at(-1) === hour));
  assert.equal(timers.length, 10, 'the scheduling and the five fired timers');
  const test = all.find((s) => s.name === hour);
  assert.ok(test.dur < 3_600_000_000, 'an hour of fake time is not an hour in the trace');
});

test('a TypeScript test keeps its names and positions', () => {
  const all = slices('__tests__/typed.test.ts');
  const areas = all.filter((s) => s.name === 'area');
  assert.equal(areas.length, 2);
  assert.equal(areas[0].args.file, 'src/shapes.ts');
  assert.equal(areas[0].args.line, 6);
  const boxes = all.filter((s) => s.ancestors.at(-1) === 'typed > boxes things').map((s) => s.name);
  assert.deepEqual(boxes.filter((n) => n.includes('Box')).sort(), ['Box.add', 'Box.add', 'get Box.size']);
  const computes = testSlices('__tests__/typed.test.ts').find((s) => s.name === 'typed > computes areas');
  assert.deepEqual([computes.args.line, computes.args.col], [4, 3]);
});

test('jest.resetModules and isolateModules: each new module instance is traced', () => {
  const all = slices('__tests__/reset.test.js');
  const loads = all.filter((s) => s.name === 'src/counter.js');
  assert.equal(loads.length, 3);
  assert.deepEqual(loads.map((s) => s.ancestors.at(-1)).sort(), ['jest.resetModules > a fresh module instance each time', 'jest.resetModules > a fresh module instance each time', 'jest.resetModules > isolateModules']);
  assert.equal(all.filter((s) => s.name === 'increment').length, 4);
});

test('concurrent tests share one slice, whose args list them', () => {
  const all = slices('__tests__/concurrent.test.js');
  const [batch] = testSlices('__tests__/concurrent.test.js');
  assert.equal(batch.name, 'parallel (concurrent tests)');
  assert.deepEqual(batch.args.tests, ['parallel > first', 'parallel > second']);
  assert.deepEqual(batch.args.failed, []);
  assert.equal(all.filter((s) => s.name === 'slowDouble' && s.ancestors.at(-1) === batch.name).length, 4);
});

test('the jsdom environment records its test file too', () => {
  const all = slices('__tests__/dom.test.js');
  assert.deepEqual(all.find((s) => s.name === 'render').ancestors.at(-1), 'renders a list in jsdom');
});

test('without an outputDir the trace goes to .panopticon/jest under the root dir', () => {
  const out = join(FIXTURE, '.panopticon');
  rmSync(out, { recursive: true, force: true });
  try {
    const plain = runJest(['--runInBand', '--cacheDirectory', join(dir, 'cache'), '__tests__/sync']);
    assert.equal(plain.status, 0, plain.stderr);
    const trace = readTrace(join(out, 'jest', '__tests__', 'sync.test.js.json'));
    assert.ok(trace.ok, trace.report);
    assert.ok(slicesOf(trace.model).some((s) => s.name === 'math > sums > of squares'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
