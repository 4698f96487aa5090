// `panopticon summary TRACE` on real traces recorded by the CLI: every number (self and total time
// per function, calls, coroutine instances' slices and suspended time, threads) equal to what
// support/summary-expect.mjs computes from the same file another way; then the same trace in the
// other forms a file may have (gzip in several members, the object form pretty-printed, cut off,
// merged, slices in start order) gives the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, PANOPTICON, runAsync, runPanopticon, readTrace, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/cli.mjs';
import { actualSummary, eventsOf, expectedSummary } from './support/summary-expect.mjs';

const dir = tempDir('panopticon-summary-');

/** Records SCRIPT with the CLI; resolves to the trace's path, checked by check-trace. */
async function record(name, script) {
  const path = join(dir, `${name}.json`);
  const run = await runAsync([PANOPTICON, '-o', path, script]);
  assert.equal(run.status, 0, run.stderr);
  const trace = readTrace(path);
  assert.ok(trace.ok, trace.report);
  return path;
}

// The three recordings run at once (each is two node processes and Babel).
const recorded = Promise.all([
  record('async-hello', join(ROOT, 'examples', 'async-hello.js')),
  record('recursive', join(FIXTURES, 'summary-recursive.js')),
  record('threads', join(ROOT, 'examples', 'threads', 'main.js')),
]);

