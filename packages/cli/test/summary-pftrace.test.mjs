// `panopticon summary` on Perfetto protobuf traces (.pftrace), decoded streaming. The same
// recording as JSON and as protobuf (the JSON turned into .pftrace by `panopticon merge -o`, the
// very conversion `panopticon -o x.pftrace` does) gives the same summary to the nanosecond: both
// carry integer ns (JSON µs with 3 decimals, rounded back to the same ns), so no tolerance. The one
// difference is the event count: the JSON's process_labels metadata (a child's parent pid) has no
// protobuf counterpart. A program recorded twice, once per format, gives the same structure (calls,
// slices, instances, threads); its times differ, being two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, PANOPTICON, runAsync, runPanopticon, readTrace, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/cli.mjs';

const dir = tempDir('panopticon-summary-pftrace-');

const PROGRAMS = {
  'async-hello': join(ROOT, 'examples', 'async-hello.js'),
  recursive: join(FIXTURES, 'summary-recursive.js'),
  threads: join(ROOT, 'examples', 'threads', 'main.js'),
};

/** Records SCRIPT with the CLI to NAME (its extension picks the format); checked by check-trace. */
async function record(name, script) {
  const path = join(dir, name);
  const run = await runAsync([PANOPTICON, '-o', path, script]);
  assert.equal(run.status, 0, run.stderr);
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  return path;
}

// Six recordings at once: each program to .json and to .pftrace.
const recorded = Promise.all(
  Object.entries(PROGRAMS).map(async ([name, script]) => {
    const [json, pftrace] = await Promise.all([record(`${name}.json`, script), record(`${name}.pftrace`, script)]);
    return { name, json, pftrace };
  }),
);

function summaryJson(path) {
  const run = runPanopticon(['summary', path, '--json', '--top', '100000']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** The JSON trace at `path` as protobuf, by the CLI's converter; returns the new path. */
function toPftrace(path, out) {
  const run = runPanopticon(['merge', path, '-o', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(out)[0], 0x0a);
  return out;
}

/** Everything but the file's name and the event count. */
function withoutFileAndEvents(summary) {
  const { file, events, ...rest } = summary;
  return rest;
}

const labelEvents = (path) => readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('"name":"process_labels"')).length;

test('summary of a .pftrace equals the summary of the same recording as JSON, also gzipped', async () => {
  for (const { name, json } of await recorded) {
    const pftrace = toPftrace(json, join(dir, `${name}.same.pftrace`));
    const gzipped = join(dir, `${name}.same.pftrace.gz`);
    writeFileSync(gzipped, gzipSync(readFileSync(pftrace)));
    const expected = summaryJson(json);
    assert.ok(expected.slices > 0, name);
    for (const path of [pftrace, gzipped]) {
      const actual = summaryJson(path);
      assert.deepEqual(withoutFileAndEvents(actual), withoutFileAndEvents(expected), `${name}: ${path}`);
      assert.equal(actual.events, expected.events - labelEvents(json), `${name}: events`);
      // parents first through the spool: only the open slices held, as for the JSON
      assert.equal(actual.peakHeld, expected.peakHeld);
    }
  }
});

test('a .pftrace whose first packet length is a space or a newline is read as protobuf, not as JSON', async () => {
  // The CI failure this guards: a first packet of 32 bytes begins 0a 20 ("\n "), and a sniffer
  // that skips whitespace saw JSON. Packets of 32 and 10 bytes whose first field (4, unknown to the
  // reader, skipped) is followed by '[' are put in front of a real recording.
  const { name, json } = (await recorded).find((r) => r.name === 'recursive');
  const real = readFileSync(toPftrace(json, join(dir, `${name}.framing.pftrace`)));
  const unknownFields = (count) => Buffer.from(Array.from({ length: count }, () => [0x20, 0x5b]).flat());
  const expected = withoutFileAndEvents(summaryJson(json));
  for (const length of [0x20, 0x0a]) {
    const path = join(dir, `${name}.framing-${length}.pftrace`);
    writeFileSync(path, Buffer.concat([Buffer.from([0x0a, length]), unknownFields(length / 2), real]));
    assert.equal(readFileSync(path).toString('latin1').trimStart()[0], '[', 'looks like JSON to a whitespace-skipping sniffer');
    assert.deepEqual(withoutFileAndEvents(summaryJson(path)), expected, `length ${length}`);
  }
  // and JSON that begins with a newline and spaces is still JSON (read front to back and sorted,
  // so more slices are held at once: peakHeld differs)
  const spaced = join(dir, `${name}.spaced.json`);
  writeFileSync(spaced, '\n  ' + readFileSync(json, 'utf8'));
  const { peakHeld, ...fromSpaced } = withoutFileAndEvents(summaryJson(spaced));
  const { peakHeld: _, ...rest } = expected;
  assert.deepEqual(fromSpaced, rest);
});

/** What does not depend on timing: per function its calls and slices, the instances, the threads. */
function structure(summary) {
  const key = (f) => `${f.name}\u0000${f.file}`;
  return {
    slices: summary.slices,
    truncated: summary.truncated,
    functions: summary.functionsBySelf.map((f) => [key(f), f.line, f.calls, f.slices]).sort(),
    instances: summary.instancesBySlices.map((i) => [i.name, i.file, i.slices]).sort(),
    threads: summary.processes.map((p) => [p.name, p.slices, p.threads.map((t) => [t.tid, t.name, t.slices])]).sort(),
  };
}

test('a program recorded with -o x.pftrace summarises like the same program recorded to .json', async () => {
  for (const { name, json, pftrace } of await recorded) {
    const fromJson = summaryJson(json);
    const fromPftrace = summaryJson(pftrace);
    assert.deepEqual(structure(fromPftrace), structure(fromJson), name);
    assert.equal(fromPftrace.events, fromJson.events - labelEvents(json), `${name}: events`);
  }
  // the text report reads it too
  const text = runPanopticon(['summary', (await recorded)[0].pftrace]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^Summary of .*async-hello\.pftrace\n/);
  assert.match(text.stdout, /printSlowly/);
});

test('a .pftrace of 90,000 slices is summarised holding only the open slices; a cut one keeps its whole packets', () => {
  // 30,000 calls with two children each, as JSON written as slices end, then converted
  const n = 30000;
  // (a process without a name would get one from the converter, 'process 7')
  const lines = ['[{"ph":"M","name":"process_name","pid":7,"ts":0,"args":{"name":"big"}}', '{"ph":"M","name":"thread_name","pid":7,"tid":1,"ts":0,"args":{"name":"main"}}'];
  const x = (name, ts, dur, line) => `{"ph":"X","pid":7,"tid":1,"ts":${ts},"dur":${dur},"name":"${name}","cat":"f.js","args":{"file":"f.js","line":${line}}}`;
  for (let k = 0; k < n; k++) {
    const t = 10 * k + 1;
    lines.push(x('child', t + 1, 2, 2), x('child', t + 4, 2.5, 2), x('outer', t, 8, 1));
  }
  const jsonPath = join(dir, 'big.json');
  writeFileSync(jsonPath, lines.join(',\n') + '\n]\n');
  const path = toPftrace(jsonPath, join(dir, 'big.pftrace'));
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 1 << 20, 'more than one of the reader\'s 1 MB chunks');
  const json = summaryJson(path);
  assert.equal(json.slices, 3 * n);
  assert.equal(json.truncated, false);
  assert.equal(json.peakHeld, 2, 'an outer slice and one child at a time');
  const get = (name) => json.functionsBySelf.find((f) => f.name === name);
  assert.deepEqual(get('outer'), { name: 'outer', file: 'f.js', line: 1, calls: n, slices: n, selfNs: 3500 * n, totalNs: 8000 * n });
  assert.deepEqual(get('child'), { name: 'child', file: 'f.js', line: 2, calls: 2 * n, slices: 2 * n, selfNs: 4500 * n, totalNs: 4500 * n });
  assert.equal(json.endNs - json.startNs, (10 * (n - 1) + 8) * 1000);
  assert.deepEqual(withoutFileAndEvents(json), withoutFileAndEvents(summaryJson(jsonPath)));

  // Cut mid-packet: the cut packet and the slices it leaves open are left out, the rest is summarised.
  const cut = join(dir, 'cut.pftrace');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2) + 3));
  const half = summaryJson(cut);
  assert.equal(half.truncated, true);
  assert.ok(half.slices > n && half.slices < 2 * n, String(half.slices));
  assert.equal(half.peakHeld, 2);
  assert.match(runPanopticon(['summary', cut]).stdout, /The trace was cut off mid-write/);
});

