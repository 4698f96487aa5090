// Mistakes are reported before the program runs (a marker file and a printed line prove it did
// not), --help and --version answer without running anything, and syntax errors in the
// program's files read as node's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runPanopticon, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES, plain, traced, withoutFinalLine } from './support/cli.mjs';

const MARKER_SCRIPT = join(FIXTURES, 'basics', 'marker.js');

/** Runs panopticon with ARGS where MARKER is replaced by a fresh marker path; asserts nothing ran. */
function refused(args, pattern) {
  const dir = tempDir();
  const marker = join(dir, 'ran.txt');
  const run = runPanopticon(args.map((a) => (a === 'MARKER' ? marker : a)), { cwd: dir });
  assert.notEqual(run.status, 0, `${args.join(' ')} should fail`);
  assert.match(run.stderr, pattern, args.join(' '));
  assert.ok(!existsSync(marker), 'the program did not run');
  assert.doesNotMatch(run.stdout, /PROGRAM RAN/);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'a message, not a stack trace');
  return run;
}

test('the marker program does run when nothing is wrong', () => {
  const dir = tempDir();
  const marker = join(dir, 'ran.txt');
  const run = runPanopticon(['-o', join(dir, 't.json'), MARKER_SCRIPT, marker], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(marker, 'utf8'), 'ran');
  assert.equal(run.stdout, 'PROGRAM RAN\n');
});

test('bad flags, a missing script or no script: a clear message and a non-zero exit', () => {
  refused(['--bogus', MARKER_SCRIPT, 'MARKER'], /panopticon: Unknown option '--bogus'/);
  refused(['-o'], /argument missing/);
  refused(['-e', 'require("fs").writeFileSync(process.argv[1], "x")', '-c', 'x', 'MARKER'], /once, with -e or -c/);
  refused(['-o', 'out.json', 'no-such-script.js', 'MARKER'], /cannot find the script no-such-script\.js/);
  refused(['-o', 'out.json'], /no script given/);
  refused(['-o', 'out.json', FIXTURES, 'MARKER'], /cannot find the script/);
});

test('an output path that cannot be written: missing directory, or a directory', () => {
  const dir = tempDir();
  refused(['-o', join(dir, 'missing', 'trace.json'), MARKER_SCRIPT, 'MARKER'], /cannot write the trace to .*missing.*ENOENT/);
  mkdirSync(join(dir, 'a-dir'));
  refused(['-o', join(dir, 'a-dir'), MARKER_SCRIPT, 'MARKER'], /cannot write the trace to .*a-dir.*EISDIR/);
  refused(['-o', join(dir, 'a-dir'), '-e', 'console.log("PROGRAM RAN")'], /cannot write the trace/);
});

test('options after the script belong to the program', () => {
  const run = traced(['basics/argv.js', '--bogus', '-o', '--help']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).rest, ['--bogus', '-o', '--help']);
});

test('--help and --version answer and run nothing', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')).version;
  for (const flag of ['--version', '-v']) {
    const run = runPanopticon([flag, MARKER_SCRIPT, join(tempDir(), 'ran.txt')]);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${version}\n`);
    assert.equal(run.stderr, '');
  }
  for (const flag of ['--help', '-h']) {
    const dir = tempDir();
    const run = runPanopticon([flag, MARKER_SCRIPT, join(dir, 'ran.txt')], { cwd: dir });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage:\n {2}panopticon \[options\] SCRIPT \[ARGS\.\.\.\]/);
    for (const option of ['-o, --output', '--include-node-modules', '--include GLOB', '--exclude GLOB', '-e CODE', 'perfetto']) {
      assert.ok(run.stdout.includes(option), `help mentions ${option}`);
    }
    assert.ok(!existsSync(join(dir, 'ran.txt')));
    assert.ok(!existsSync(join(dir, 'panopticon-trace.json')), 'no trace written');
  }
});

/** Node's report minus its "Node.js vXX" footer, and minus stack frames of the tracer's CommonJS hook. */
function syntaxReport(stderr) {
  return withoutFinalLine(stderr)
    .replace(/\nNode\.js v[\d.]+\n?$/, '\n')
    .split('\n')
    .filter((line) => !/^\s+at .*packages\/cli\/dist\//.test(line))
    .join('\n');
}

/** [everything up to the first stack frame, the frames]. */
function splitReport(report) {
  const lines = report.trimEnd().split('\n');
  const first = lines.findIndex((line) => /^\s+at /.test(line));
  return first < 0 ? [report, []] : [lines.slice(0, first).join('\n'), lines.slice(first)];
}

test('a syntax error in a JavaScript file reads as node\'s own', () => {
  for (const file of ['syntax/bad.js', 'syntax/bad-esm.mjs', 'syntax/imports-bad.cjs']) {
    const expected = plain([file]);
    const run = traced([file]);
    assert.equal(run.status, 1, file);
    assert.equal(run.status, expected.status);
    assert.equal(run.stdout, expected.stdout, 'nothing of the program ran before');
    // imports-bad.cjs prints before its require() of the broken file, plain as well.
    if (!file.includes('imports')) assert.doesNotMatch(run.stdout, /PROGRAM RAN/);
    assert.match(run.stderr, /bad(-esm)?\.m?js:[34]\n.*\n *\^\n/, `file:line and the caret: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /@babel|babel/i);
    // The same header, message and frames; the hook's frames take some of node's 10, so the
    // traced stack may end earlier.
    const [tracedHead, tracedFrames] = splitReport(syntaxReport(run.stderr));
    const [plainHead, plainFrames] = splitReport(syntaxReport(expected.stderr));
    assert.equal(tracedHead, plainHead, file);
    assert.ok(tracedFrames.length >= plainFrames.length - 2, `${file}: ${tracedFrames.length} frames`);
    assert.deepEqual(tracedFrames, plainFrames.slice(0, tracedFrames.length), file);
  }
});

test('a syntax error in a TypeScript file names file:line:col and the line, with no Babel internals', () => {
  for (const file of ['syntax/bad.ts', 'syntax/bad-module.mts', 'syntax/imports-bad.mts']) {
    const run = traced([file]);
    assert.equal(run.status, 1, file);
    assert.equal(run.stdout, '', 'nothing of the program ran');
    const where = join(FIXTURES, 'syntax', file.includes('.mts') ? 'bad-module.mts' : 'bad.ts');
    assert.ok(run.stderr.includes(`${where}:4:13\n  return x +* 2;\n            ^\n`), run.stderr);
    assert.match(run.stderr, /SyntaxError: Unexpected token/);
    assert.doesNotMatch(run.stderr, /@babel|node_modules/, 'no Babel internals');
  }
});
