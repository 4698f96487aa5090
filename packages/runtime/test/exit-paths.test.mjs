// Every way a traced program can end, through the real CLI, compared with the same program run
// plainly: the same exit code or the same killing signal, the same stdout, and a trace that
// passes the checker, in which the slices still on the stack at the end are closed at exit time
// and marked unfinished while the completed ones are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTrace, slicesOf } from '../../../test/support/helpers.mjs';
import { fixtureCopy, plainAndTraced } from './support/spawn.mjs';

const EPS = 1e-6;
const STACK = ['outer', 'middle', 'inner'];

async function traceMode(mode, options = {}) {
  const fixture = fixtureCopy('exits.js');
  const trace = join(fixture.dir, `${mode}.json`);
  const { plain, traced } = await plainAndTraced(fixture, [mode], trace, options);
  const context = `plain: ${JSON.stringify(plain)}\ntraced: ${JSON.stringify(traced)}`;
  assert.equal(traced.status, plain.status, context);
  assert.equal(traced.signal, plain.signal, context);
  const samePid = (text) => text.replace(/^pid \d+$/m, 'pid N');
  assert.equal(samePid(traced.stdout), samePid(plain.stdout), context);
  assert.match(traced.stderr, /panopticon: wrote \d+ events to /, context);
  const read = readTrace(trace);
  assert.ok(read.ok, read.report);
  assert.match(read.report, /OK/);
  const slices = slicesOf(read.model);
  return { plain, traced, slices, byName: (name) => slices.filter((s) => s.name === name) };
}

/** `unfinished` names the slices expected open at the end; every other slice must be complete. */
function assertOpenAtExit(slices, unfinished) {
  const end = (s) => s.ts + s.dur;
  const last = Math.max(...slices.map(end));
  for (const s of slices) {
    if (unfinished.includes(s.name)) {
      assert.equal(s.args.unfinished, true, `${s.name} should be unfinished: ${JSON.stringify(s)}`);
      assert.ok(Math.abs(end(s) - last) < EPS, `${s.name} should close at exit time (${last}): ${JSON.stringify(s)}`);
    } else {
      assert.equal(s.args.unfinished, undefined, `${s.name} completed: ${JSON.stringify(s)}`);
    }
  }
  for (const name of unfinished) assert.equal(slices.filter((s) => s.name === name).length, 1, `one ${name} slice`);
}

const MODULE = 'exits.js';

test('normal end: exit 0, every slice complete', async () => {
  const { plain, slices } = await traceMode('normal');
  assert.equal(plain.status, 0);
  for (const name of [MODULE, 'finished', ...STACK]) assert.ok(slices.some((s) => s.name === name), name);
  assertOpenAtExit(slices, []);
});

test('process.exitCode = 7: exit 7, every slice complete', async () => {
  const { plain, slices } = await traceMode('exit-code');
  assert.equal(plain.status, 7);
  assert.equal(slices.length, 5);
  assertOpenAtExit(slices, []);
});

test('process.exit(5) three calls deep: exit 5, the stack and the module unfinished', async () => {
  const { plain, slices, byName } = await traceMode('exit');
  assert.equal(plain.status, 5);
  assertOpenAtExit(slices, [MODULE, ...STACK]);
  const [module] = byName(MODULE);
  const [outer] = byName('outer');
  const [middle] = byName('middle');
  const [inner] = byName('inner');
  assert.deepEqual([module.depth, outer.depth, middle.depth, inner.depth], [0, 1, 2, 3]);
  assert.equal(byName('finished')[0].depth, 1);
});

test('uncaught exception: exit 1, the stack unwound through finally, the module unfinished', async () => {
  const { plain, traced, slices } = await traceMode('throw');
  assert.equal(plain.status, 1);
  assert.match(plain.stderr, /Error: boom from inner/);
  assert.match(traced.stderr, /Error: boom from inner/);
  // Module code has no try/finally: the exception leaves its slice open until the exit.
  assertOpenAtExit(slices, [MODULE]);
});

test('unhandled rejection: exit 1, every slice complete', async () => {
  const { plain, traced, slices } = await traceMode('reject');
  assert.equal(plain.status, 1);
  assert.match(traced.stderr, /Error: rejected from inner/);
  assertOpenAtExit(slices, []);
});

test('process.abort() three calls deep: dies by SIGABRT, the stack unfinished', async () => {
  const { plain, slices } = await traceMode('abort');
  assert.equal(plain.signal, 'SIGABRT');
  assertOpenAtExit(slices, [MODULE, ...STACK]);
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  test(`${signal} sent to the traced program: dies by ${signal}, a complete trace`, async () => {
    const { plain, slices } = await traceMode('signal', { signal });
    assert.equal(plain.signal, signal);
    for (const name of [MODULE, 'finished', 'waitForSignal']) assert.equal(slices.filter((s) => s.name === name).length, 1, name);
    assertOpenAtExit(slices, []);
  });
}

test('SIGTERM sent to the panopticon CLI is forwarded: both die by SIGTERM', async () => {
  const { plain, slices } = await traceMode('signal', { signal: 'SIGTERM', to: 'spawned' });
  assert.equal(plain.signal, 'SIGTERM');
  assert.ok(slices.some((s) => s.name === 'waitForSignal'));
  assertOpenAtExit(slices, []);
});

test('a program with its own SIGINT handler keeps running and exits 0', async () => {
  const { plain, slices, byName } = await traceMode('signal-handled', { signal: 'SIGINT' });
  assert.equal(plain.status, 0);
  assert.equal(plain.stdout.replace(/^pid \d+\n/, ''), 'handled SIGINT\nstill running\n');
  assert.equal(byName('onSigint').length, 1);
  assert.equal(byName('afterSigint').length, 1);
  assertOpenAtExit(slices, []);
});