function summaryJson(path) {
  const run = runPanopticon(['summary', path, '--json', '--top', '100000']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

function assertMatches(json, events) {
  assert.deepEqual(actualSummary(json), expectedSummary(events));
}

const byName = (json, name) => json.functionsBySelf.find((f) => f.name === name);

test('summary: async-hello, every number as computed independently; its coroutine instances', async () => {
  const [path] = await recorded;
  const json = summaryJson(path);
  assertMatches(json, eventsOf(path));
  assert.equal(json.truncated, false);
  // The seed's program: printSlowly runs 14 slices (one call), genText 14, and 13 sleep(2) calls
  // of two slices each: 15 instances in all.
  assert.deepEqual([byName(json, 'printSlowly').calls, byName(json, 'printSlowly').slices], [1, 14]);
  assert.deepEqual([byName(json, 'genText').calls, byName(json, 'genText').slices], [1, 14]);
  assert.deepEqual([byName(json, 'sleep').calls, byName(json, 'sleep').slices], [13, 26]);
  assert.equal(json.instanceCount, 15);
  assert.deepEqual(json.instancesBySlices.slice(0, 2).map((i) => [i.name, i.slices]).sort(), [['genText', 14], ['printSlowly', 14]]);
  // 13 awaits of a 2 ms timer: printSlowly is suspended at least 13 ms (libuv times a timer from
  // the loop's cached clock, which may be up to a millisecond behind: a 2 ms timer can fire after 1)
  const printSlowly = json.instancesBySlices.find((i) => i.name === 'printSlowly');
  assert.ok(printSlowly.suspendedNs >= 13e6, String(printSlowly.suspendedNs));
  // read back to front, at most as many slices held as the thread is deep (module > printSlowly > sleep > arrow)
  assert.equal(json.peakHeld, 4);

  const text = runPanopticon(['summary', path, '--top', '2']);
  assert.equal(text.status, 0, text.stderr);
  const lines = text.stdout.split('\n');
  assert.equal(lines[0], `Summary of ${path}`);
  assert.match(lines[1], /^71 events, 68 slices over \d+\.\d{3} ms; 1 process, 1 thread$/);
  assert.ok(lines.includes('Functions by self time (top 2 of 5)'), text.stdout);
  assert.ok(lines.includes('Coroutine instances by slices (top 2 of 15)'), text.stdout);
  const row = lines.find((l) => l.includes('printSlowly #1'));
  assert.match(row, new RegExp(`^\\s+14\\s+${(printSlowly.suspendedNs / 1e6).toFixed(3)}\\s+${(printSlowly.runNs / 1e6).toFixed(3)}\\s+printSlowly #1  \\(pid \\d+, main\\)$`));
  const fnRow = lines.find((l) => l.endsWith('printSlowly  (examples/async-hello.js:13)'));
  const f = byName(json, 'printSlowly');
  assert.match(fnRow, new RegExp(`^\\s+${(f.selfNs / 1e6).toFixed(3)}\\s+${(f.totalNs / 1e6).toFixed(3)}\\s+1\\s+14\\s+printSlowly`));
});

test('summary: recursion counts once in a total (fib, isEven/isOdd); self times add up to the outermost slice', async () => {
  const [, path] = await recorded;
  const events = eventsOf(path);
  const json = summaryJson(path);
  assertMatches(json, events);
  const fib = byName(json, 'fib');
  const isEven = byName(json, 'isEven');
  const isOdd = byName(json, 'isOdd');
  // fib(8) makes 67 calls; twice() calls it twice. isEven(10) alternates down to isEven(0).
  assert.deepEqual([fib.calls, isEven.calls, isOdd.calls, byName(json, 'twice').calls], [134, 6, 5, 1]);
  const durs = (name) => events.filter((e) => e.ph === 'X' && e.name === name).map((e) => Math.round(e.dur * 1000));
  // fib's total is its two outermost calls: the fib slices inside no other
  const fibs = events.filter((e) => e.ph === 'X' && e.name === 'fib');
  const outer = fibs.filter((s) => !fibs.some((o) => o !== s && o.ts <= s.ts && s.ts + s.dur <= o.ts + o.dur));
  assert.equal(outer.length, 2);
  assert.equal(fib.totalNs, outer.reduce((sum, s) => sum + Math.round(s.dur * 1000), 0));
  assert.ok(fib.totalNs < durs('fib').reduce((a, b) => a + b), 'not the sum of every fib slice');
  // fib calls only fib: its self time is all of its outermost calls' time
  assert.equal(fib.selfNs, fib.totalNs);
  assert.equal(isEven.totalNs, Math.max(...durs('isEven')));
  assert.equal(isOdd.totalNs, Math.max(...durs('isOdd')));
  // every slice is inside the module's: self times add up to its duration
  const module = json.functionsBySelf.find((f) => f.name.endsWith('summary-recursive.js'));
  assert.equal(json.functionsBySelf.reduce((sum, f) => sum + f.selfNs, 0), module.totalNs);
  assert.equal(json.instanceCount, 0);
  const text = runPanopticon(['summary', path]).stdout;
  assert.ok(text.includes('No coroutine instances'), text);
  assert.ok(text.includes('Functions by total time (recursive calls count once)'), text);
});

test('summary: threads and processes by name, one merged trace of two recordings', async () => {
  const [hello, , threads] = await recorded;
  const json = summaryJson(threads);
  assertMatches(json, eventsOf(threads));
  assert.deepEqual(json.processes[0].threads.map((t) => t.name), ['main', 'examples/threads/secondary.js']);
  const merged = join(dir, 'merged.json');
  const run = runPanopticon(['merge', hello, threads, '-o', merged]);
  assert.equal(run.status, 0, run.stderr);
  const both = summaryJson(merged);
  assertMatches(both, eventsOf(merged));
  assert.equal(both.processes.length, 2);
  assert.deepEqual(both.processes.map((p) => p.name.split('/').at(-1)).sort(), ['async-hello.js', 'main.js']);
  const text = runPanopticon(['summary', merged]).stdout;
  assert.match(text, /; 2 processes, 3 threads\n/);
  assert.match(text, /^\s+tid \d+\s+\d+\s+examples\/threads\/secondary\.js$/m);
});

test('summary: gzip in several members, object form pretty-printed, cut off, start order: the same numbers', async () => {
  const [path] = await recorded;
  const bytes = readFileSync(path);
  const events = eventsOf(path);
  const whole = summaryJson(path);
  const third = Math.floor(bytes.length / 3);
  const forms = {
    // three members, split mid-event: one stream of text once decompressed
    'members.json.gz': Buffer.concat([gzipSync(bytes.subarray(0, third)), gzipSync(bytes.subarray(third, 2 * third)), gzipSync(bytes.subarray(2 * third))]),
    'object.json': JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms' }, null, 2),
    'object.json.gz': gzipSync(JSON.stringify({ traceEvents: events })),
    // one event per line, but sorted by start: read back to front they do not nest; read again sorted
    'by-start.json': '[' + [...events].sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || (b.dur ?? 0) - (a.dur ?? 0)).map((e) => JSON.stringify(e)).join(',\n') + ']\n',
  };
  for (const [name, content] of Object.entries(forms)) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const json = summaryJson(file);
    assert.deepEqual({ functions: json.functionsBySelf, instances: json.instancesBySlices, processes: json.processes, truncated: json.truncated }, {
      functions: whole.functionsBySelf,
      instances: whole.instancesBySlices,
      processes: whole.processes,
      truncated: false,
    }, name);
    // only our line format streams; the others are read whole and every slice sorted
    assert.equal(json.peakHeld, name === 'members.json.gz' ? whole.peakHeld : whole.slices, `${name}: slices held`);
  }

  // Cut off mid-event (a writer killed): the last, incomplete event is left out, and said so
  const cut = join(dir, 'cut.json');
  const text = bytes.toString('utf8');
  const lastLine = text.lastIndexOf('\n{');
  writeFileSync(cut, text.slice(0, lastLine + 40));
  const json = summaryJson(cut);
  assert.equal(json.truncated, true);
  assertMatches(json, eventsOf(cut));
  assert.equal(json.slices, whole.slices - 1);
  const gzCut = join(dir, 'cut.json.gz');
  const gz = gzipSync(bytes);
  writeFileSync(gzCut, gz.subarray(0, gz.length - 30));
  const fromGz = summaryJson(gzCut);
  assert.equal(fromGz.truncated, true);
  assert.ok(fromGz.events < whole.events);
  assertMatches(fromGz, events.slice(0, fromGz.events));
  assert.match(runPanopticon(['summary', cut]).stdout, /The trace was cut off mid-write/);
});

