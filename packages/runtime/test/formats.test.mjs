// The three output formats (Chrome JSON, .json.gz, .pftrace) written by the runtime from the same
// recording: every file passes check-trace, all show the same slices, chains, wake-up arrows and
// instants, and the protobuf decodes with protobufjs from a .proto written from the documented
// field numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, checkerPath, runNode, tempDir } from '../../../test/support/helpers.mjs';
import { instrumentedFile } from './support/instrument.mjs';
import { assertSameTrace } from './support/format-dumps.mjs';
import { decodePerfetto, resolvePerfetto } from './support/decode-perfetto.mjs';

const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');
const runtime = createRequire(import.meta.url)(RUNTIME);
const { Recorder, writeTraceFile, formatOfPath, parseFormat, GzipMembers, writeProcessTrace } = runtime;
const META = { pid: 7, tid: 1, processName: 'unit', threadName: 'main' };
const FILES = ['trace.json', 'trace.json.gz', 'trace.pftrace'];

function writeAll(rec, endMs, extra = {}) {
  const dir = tempDir();
  const paths = FILES.map((f) => join(dir, f));
  const counts = paths.map((p) => writeTraceFile(p, rec, META, endMs, extra));
  return { paths, counts };
}

test('formats: chosen by extension or by name', () => {
  assert.deepEqual(['a.json', 'a.JSON.GZ', 'a.gz', 'a.pftrace', 'a.perfetto-trace', 'a.txt'].map(formatOfPath), ['json', 'json.gz', 'json.gz', 'pftrace', 'pftrace', 'json']);
  assert.deepEqual(['json', '.json.gz', 'gzip', 'pftrace', 'protobuf', 'xml'].map(parseFormat), ['json', 'json.gz', 'json.gz', 'pftrace', 'pftrace', undefined]);
});

test('formats: nesting, a generator chain, unfinished slices and left-out notes are the same in all three', () => {
  const rec = new Recorder('test');
  const names = ['module', 'a', 'b', 'gen', 'tiny'];
  const base = rec.register('src/unit.js', names.flatMap((n, i) => [n, i + 1, i * 3]));
  const id = (n) => base + names.indexOf(n);
  rec.start();
  const m = rec.enter(id('module'));
  const co = rec.begin(id('gen'));
  rec.suspendYield(co, 0);
  for (let k = 0; k < 5_000; k++) {
    const a = rec.enter(id('a'));
    const b = rec.enter(id('b'));
    rec.exit(b);
    rec.resumeNext(co, k);
    const t = rec.enter(id('tiny'));
    rec.exit(t);
    rec.suspendYield(co, k);
    rec.exit(a);
  }
  rec.resumeNext(co, 0);
  rec.end(co);
  const left = rec.enter(id('a'));
  rec.enter(id('b')); // both left open: unfinished
  void m;
  void left;
  const endMs = rec.chunks().at(-1).times[rec.chunks().at(-1).length - 1] + 1;

  const whole = writeAll(rec, endMs);
  const { model } = assertSameTrace(whole.paths);
  assert.equal(model.threads[0].slices.length, 1 + 5_002 + 5_000 * 3 + 2);
  assert.equal(model.flows.length, 1);
  assert.equal(model.flows[0].length, 5_002, 'the chain links every slice of the instance');
  assert.equal(model.threads[0].slices.filter((s) => s.args.unfinished).length, 3);
  // JSON counts X events, protobuf its BEGIN and END packets
  assert.equal(whole.counts[2], 2 * model.threads[0].slices.length);
  const sizes = whole.paths.map((p) => statSync(p).size);
  assert.ok(sizes[2] < sizes[0] / 2, `protobuf ${sizes[2]} B is well under JSON's ${sizes[0]} B`);

  // Filters leave slices out and say so in an instant, in every format.
  const filtered = writeAll(rec, endMs, { filters: { maxDepth: 2 } });
  const f = assertSameTrace(filtered.paths).model;
  assert.equal(f.instants.length, 1);
  assert.match(f.instants[0].args.note, /slices left out: \d+ nested deeper than 2 levels/);
  assert.ok(f.threads[0].slices.every((s) => s.depth < 2));
});

