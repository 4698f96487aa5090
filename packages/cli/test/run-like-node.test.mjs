// `panopticon SCRIPT ARGS` runs a program as `node SCRIPT ARGS` would: the same argv, stdin,
// stdout, stderr (plus one closing line), exit code and first-tick order; the trace lands at -o
// or at the default path in cwd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, runPanopticon, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES, FINAL_LINE, checkedSlices, comparableReport, plain, traced, withoutFinalLine } from './support/cli.mjs';

const ARGS = ['first', '--flag', '-o', 'value with space'];

test('argv: argv[1] is the absolute script path and the arguments follow, for every extension', () => {
  for (const file of ['basics/argv.js', 'basics/argv.mjs', 'basics/argv.cjs']) {
    const expected = plain([file, ...ARGS]);
    const run = traced([file, ...ARGS]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, expected.stdout, file);
    assert.deepEqual(JSON.parse(run.stdout), { argv1: join(FIXTURES, file), rest: ARGS });
    assert.ok(run.slices.some((s) => s.name === 'show' && s.args.file === file), file);
  }
  // Node 20 cannot run TypeScript itself: the expectation is written out.
  const ts = { 'ts/argv.ts': 'show', 'ts/module.mts': 'mtsArgs', 'ts/common.cts': 'ctsArgs', 'ts/view.tsx': 'tsxArgs' };
  for (const [file, fn] of Object.entries(ts)) {
    const run = traced([file, ...ARGS]);
    assert.equal(run.status, 0, run.stderr);
    const seen = JSON.parse(run.stdout);
    assert.equal(seen.argv1, join(FIXTURES, file), file);
    assert.deepEqual(seen.rest, ARGS, file);
    assert.ok(run.slices.some((s) => s.name === fn && s.args.file === file), `${fn} in ${file}`);
  }
});

test('stdin is piped through, stdout and stderr are the program\'s plus one closing line', () => {
  const input = 'hello\nworld\n';
  const expected = plain(['basics/upper-stdin.js'], { input });
  const run = traced(['basics/upper-stdin.js'], { input });
  assert.equal(expected.stdout, 'HELLO\nWORLD\n');
  assert.equal(run.stdout, expected.stdout);
  assert.equal(run.status, 0);
  assert.ok(run.final, `closing line last on stderr: ${run.stderr}`);
  assert.equal(run.stderr, `${expected.stderr}${run.final[0]}\n`);
  assert.equal(run.final[2], run.out);
  assert.ok(Number(run.final[1]) > 2, 'counts the events');
  assert.ok(run.slices.some((s) => s.name === 'upper'));
});

test('exit codes propagate: process.exitCode, process.exit(n)', () => {
  const runs = {};
  for (const [file, code] of [['basics/exit-code.js', 3], ['basics/exit-call.js', 4], ['ts/exit-code.ts', 3]]) {
    const run = (runs[file] = traced([file]));
    assert.equal(run.status, code, `${file}: ${run.stderr}`);
    if (!file.endsWith('.ts')) {
      const expected = plain([file]);
      assert.equal(expected.status, code);
      assert.equal(run.stdout, expected.stdout);
      assert.equal(withoutFinalLine(run.stderr), expected.stderr);
    }
    assert.ok(run.final, `a trace was written for ${file}`);
  }
  assert.ok(runs['basics/exit-call.js'].slices.some((s) => s.name === 'quit' && s.args.unfinished), 'quit() was on the stack at exit');
});

test('an uncaught throw exits 1 with node\'s own error report on stderr', () => {
  const expected = plain(['basics/throws.js']);
  const run = traced(['basics/throws.js']);
  assert.equal(expected.status, 1);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, expected.stdout);
  assert.match(expected.stderr, /throws\.js:3\n {2}throw new Error\('boom from explode'\);\n {2}\^/);
  assert.equal(comparableReport(run.stderr), expected.stderr);
  assert.match(run.stderr, /^panopticon: wrote \d+ events to /m, 'the trace was written');
  const slices = checkedSlices(run.out);
  assert.ok(slices.some((s) => s.name === 'explode'), 'explode() is a slice');
  assert.ok(slices.some((s) => s.name === 'basics/throws.js' && s.args.unfinished), 'the module body never finished');
});

test('first-tick order of a CommonJS entry: nextTick before the promise job, as plain', () => {
  const expected = plain(['basics/tick-order.cjs']);
  const run = traced(['basics/tick-order.cjs']);
  assert.equal(expected.stdout, 'A\nB\n');
  assert.equal(run.stdout, expected.stdout);
  assert.equal(run.status, 0);
  assert.ok(run.slices.length >= 3, 'the module and both callbacks are slices');
});

test('without -o the trace goes to DEFAULT_OUTPUT in the working directory', () => {
  const { DEFAULT_OUTPUT } = createRequire(import.meta.url)(join(ROOT, 'packages', 'cli', 'dist', 'main.js'));
  assert.equal(typeof DEFAULT_OUTPUT, 'string');
  const cwd = tempDir();
  const run = runPanopticon([join(FIXTURES, 'basics', 'argv.js')], { cwd });
  assert.equal(run.status, 0, run.stderr);
  const path = join(cwd, DEFAULT_OUTPUT);
  assert.ok(existsSync(path), `${path} exists`);
  assert.match(run.stderr.trimEnd().split('\n').at(-1), FINAL_LINE);
  assert.ok(run.stderr.includes(path), 'the closing line names the file');
  assert.ok(checkedSlices(path).some((s) => s.name === 'show'));
  assert.ok(readFileSync(path, 'utf8').startsWith('[{'));
});

test('Error.stackTraceLimit and Error.prepareStackTrace are node\'s, though Babel ran in the process', () => {
  const expected = plain(['basics/error-globals.js']);
  assert.equal(JSON.parse(expected.stdout).limit, 10);
  for (const file of ['basics/error-globals.js', 'ts/error-globals.ts']) {
    const run = traced([file]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, expected.stdout, file);
    assert.ok(run.slices.some((s) => s.name === 'errorGlobals'));
  }
});
