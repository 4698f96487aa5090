// Merging traces: `panopticon merge A B ... -o OUT` (traces recorded separately, in any JSON form
// a trace may have), and finishSession (the parts of one run's processes). Every input keeps its
// own processes (colliding pids renumbered above any real pid), flow ids are renumbered so no two
// inputs' arrows join, metadata comes first, and a part cut off mid-write loses only its last,
// incomplete event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, runNode, runPanopticon, readTrace, tempDir } from '../../../test/support/helpers.mjs';
import { FINAL_LINE } from './support/cli.mjs';

const require = createRequire(import.meta.url);
const DIST = join(ROOT, 'packages', 'cli', 'dist');
const { FRESH_PID_BASE } = require(join(DIST, 'merge.js'));
const { finishSession } = require(join(DIST, 'session.js'));

/** One real recording with slices, v2 flows (bind_id) and v1 wake-up arrows (s/f). */
function record(dir) {
  const path = join(dir, 'recorded.json');
  const run = runPanopticon(['--wakeups', '-o', path, join(ROOT, 'examples', 'async-hello.js')], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  return path;
}

const eventsOf = (path) => JSON.parse(readFileSync(path, 'utf8'));
const lines = (path) => readFileSync(path, 'utf8').split('\n');

function merge(args, cwd) {
  const run = runPanopticon(['merge', ...args], { cwd });
  const last = run.stderr.trimEnd().split('\n').at(-1);
  return { ...run, final: FINAL_LINE.exec(last) };
}

function checked(path) {
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  return trace.model;
}

test('merge: colliding pids and flow ids from separate recordings, in line, object and pretty forms', () => {
  const dir = tempDir();
  const a = record(dir);
  const original = checked(a);
  const pid = Number(Object.keys(original.processes)[0]);
  // The same recording three times: same pid, same flow ids. One copy in the object form,
  // pretty-printed (not one event per line), one gzipped would be over the top: JSON is enough.
  const b = join(dir, 'copy.json');
  copyFileSync(a, b);
  const c = join(dir, 'object form.json');
  writeFileSync(c, JSON.stringify({ traceEvents: eventsOf(a), displayTimeUnit: 'ms' }, null, 2));
  const out = join(dir, 'merged.json');
  const run = merge([a, b, c, '-o', out], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.final, run.stderr);
  assert.equal(run.final[2], out);
  assert.equal(run.final[3], '3', 'three processes');

  const events = eventsOf(out);
  const perInput = eventsOf(a).length;
  assert.equal(events.length, 3 * perInput);
  assert.equal(Number(run.final[1]), events.length);
  const firstOther = events.findIndex((e) => e.ph !== 'M');
  assert.ok(events.slice(firstOther).every((e) => e.ph !== 'M'), 'metadata first');

  const model = checked(out);
  const pids = Object.keys(model.processes).map(Number).sort((x, y) => x - y);
  assert.equal(pids.length, 3);
  assert.equal(pids[0], pid, 'the first input keeps its pid');
  assert.ok(pids[1] >= FRESH_PID_BASE && pids[2] >= FRESH_PID_BASE, `the others are renumbered above any real pid: ${pids}`);
  assert.equal(model.flows.length, 3 * original.flows.length, 'every input keeps all its arrows, none joined');
  for (const p of pids) {
    assert.equal(model.processes[p], original.processes[pid], 'each named as recorded');
    assert.equal(model.flows.filter((f) => f.slices.every((s) => s.pid === p)).length, original.flows.length, `flows of ${p} stay in ${p}`);
  }
  const sorted = (list) => list.map((e) => JSON.stringify(e)).sort();
  assert.deepEqual(sorted(events.filter((e) => e.pid === pid)), sorted(eventsOf(a)), 'the first input is unchanged, its flow ids too');
  const sliceCount = (m) => Object.values(m.threads).reduce((n, t) => n + t.slices.length, 0);
  assert.equal(sliceCount(model), 3 * sliceCount(original));

  // The output may be one of the inputs: everything is read before it is written.
  const again = merge(['-o', a, a, b], dir);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(eventsOf(a).length, 2 * perInput);
});

test('merge: a trace cut off mid-event loses only that event; an unreadable input is named and left out', () => {
  const dir = tempDir();
  const a = record(dir);
  const all = lines(a).filter(Boolean);
  const cutAt = (name, at) => {
    const path = join(dir, name);
    writeFileSync(path, all.slice(0, at).join('\n') + '\n' + all[at].slice(0, Math.floor(all[at].length / 2)));
    return path;
  };
  // In the middle of a slice's line that follows another slice.
  const plainAt = all.findLastIndex((line, i) => line.startsWith('{"ph":"X"') && all[i - 1].startsWith('{"ph":"X"') && i < all.length - 2);
  // In the middle of a slice's line right after a wake-up arrow (s, f): the arrow points into
  // that slice, so it goes too (an arrow into nothing is an error to the viewers).
  const arrowAt = all.findLastIndex((line, i) => line.startsWith('{"ph":"X"') && all[i - 1].startsWith('{"ph":"f"'));
  assert.ok(arrowAt > 0 && all[arrowAt - 2].startsWith('{"ph":"s"'), 'the recording has wake-up arrows');
  const junk = join(dir, 'junk.json');
  writeFileSync(junk, '[{"ph":"M", this is not json\n');
  for (const [name, at, kept, last] of [['cut.json', plainAt, plainAt, plainAt - 1], ['cut-arrow.json', arrowAt, arrowAt - 2, arrowAt - 3]]) {
    const out = join(dir, `merged-${name}`);
    const run = merge(['-o', out, cutAt(name, at), junk], dir);
    assert.equal(run.status, 1, 'an input was left out');
    assert.ok(run.stderr.includes(`${join(dir, name)} was cut off: its incomplete last event is left out`), run.stderr);
    assert.match(run.stderr, /left out .*junk\.json: not valid JSON/);
    assert.ok(run.final, run.stderr);
    assert.equal(eventsOf(out).length, kept, `${name}: every whole event is kept`);
    assert.deepEqual(eventsOf(out).at(-1), JSON.parse(all[last].replace(/,$/, '')));
    checked(out);
  }
});

test('merge: usage mistakes', () => {
  const dir = tempDir();
  for (const [args, message] of [
    [['merge'], /merge: no trace files given/],
    [['merge', 'missing.json'], /merge: cannot find the trace missing\.json/],
    [['merge', '--wakeups', 'x.json'], /Unknown option '--wakeups'/],
    [['-o', 'a.json', 'merge', '-o', 'b.json', 'x.json'], /give the output once/],
  ]) {
    const run = runPanopticon(args, { cwd: dir });
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
  }
  assert.ok(!existsSync(join(dir, 'panopticon-trace.json')));
});

/** A pid that was alive a moment ago and is not now. */
function deadPid() {
  const run = runNode(['-e', 'console.log(process.pid)']);
  return Number(run.stdout.trim());
}

test('finishSession: pid reuse, a part cut off while written, a process killed before writing; the directory goes', () => {
  const dir = tempDir();
  const session = join(dir, 'session');
  mkdirSync(session);
  const a = record(dir);
  const all = lines(a).filter(Boolean);
  const pid = Number(Object.keys(checked(a).processes)[0]);
  // Two whole parts of processes that had the same pid (the later part is named apart).
  copyFileSync(a, join(session, `${pid}.trace.json`));
  copyFileSync(a, join(session, `${pid}-again.trace.json`));
  // A part whose process was killed while writing it: its marker is still there.
  const cutPid = deadPid();
  writeFileSync(join(session, `${cutPid}.trace.json`), all.slice(0, 6).join('\n').replaceAll(`"pid":${pid}`, `"pid":${cutPid}`) + '\n{"ph":"X","pid');
  writeFileSync(join(session, `${cutPid}.started`), JSON.stringify({ pid: cutPid, ppid: 1, argv: [process.execPath, join(dir, 'cut.js')] }));
  // A process killed before it wrote anything.
  const lostPid = deadPid();
  writeFileSync(join(session, `${lostPid}.started`), JSON.stringify({ pid: lostPid, ppid: 1, argv: [process.execPath, join(dir, 'child.js'), 'x'] }));

  const out = join(dir, 'merged.json');
  const { merged, warnings } = finishSession(session, out, dir);
  assert.ok(!existsSync(session), 'the session directory is removed');
  assert.deepEqual(warnings.sort(), [
    `process ${cutPid} (node cut.js) was killed while it wrote its events: the trace has those it wrote`,
    `process ${lostPid} (node child.js x) was killed before it wrote its events`,
  ].sort());
  assert.equal(merged.processes, 3);
  assert.equal(merged.events, 2 * all.length - 2 + 6, 'two whole parts (less their closing lines) and the cut part\'s whole events');
  const model = checked(out);
  const pids = Object.keys(model.processes).map(Number);
  assert.ok(pids.includes(pid) && pids.includes(cutPid));
  assert.ok(pids.some((p) => p >= FRESH_PID_BASE), 'the reused pid\'s second part is renumbered');
});
