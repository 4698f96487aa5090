// panopticon-instrument without a tsconfig: trees mirrored under OUTDIR, non-source files copied,
// unchanged files skipped on the next run, a syntax error reported as node reports one while the
// other files are still written, and usage errors ending with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNode, tempDir } from '../../../test/support/helpers.mjs';
import { cleanEnv, copyFixture, listFiles, runInstrument } from './fixtures/instrument/support.mjs';

const summary = (counts) => new RegExp(`^panopticon-instrument: ${counts} -> out\\n$`);

test('a tree is mirrored, runs with node like its source, and a second run rebuilds only what changed', () => {
  const dir = copyFixture('tree');
  const first = runInstrument(['.', '-d', 'out'], dir);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, summary('4 instrumented, 2 copied, 0 unchanged'));
  assert.deepEqual(listFiles(join(dir, 'out')), [
    '.panopticon-instrument.json', 'main.js', 'main.js.map', 'notes.txt', 'package.json',
    'sub/helper.cjs', 'sub/helper.cjs.map', 'thrower.js', 'thrower.js.map', 'util.js', 'util.js.map',
  ]);
  const ran = runNode(['out/main.js'], { cwd: dir, env: cleanEnv() });
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout, 'notes from a text file 42 9\n');

  // The source map is followed: the stack names the TypeScript line that threw.
  const thrown = runNode(['--enable-source-maps', 'out/thrower.js'], { cwd: dir, env: cleanEnv() });
  assert.notEqual(thrown.status, 0);
  assert.match(thrown.stderr, /Error: boom: mapped\n\s+at boom \(\S*thrower\.ts:3:9\)/);

  const second = runInstrument(['.', '-d', 'out'], dir);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, summary('0 instrumented, 0 copied, 6 unchanged'));

  // An edited source and an edited data file are rebuilt; a removed one's output goes too.
  writeFileSync(join(dir, 'util.ts'), 'export function double(n: number): number {\n  return n + n + 0;\n}\n');
  writeFileSync(join(dir, 'notes.txt'), 'edited notes\n');
  rmSync(join(dir, 'thrower.ts'));
  const third = runInstrument(['.', '-d', 'out'], dir);
  assert.equal(third.status, 0, third.stderr);
  assert.match(third.stderr, summary('1 instrumented, 1 copied, 3 unchanged, 1 removed'));
  assert.equal(existsSync(join(dir, 'out', 'thrower.js')), false);
  assert.equal(existsSync(join(dir, 'out', 'thrower.js.map')), false);
  assert.match(readFileSync(join(dir, 'out', 'util.js'), 'utf8'), /return n \+ n \+ 0;/);
  assert.equal(runNode(['out/main.js'], { cwd: dir, env: cleanEnv() }).stdout, 'edited notes 42 9\n');

  // A deleted output is written again, and --force rebuilds everything.
  rmSync(join(dir, 'out', 'main.js'));
  assert.match(runInstrument(['.', '-d', 'out'], dir).stderr, summary('1 instrumented, 0 copied, 4 unchanged'));
  assert.match(runInstrument(['.', '-d', 'out', '--force'], dir).stderr, summary('3 instrumented, 2 copied, 0 unchanged'));
});

test('single files go to OUTDIR by name; a syntax error names file:line:col, skips that file, and the run ends 1', () => {
  const dir = copyFixture('broken');
  const result = runInstrument(['bad.ts', 'good.js', 'data.txt', 'view.tsx', '-d', 'out'], dir);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^bad\.ts:4:24\nconst x: number = \(1 \+ ;\n {23}\^\n\nSyntaxError: Unexpected token\n/m);
  assert.match(result.stderr, /panopticon-instrument: 2 instrumented, 1 copied, 0 unchanged, 1 failed -> out\n$/);
  assert.deepEqual(listFiles(join(dir, 'out')), ['.panopticon-instrument.json', 'data.txt', 'good.js', 'good.js.map', 'view.js', 'view.js.map']);
  assert.match(readFileSync(join(dir, 'out', 'view.js'), 'utf8'), /from "react\/jsx-runtime"/);
  assert.equal(runNode(['out/good.js'], { cwd: dir, env: cleanEnv() }).stdout, 'fine\n');
  // The failed file is tried again next time, and still fails.
  const again = runInstrument(['bad.ts', 'good.js', 'data.txt', 'view.tsx', '-d', 'out'], dir);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /0 instrumented, 0 copied, 3 unchanged, 1 failed/);
});

test('usage errors: clear messages and exit code 2', () => {
  const dir = copyFixture('broken');
  const cases = [
    [[], /no sources given/],
    [['good.js'], /no output directory given \(-d OUTDIR\)/],
    [['missing.js', '-d', 'out'], /missing\.js: no such file or directory/],
    [['good.js', '-d', 'out', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--tsconfig', 'nope.json', '-d', 'out'], /nope\.json: no such file/],
    [['.', '-d', '.'], /the output directory cannot be the source directory/],
  ];
  for (const [args, message] of cases) {
    const result = runInstrument(args, dir);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /panopticon-instrument --help for usage/);
  }
  assert.equal(existsSync(join(dir, 'out')), false, 'nothing written');
  const help = runInstrument(['--help'], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: panopticon-instrument SRC\.\.\. -d OUTDIR/);
});

test('a large tree off a terminal: no progress bar, one summary line', () => {
  const dir = tempDir('panopticon-instrument-large-');
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < 60; i++) writeFileSync(join(dir, 'src', `m${i}.js`), `exports.f${i} = function f${i}() { return ${i}; };\n`);
  const result = runInstrument(['src', '-d', 'out'], dir);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, 'panopticon-instrument: 60 instrumented, 0 copied, 0 unchanged -> out\n');
  assert.equal(runInstrument(['src', '-d', 'out', '-q'], dir).stderr, '');
});
