// Issue 4's threads and processes, as a viewer shows them: one process per OS process, named by
// its command line, with its parent's pid; each worker a thread of its process, named after its
// `name` option or its file; workers' events kept through process.exit() and terminate().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, readTrace, tempDir } from './support/helpers.mjs';

const FAMILY = join('test', 'fixtures', 'family');

function traced(args) {
  const out = join(tempDir(), 'trace.json');
  const run = runPanopticon(['-o', out, ...args], { cwd: ROOT });
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  return { run, trace, out };
}

const names = (thread) => new Set(thread.slices.map((s) => s.name));

test('forks and workers: 3 processes, 3 worker threads beside the main threads, all with slices', () => {
  const { run, trace, out } = traced([join(FAMILY, 'main.js')]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /family done/);
  assert.match(run.stderr, /\(3 processes; open it/);
  const { processes, threads } = trace.model;
  const pids = Object.keys(processes).map(Number);
  assert.equal(pids.length, 3);
  const parent = pids.find((p) => processes[p].endsWith('family/main.js'));
  const children = pids.filter((p) => p !== parent);
  assert.deepEqual(children.map((p) => processes[p].replace(/.*family\//, '')).sort(), ['child.js 1', 'child.js 2']);

  const parentThreads = threads.filter((t) => t.pid === parent);
  assert.deepEqual(parentThreads.map((t) => t.name).sort(), ['main', 'nested worker', 'plain worker', 'test/fixtures/family/worker.js']);
  for (const t of parentThreads) assert.ok(t.slices.length > 0, `${t.name} has slices`);
  for (const t of parentThreads.filter((t) => t.name !== 'main')) assert.ok(names(t).has('work') && names(t).has('square'), t.name);
  for (const pid of children) {
    const [main] = threads.filter((t) => t.pid === pid);
    assert.ok(names(main).has('count'));
  }

  // Each child names its parent, and its clock lines up with the parent's: it ran while the
  // parent's main() was waiting for it.
  const metadata = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes('"process_name"')).map((l) => JSON.parse(l.trim().replace(/^[[,]/, '').replace(/[\],]$/, '')));
  for (const pid of children) assert.equal(metadata.find((e) => e.pid === pid).args.ppid, parent);
  const parentMain = parentThreads.find((t) => t.name === 'main');
  const started = parentMain.slices.find((s) => s.name === 'startChildren').ts;
  const mains = parentMain.slices.filter((s) => s.name === 'main');
  const finished = Math.max(...mains.map((s) => s.ts + s.dur));
  for (const pid of children) {
    for (const s of threads.find((t) => t.pid === pid).slices) {
      assert.ok(s.ts > started && s.ts + s.dur < finished, `${s.name} of ${pid} at ${s.ts} lies within the parent's wait [${started}, ${finished}]`);
    }
  }
});

for (const mode of ['exit', 'terminate']) {
  test(`busy workers keep their events when the main thread ${mode === 'exit' ? 'calls process.exit()' : 'terminates them'}`, () => {
    const args = [join(FAMILY, 'busy-exit.js'), ...(mode === 'terminate' ? ['terminate'] : [])];
    const plain = runNode(args, { cwd: ROOT });
    const { run, trace } = traced(args);
    assert.equal(run.status, plain.status);
    assert.equal(run.stdout, plain.stdout);
    assert.equal(run.status, mode === 'exit' ? 3 : 0);
    const workers = trace.model.threads.filter((t) => t.name.startsWith('busy'));
    assert.deepEqual(workers.map((t) => t.name).sort(), ['busy one', 'busy two']);
    for (const t of workers) {
      assert.ok(t.slices.filter((s) => s.name === 'step').length >= 50, `${t.name}: its steps before "ready" at least`);
      // still looping when stopped: forever() never finished
      const forever = t.slices.find((s) => s.name === 'forever');
      assert.equal(forever.args.unfinished, true);
    }
  });
}

test('examples/threads: the main thread and the secondary thread each print, on their own threads', () => {
  const plain = runNode([join('examples', 'threads', 'main.js')], { cwd: ROOT });
  const { run, trace } = traced([join('examples', 'threads', 'main.js')]);
  assert.equal(run.stdout, plain.stdout);
  const [main] = trace.model.threads.filter((t) => t.name === 'main');
  const [secondary] = trace.model.threads.filter((t) => t.name === 'examples/threads/secondary.js');
  assert.equal(main.slices.filter((s) => s.name === 'say').length, 3);
  assert.equal(secondary.slices.filter((s) => s.name === 'say').length, 3);
  assert.ok(names(secondary).has('examples/threads/secondary.js'), 'the secondary thread evaluates its module');
});
