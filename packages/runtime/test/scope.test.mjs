// Scoped tracing from code: trace(fn) and startTrace() in a program instrumented by the real
// Babel plugin (runtime: 'global') and run with plain node. Only what runs inside a scope is in
// its trace, async continuations included, and every trace passes check-trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readTrace, runNode, runPanopticon, slicesOf, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/spawn.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const babel = require('@babel/core');
const ts = require('typescript');
const plugin = require(join(ROOT, 'packages', 'babel-plugin', 'dist', 'index.js')).default;
const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');

/** The fixture, `using` compiled away by TypeScript, then instrumented; run once for every test. */
function runFixture() {
  const dir = tempDir('panopticon-scope-');
  const source = readFileSync(join(FIXTURES, 'scope.js'), 'utf8');
  const compiled = ts.transpileModule(source, { fileName: 'scope.ts', compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const { code } = babel.transformSync(compiled, { filename: join(dir, 'scope.js'), cwd: dir, babelrc: false, configFile: false, sourceType: 'script', plugins: [[plugin, { cwd: dir, runtime: 'global' }]] });
  assert.match(code, /__panopticon_rt_/);
  writeFileSync(join(dir, 'scope.js'), code);
  const run = runNode([join(dir, 'scope.js'), dir], { cwd: dir, env: { ...process.env, PANOPTICON_RUNTIME: RUNTIME } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  return { dir, seen: JSON.parse(run.stdout.trim().split('\n').pop()) };
}

const { dir, seen } = runFixture();

function slices(name) {
  const trace = readTrace(join(dir, name));
  assert.ok(trace.ok, `${name}: ${trace.report}`);
  return slicesOf(trace.model);
}

const names = (list) => list.map((s) => s.name);
const count = (list, name) => list.filter((s) => s.name === name).length;

test('trace(fn) to a file: the calls inside, finished; the calls before and after, not at all', () => {
  assert.equal(seen.sync.result, 1 + 2 + 3);
  assert.equal(seen.sync.output, join(dir, 'sync.json'));
  assert.ok(seen.sync.events > 4);
  const list = slices('sync.json');
  assert.deepEqual(names(list).filter((n) => !n.startsWith('(anonymous')).sort(), ['leaf', 'leaf', 'leaf', 'work']);
  assert.equal(list.filter((s) => s.name.startsWith('(anonymous')).length, 1, 'the arrow given to trace()');
  assert.ok(list.every((s) => !s.args?.unfinished), 'nothing left unfinished');
  assert.equal(count(list, 'before') + count(list, 'after'), 0);
  const work = list.find((s) => s.name === 'work');
  assert.ok(list.filter((s) => s.name === 'leaf').every((s) => s.depth === work.depth + 1), 'leaf nests in work');
});

test('trace(fn) without output returns the Chrome JSON text', () => {
  assert.equal(seen.text.result, 1 + 2);
  assert.ok(seen.text.events > 0);
  const list = slices('text.json');
  assert.equal(count(list, 'work'), 1);
  assert.equal(count(list, 'leaf'), 2);
  assert.equal(count(list, 'after'), 0);
});

test('trace(async fn) returns a promise and records the continuations after each await', () => {
  assert.equal(seen.asyncIsPromise, true);
  assert.equal(seen.async.result, 3 + 2 + 3, 'work(2) + step(1) + step(2)');
  const list = slices('async.json');
  assert.ok(count(list, 'job') >= 3, `job's first run and its two continuations: ${names(list)}`);
  assert.ok(count(list, 'step') >= 4, 'each step before and after its await');
  assert.equal(count(list, 'work'), 1, 'work runs in job\'s last continuation');
  assert.equal(count(list, 'leaf'), 4);
  assert.equal(count(list, 'before') + count(list, 'after') + count(list, 'main'), 0);
  assert.ok(list.every((s) => !s.args?.unfinished));
});

test('startTrace(): stop() counts the events, save() writes them in the format its extension names', () => {
  assert.equal(seen.handleStop, 4, 'work and leaf, entered and exited');
  assert.ok(seen.handleSaved > 0);
  const list = slices('handle.pftrace');
  assert.deepEqual(names(list).sort(), ['leaf', 'work']);
});

test('using: the handle is disposed at the end of the block and writes its output', () => {
  assert.equal(seen.using, 1);
  const list = slices('using.json');
  assert.equal(count(list, 'work'), 1);
  assert.equal(count(list, 'leaf'), 1);
  assert.equal(count(list, 'after'), 0);
});

test('a throwing fn and a rejecting async fn: the error is passed on and the trace written', () => {
  assert.equal(seen.thrown, 'boom');
  assert.equal(seen.rejected, 'boom');
  assert.equal(count(slices('throws.json'), 'failing'), 1);
  assert.equal(count(slices('rejects.json'), 'failing'), 1);
});

test('a trace() inside an open scope, two calls deep: its own calls only, and recording left on', () => {
  assert.equal(seen.stillRecording, true);
  assert.equal(seen.recordingAfter, false, 'the last scope closed turns recording off');
  const inner = slices('inner.json');
  assert.deepEqual(names(inner).filter((n) => !n.startsWith('(')).sort(), ['leaf', 'leaf', 'work']);
  assert.ok(inner.every((s) => !s.args?.unfinished), 'exits renumbered: nothing left unfinished');
  const outer = slices('outer.json');
  for (const name of ['middle', 'inner', 'work']) assert.equal(count(outer, name), 1, name);
  assert.ok(outer.every((s) => !s.args?.unfinished));
});

test('bad arguments throw clear errors, before fn runs', () => {
  assert.match(seen.notFunction, /^TypeError: panopticon: trace\(fn\) needs a function, got number$/);
  assert.match(seen.badOutput, /^Error: panopticon: cannot write the trace to .*missing.*x\.json: ENOENT/);
  assert.equal(seen.badOutputRan, false);
  assert.match(seen.saveNoPath, /^TypeError: panopticon: save\(path\) needs a file path/);
});

test('under panopticon, which records already: trace() leaves recording on and writes only its scope', () => {
  const cli = tempDir('panopticon-scope-cli-');
  writeFileSync(join(cli, 'p.js'), `const { trace, isRecording } = require(${JSON.stringify(RUNTIME)});
function a() { return 1; }
function b() { return a() + 1; }
function main() { a(); const r = trace(() => b(), { output: 'scope.json' }); a(); console.log(r.result, isRecording()); }
main();
`);
  const run = runPanopticon(['-o', 'all.json', 'p.js'], { cwd: cli });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '2 true\n');
  const scoped = readTrace(join(cli, 'scope.json'));
  assert.ok(scoped.ok, scoped.report);
  const scope = slicesOf(scoped.model);
  assert.deepEqual(names(scope).filter((n) => !n.startsWith('(')).sort(), ['a', 'b'], 'main and the a() around the scope are left out');
  assert.ok(scope.every((s) => !s.args?.unfinished), 'its calls start two levels deep and still close');
  const all = readTrace(join(cli, 'all.json'));
  assert.ok(all.ok, all.report);
  assert.equal(count(slicesOf(all.model), 'a'), 3, 'the whole run is in the process trace');
});