test('the runtime\'s own protobuf writer (function ids as name iids, a chain as flows, an unfinished slice): same summary as its JSON', () => {
  const { Recorder, writeTraceFile } = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
  const rec = new Recorder('test');
  const names = ['module', 'a', 'b', 'gen'];
  const base = rec.register('src/unit.js', names.flatMap((n, i) => [n, i + 1, i * 3]));
  const id = (n) => base + names.indexOf(n);
  rec.start();
  rec.enter(id('module'));
  const co = rec.begin(id('gen'));
  rec.suspendYield(co, 0);
  for (let k = 0; k < 2_000; k++) {
    const a = rec.enter(id('a'));
    const b = rec.enter(id('b'));
    rec.exit(b);
    rec.resumeNext(co, k);
    rec.suspendYield(co, k);
    rec.exit(a);
  }
  rec.enter(id('a')); // left open: unfinished, closed at the end by both writers
  const last = rec.chunks().at(-1);
  const endMs = last.times[last.length - 1] + 1;
  const meta = { pid: 7, tid: 1, processName: 'unit', threadName: 'main' };
  const [json, pftrace] = ['unit.json', 'unit.pftrace'].map((f) => join(dir, f));
  for (const path of [json, pftrace]) writeTraceFile(path, rec, meta, endMs);
  const expected = summaryJson(json);
  const actual = summaryJson(pftrace);
  assert.deepEqual(withoutFileAndEvents(actual), withoutFileAndEvents(expected));
  assert.equal(actual.events, expected.events);
  assert.equal(actual.functionsBySelf.find((f) => f.name === 'gen').slices, 2_001); // its first run and 2,000 resumptions
});

test('summary: a damaged protobuf is an unreadable trace, not a crash', () => {
  const path = join(dir, 'damaged.pftrace');
  // a packet whose varint field runs past the packet's end
  writeFileSync(path, Buffer.from([0x0a, 0x02, 0x40, 0xff, 0x0a, 0x00]));
  const run = runPanopticon(['summary', path]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /damaged\.pftrace: not a Perfetto protobuf trace after all: a varint runs past its message/);
  assert.equal(run.stdout, '');
});
