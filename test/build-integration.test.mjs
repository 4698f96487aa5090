// Issue 5's build integration, run for real: code instrumented by the Babel plugin with its
// options, then run with plain node. Idle unless the environment switches it on; switched on and
// off by a real signal; a flight recorder keeping the newest events; the run-time filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, runNode, readTrace, slicesOf } from './support/helpers.mjs';

const require = createRequire(import.meta.url);
const babel = require('@babel/core');
const plugin = require('../packages/babel-plugin');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'idle');

/** Instruments a fixture into a fresh folder inside the repository (so @panopticon/runtime resolves). */
function instrument(name, options) {
  const dir = join(ROOT, '.tmp', `build-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(join(FIXTURES, name), 'utf8');
  const { code } = babel.transformSync(source, { filename: join(FIXTURES, name), cwd: ROOT, configFile: false, babelrc: false, plugins: [[plugin, options]] });
  writeFileSync(join(dir, name), code);
  return { dir, file: join(dir, name) };
}

const traceFiles = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json'));

test('an idle build (runtime: auto, nothing switched on) runs as the original and writes nothing', () => {
  const { dir, file } = instrument('server.js', { runtime: 'auto' });
  const plain = runNode([join(FIXTURES, 'server.js'), '3']);
  const idle = runNode([file, '3'], { cwd: dir });
  assert.equal(idle.stdout.replace(/pid \d+/, ''), plain.stdout.replace(/pid \d+/, ''));
  assert.equal(idle.stderr, '');
  assert.deepEqual(traceFiles(dir), []);
});

test('PANOPTICON_OUTPUT switches the build on from the start; the run-time filters apply', () => {
  const { dir, file } = instrument('server.js', { runtime: 'auto' });
  const out = join(dir, 'trace.json');
  const run = runNode([file, '5'], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: out } });
  assert.equal(run.status, 0, run.stderr);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  assert.equal(slices.filter((s) => s.name === 'handle').length, 5);
  assert.equal(slices.filter((s) => s.name === 'parse').length, 5);

  const shallow = join(dir, 'shallow.json');
  runNode([file, '5'], { cwd: dir, env: { ...process.env, PANOPTICON_OUTPUT: shallow, PANOPTICON_MAX_DEPTH: '1' } });
  const kept = readTrace(shallow);
  assert.ok(kept.ok, kept.report);
  assert.ok(slicesOf(kept.model).every((s) => s.depth === 0), 'only the outermost level');
  assert.equal(kept.model.instants.length, 1, 'an instant says what was left out');
});

/** Starts `node file args` and resolves once it printed its pid line. */
function startServer(file, args, env, cwd) {
  const child = spawn(process.execPath, [file, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const ready = new Promise((resolve) => child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    if (stdout.includes('pid ')) resolve();
  }));
  const ended = new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return { child, ready, ended };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('PANOPTICON_SIGNAL: each SIGUSR2 starts or stops recording; each stop writes a trace named by pid and time', async () => {
  const { dir, file } = instrument('server.js', { runtime: 'auto' });
  const server = startServer(file, ['60'], { PANOPTICON_SIGNAL: 'SIGUSR2', PANOPTICON_DIR: dir }, dir);
  await server.ready;
  await sleep(100); // idle: nothing recorded yet
  server.child.kill('SIGUSR2'); // on
  await sleep(150);
  server.child.kill('SIGUSR2'); // off: writes
  const { status, stderr } = await server.ended;
  assert.equal(status, 0, stderr);
  const files = traceFiles(dir);
  assert.equal(files.length, 1, stderr);
  assert.match(files[0], new RegExp(`^panopticon-${server.child.pid}-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.json$`));
  const trace = readTrace(join(dir, files[0]));
  assert.ok(trace.ok, trace.report);
  const handled = slicesOf(trace.model).filter((s) => s.name === 'handle').length;
  assert.ok(handled > 0 && handled < 60, `only the requests between the two signals (${handled})`);
});

test('flight recorder: PANOPTICON_BUFFER keeps the newest N events; the signal writes them and says how many were dropped', async () => {
  const { dir, file } = instrument('server.js', { runtime: 'auto' });
  const server = startServer(file, ['40'], { PANOPTICON_SIGNAL: 'SIGUSR2', PANOPTICON_BUFFER: '30', PANOPTICON_DIR: dir }, dir);
  await server.ready;
  await sleep(250);
  server.child.kill('SIGUSR2');
  const { status, stderr } = await server.ended;
  assert.equal(status, 0, stderr);
  assert.match(stderr, /\d+ older events dropped \(the flight recorder keeps the newest 30\)/);
  const [name] = traceFiles(dir);
  const trace = readTrace(join(dir, name));
  assert.ok(trace.ok, trace.report);
  const slices = slicesOf(trace.model);
  assert.ok(slices.length > 0 && slices.length <= 15, `30 events are at most 15 slices (${slices.length})`);
  const meta = JSON.parse(readFileSync(join(dir, name), 'utf8').split('\n')[0].replace(/^\[/, '').replace(/,$/, ''));
  assert.ok(meta.args.dropped_events > 0, 'the metadata says how many were dropped');
});

test('compile-time filters: file globs and function-name patterns', () => {
  const plain = runNode([join(FIXTURES, 'filters.js')]);
  const byName = instrument('filters.js', { runtime: 'auto', functions: { exclude: ['dropMe', 'Shop.helper'] } });
  const out = join(byName.dir, 'trace.json');
  const run = runNode([byName.file], { cwd: byName.dir, env: { ...process.env, PANOPTICON_OUTPUT: out } });
  assert.equal(run.stdout, plain.stdout);
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  const names = new Set(slicesOf(trace.model).map((s) => s.name));
  assert.ok(names.has('keepMe') && names.has('Shop.open'));
  assert.ok(!names.has('dropMe') && !names.has('Shop.helper'));
  assert.ok([...names].some((n) => n.startsWith('(anonymous')), 'the arrow inside dropMe is judged on its own name');

  const excluded = instrument('filters.js', { runtime: 'auto', exclude: ['test/fixtures/idle/**'] });
  assert.doesNotMatch(readFileSync(excluded.file, 'utf8'), /__panopticon_/);
  const included = instrument('filters.js', { runtime: 'auto', include: ['test/fixtures/idle/*.js'] });
  assert.match(readFileSync(included.file, 'utf8'), /__panopticon_/);
});