test('formats: an instrumented async program with wake-up arrows, in all three formats', () => {
  const program = instrumentedFile(`
    function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
    async function leaf(i) { await null; work(100); return i; }
    async function middle(i) { const a = await leaf(i); const b = await leaf(i + 1); return a + b; }
    function* numbers() { for (let i = 0; i < 4; i++) yield work(10) + i; }
    async function main() { let s = 0; for (const n of numbers()) s += await middle(n); return s; }
    main().then((s) => { globalThis.result = s; });
  `, 'app.js');
  const dir = tempDir();
  const runner = join(dir, 'runner.cjs');
  writeFileSync(runner, `
    const rt = require(${JSON.stringify(RUNTIME)});
    const { WakeTracker } = require(${JSON.stringify(join(ROOT, 'packages', 'runtime', 'dist', 'wakeups.js'))});
    const rec = rt.installRecorder();
    rec.enableWakeups(new WakeTracker());
    rec.start();
    require(${JSON.stringify(program)});
    setTimeout(() => {
      const end = rt.clock.now();
      const meta = { pid: process.pid, tid: 1, processName: 'app', threadName: 'main' };
      for (const f of ${JSON.stringify(FILES)}) rt.writeTraceFile(require('path').join(${JSON.stringify(dir)}, f), rec, meta, end);
      console.log(globalThis.result);
    }, 20);
  `);
  const run = runNode([runner]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), String([0, 1, 2, 3].reduce((s, i) => s + 2 * (45 + i) + 1, 0)));
  const paths = FILES.map((f) => join(dir, f));
  const { model } = assertSameTrace(paths);
  const names = new Set(model.threads[0].slices.map((s) => s.name));
  for (const n of ['main', 'middle', 'leaf', 'numbers', 'work']) assert.ok(names.has(n), n);
  // chains: main (1), each middle, each leaf, the generator; wake-ups: leaf -> middle, middle -> main
  const chains = model.flows.filter((f) => f.every((p) => p.split(' ')[1].startsWith(f[0].split(' ')[1].split('@')[0])));
  const wakes = model.flows.filter((f) => !chains.includes(f));
  assert.ok(chains.length >= 1 + 4 + 8, `${chains.length} chains`);
  assert.equal(wakes.length, 8 + 4, 'each finished leaf wakes its middle, each middle wakes main');
  for (const w of wakes) assert.equal(w.length, 2);

  // An independent decoder: protobufjs with a .proto written from the field numbers.
  const packets = decodePerfetto(paths[2]);
  const { events, tracks, sequences } = resolvePerfetto(packets);
  assert.equal(packets[0].trackDescriptor.process.pid, run.pid ?? packets[0].trackDescriptor.process.pid);
  assert.equal(packets[0].trackDescriptor.process.processName, 'app');
  const thread = [...tracks.values()].find((t) => t.thread);
  assert.deepEqual({ tid: thread.thread.tid, name: thread.thread.threadName, parent: thread.parentUuid }, { tid: 1, name: 'main', parent: packets[0].trackDescriptor.uuid });
  const seq = [...sequences.values()].find((s) => s.clock !== null);
  assert.ok(seq.clock >= 64 && seq.clock <= 127, 'a sequence-scoped incremental clock');
  assert.equal(events.filter((e) => e.type === 1).length, events.filter((e) => e.type === 2).length);
  const begins = events.filter((e) => e.type === 1);
  assert.ok(begins.every((e) => typeof e.name === 'string' && e.args.file === 'app.js' && e.args.line !== undefined));
  const interned = [...seq.names.values()];
  assert.equal(interned.filter((n) => n === 'work').length, 1, 'each function name interned once');
  const flowIds = new Set(events.flatMap((e) => [...e.flows, ...e.ends]));
  assert.equal(flowIds.size, model.flows.length);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].ns >= events[i - 1].ns, 'time never goes back');
});

test('gzip: whole members; a file cut between members still inflates and opens', () => {
  const rec = new Recorder('test');
  const base = rec.register('src/g.js', ['f', 1, 1]);
  rec.start();
  for (let i = 0; i < 3000; i++) rec.exit(rec.enter(base));
  const members = [];
  const gz = new GzipMembers((m) => members.push(Buffer.from(m)), 16 << 10);
  const thread = { functions: rec.functions, chunks: () => rec.chunks(), tid: 1, name: 'main' };
  writeProcessTrace([thread], { pid: 3, name: 'g' }, rec.chunks()[0].times[5999] + 1, (text) => {
    for (let i = 0; i < text.length; i += 4096) gz.push(text.slice(i, i + 4096));
  });
  gz.flush();
  assert.ok(members.length > 3, `${members.length} members`);
  const dir = tempDir();
  const whole = join(dir, 'whole.json.gz');
  writeFileSync(whole, Buffer.concat(members));
  const cut = join(dir, 'cut.json.gz');
  writeFileSync(cut, Buffer.concat(members.slice(0, 2)));
  const text = gunzipSync(readFileSync(cut)).toString('utf8');
  assert.ok(text.startsWith('[{"ph":"M"'));
  const check = runNode([checkerPath(), cut]);
  assert.equal(check.status, 0, check.stdout);
  assert.match(check.stdout, /\(gzip\)/);
  const full = runNode([checkerPath(), whole]);
  assert.equal(full.status, 0, full.stdout);
  assert.match(full.stdout, /3000 slice\(s\)/);
});
