// Everything a program loads outside node_modules is instrumented, whichever way it is loaded:
// ESM importing ESM, CJS requiring CJS, require() of an ES module, import() from CommonJS, and
// TypeScript (with `./x.js` finding `./x.ts`, and stack traces on the original lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, nestedIn, plain, sliceNamed, traced } from './support/cli.mjs';

test('CommonJS entry: require of CJS and of ESM, import() of ESM importing ESM, all traced', () => {
  const expected = plain(['modules/main.cjs']);
  const run = traced(['modules/main.cjs']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, expected.stdout);
  assert.equal(run.stdout, 'sync 320\ndynamic 4001\n');
  const { slices } = run;

  const functions = [
    ['cjsMain', 'modules/main.cjs', 6],
    ['cjsDep', 'modules/cjs-dep.cjs', 2],
    ['requiredEsm', 'modules/required-esm.mjs', 2],
    ['dynamicEsm', 'modules/dynamic-esm.mjs', 4],
    ['esmDep', 'modules/esm-dep.mjs', 2],
  ];
  for (const [name, file, line] of functions) {
    const slice = sliceNamed(slices, name);
    assert.equal(slice.args.file, file, name);
    assert.equal(slice.args.line, line, name);
  }
  // Module slices are named by the path relative to cwd.
  const modules = Object.fromEntries(
    ['modules/main.cjs', 'modules/cjs-dep.cjs', 'modules/required-esm.mjs', 'modules/dynamic-esm.mjs', 'modules/esm-dep.mjs'].map((f) => [f, sliceNamed(slices, f, f)]),
  );
  // Required modules run inside the requiring module's body, require(esm) included.
  assert.ok(nestedIn(modules['modules/cjs-dep.cjs'], modules['modules/main.cjs']), 'cjs-dep inside main');
  assert.ok(nestedIn(modules['modules/required-esm.mjs'], modules['modules/main.cjs']), 'required-esm inside main');
  assert.ok(nestedIn(sliceNamed(slices, 'cjsDep'), sliceNamed(slices, 'cjsMain')), 'cjsDep called from cjsMain');
  // The dynamic import runs after main's body: its modules are not inside it.
  assert.ok(!nestedIn(modules['modules/dynamic-esm.mjs'], modules['modules/main.cjs']));
  assert.ok(nestedIn(sliceNamed(slices, 'esmDep'), sliceNamed(slices, 'dynamicEsm')), 'esmDep called from dynamicEsm');
});

test('TypeScript importing ./other.js that exists only as other.ts', () => {
  const run = traced(['ts/main.ts']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'ts 11\n');
  const { slices } = run;
  assert.equal(sliceNamed(slices, 'tsMain').args.file, 'ts/main.ts');
  assert.equal(sliceNamed(slices, 'tsMain').args.line, 4);
  assert.equal(sliceNamed(slices, 'double').args.file, 'ts/other.ts');
  assert.equal(sliceNamed(slices, 'double').args.line, 7, 'the line of the TypeScript source');
  sliceNamed(slices, 'ts/main.ts', 'ts/main.ts');
  sliceNamed(slices, 'ts/other.ts', 'ts/other.ts');
  assert.ok(nestedIn(sliceNamed(slices, 'double'), sliceNamed(slices, 'tsMain')));
});

test('TypeScript .cts requiring .cts: the required module nested in the requiring one', () => {
  const run = traced(['ts/common.cts']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).helper, 42);
  const { slices } = run;
  const outer = sliceNamed(slices, 'ts/common.cts', 'ts/common.cts');
  const inner = sliceNamed(slices, 'ts/helper.cts', 'ts/helper.cts');
  assert.ok(nestedIn(inner, outer));
  assert.equal(sliceNamed(slices, 'ctsHelper').args.line, 2);
});

test('stack traces point at the original TypeScript lines (CommonJS and ES module)', () => {
  const cjs = traced(['ts/throws.ts']);
  assert.equal(cjs.status, 0, cjs.stderr);
  const cjsFile = join(FIXTURES, 'ts', 'throws.ts');
  assert.match(cjs.stdout, /^Error: typed failure\n/);
  assert.ok(cjs.stdout.includes(`at failHere (${cjsFile}:7:9)`), cjs.stdout);
  assert.ok(cjs.stdout.includes(`${cjsFile}:11:3`), cjs.stdout);
  assert.equal(sliceNamed(cjs.slices, 'failHere').args.line, 6);

  const esm = traced(['ts/throws-esm.mts']);
  assert.equal(esm.status, 0, esm.stderr);
  const esmFile = join(FIXTURES, 'ts', 'throws-esm.mts');
  assert.match(esm.stdout, /^Error: module failure\n/);
  assert.ok(esm.stdout.includes(`at failInModule (${esmFile}:5:9)`), esm.stdout);
  assert.ok(esm.stdout.includes(`${esmFile}:9:3`), esm.stdout);
  assert.equal(sliceNamed(esm.slices, 'failInModule').args.line, 4);
});