test('summary: a trace of several MB streams back to front holding only the open slices', () => {
  // 30,000 top-level calls, each with two children: written as our writers write (a slice when it
  // ends, one per line), with long args so lines cross the reader's 1 MB chunks
  const n = 30000;
  const pad = 'x'.repeat(80);
  const lines = ['[{"ph":"M","name":"thread_name","pid":7,"tid":1,"ts":0,"args":{"name":"main"}}'];
  const x = (name, ts, dur) => `{"ph":"X","pid":7,"tid":1,"ts":${ts},"dur":${dur},"name":"${name}","cat":"f.js","args":{"pad":"${pad}"}}`;
  for (let k = 0; k < n; k++) {
    const t = 10 * k + 1;
    lines.push(x('child', t + 1, 2), x('child', t + 4, 2.5), x('outer', t, 8));
  }
  const path = join(dir, 'big.json');
  writeFileSync(path, lines.join(',\n') + '\n]\n');
  assert.ok(readFileSync(path).length > 4 << 20);
  const json = summaryJson(path);
  assert.equal(json.slices, 3 * n);
  assert.equal(json.peakHeld, 2, 'an outer slice and one child at a time');
  const get = (name) => json.functionsBySelf.find((f) => f.name === name);
  assert.deepEqual(get('outer'), { name: 'outer', file: 'f.js', calls: n, slices: n, selfNs: 3500 * n, totalNs: 8000 * n });
  assert.deepEqual(get('child'), { name: 'child', file: 'f.js', calls: 2 * n, slices: 2 * n, selfNs: 4500 * n, totalNs: 4500 * n });
  assert.equal(json.endNs - json.startNs, (10 * (n - 1) + 8) * 1000);
});

test('summary: errors (no such file, not a trace, protobuf, empty) and usage', () => {
  const cases = [
    { args: ['summary', join(dir, 'nope.json')], status: 2, message: /summary: cannot find the trace .*nope\.json/ },
    { file: 'garbage.json', content: 'hello', status: 1, message: /summary: garbage\.json: not a trace/ },
    { file: 'empty.json', content: '', status: 1, message: /summary: empty\.json: the file is empty/ },
    // a packet holding field number 0: not protobuf (summary-pftrace.test.mjs reads real ones)
    { file: 'proto.pftrace', content: Buffer.from([0x0a, 0x02, 0x00, 0x01]), status: 1, message: /proto\.pftrace: not a Perfetto protobuf trace after all: field number 0/ },
    { file: 'bad.json', content: '{"traceEvents": [', status: 1, message: /bad\.json: not valid JSON/ },
    { args: ['summary'], status: 2, message: /summary: give one trace file/ },
    { args: ['summary', 'a.json', 'b.json'], status: 2, message: /summary: give one trace file/ },
    { args: ['summary', 'a.json', '--top', 'many'], status: 2, message: /--top takes a number >= 1/ },
    { args: ['-o', 'x.json', 'summary', 'a.json'], status: 2, message: /summary: --output is an option for tracing/ },
  ];
  for (const c of cases) {
    if (c.file) writeFileSync(join(dir, c.file), c.content);
    const run = runPanopticon(c.args ?? ['summary', c.file], { cwd: dir });
    assert.equal(run.status, c.status, `${c.file ?? c.args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, c.message);
    assert.equal(run.stdout, '');
  }
  const help = runPanopticon(['summary', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /panopticon summary TRACE \[--top N\] \[--json\]/);
});
