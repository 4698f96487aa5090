// A .pftrace written while the program runs (runtime perfetto/live-*.ts): the same slices, args,
// chains and names as the Chrome JSON of the same program, though begin packets are written
// before their slices end; whole after a SIGKILL; one trace from the parts of many processes,
// joined as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runPanopticon, readTrace, slicesOf, tempDir } from './support/helpers.mjs';
import { decodePerfetto, resolvePerfetto } from '../packages/runtime/test/support/decode-perfetto.mjs';

const BATCHES = join('test', 'fixtures', 'live', 'batches.js');
// fork, spawn with a scrubbed env, a shell; and forks with workers, one nested in another
const FAMILIES = [join('packages', 'cli', 'test', 'fixtures', 'processes', 'family.js'), join('test', 'fixtures', 'family', 'main.js')];

function traced(format, args, env = {}) {
  const out = join(tempDir(), `trace.${format}`);
  const run = runPanopticon(['-o', out, ...args], { cwd: ROOT, timeout: 120_000, env: { ...process.env, ...env } });
  const trace = readTrace(out);
  assert.ok(trace.ok, trace.report);
  return { run, trace, out };
}

/** What two runs of one program share: per process (by name) and thread, slices in time order without times. */
function shape(model) {
  const byPid = new Map(Object.entries(model.processes).map(([pid, name]) => [Number(pid), name.replace(/^\S+ /, '')]));
  const threads = model.threads.map((t) => ({
    process: byPid.get(t.pid),
    name: t.name,
    slices: t.slices
      .slice()
      .sort((a, b) => a.ts - b.ts || (b.dur ?? Infinity) - (a.dur ?? Infinity))
      .map((s) => `${s.depth} ${s.name} ${JSON.stringify(s.args)}${s.open ? ' open' : ''}`),
  }));
  threads.sort((a, b) => `${a.process} ${a.name}`.localeCompare(`${b.process} ${b.name}`));
  const chains = model.flows.map((f) => f.slices.map((s) => s.name).join(' > ')).sort();
  const instants = model.instants.map((i) => `${i.name} ${JSON.stringify(i.args)}`).sort();
  return { threads, chains, instants };
}

/** Packets holding only sequence_flags and timestamp_clock_id = 0: the room left after begin packets (perfetto/reserve.ts). */
function fillers(path) {
  return decodePerfetto(path).filter((p) => Object.entries(p).every(([k, v]) => (k === 'sequenceFlags' || k === 'timestampClockId') && v === 0)).length;
}

test('streamed .pftrace: async runs across many drains, ended inside calls, show what the JSON shows', () => {
  const json = traced('json', [BATCHES], { MODE: 'exit' });
  const pftrace = traced('pftrace', [BATCHES], { MODE: 'exit' });
  assert.equal(json.run.status, 3);
  assert.equal(pftrace.run.status, 3, pftrace.run.stderr);
  assert.deepEqual(shape(pftrace.trace.model), shape(json.trace.model));

  const slices = slicesOf(pftrace.trace.model);
  // main's first run spans the drains made while the workers run: its begin went out before it ended.
  const main = slices.filter((s) => s.name === 'main').sort((a, b) => a.ts - b.ts);
  assert.equal(main[0].args.ended, 'await');
  assert.deepEqual(slices.filter((s) => s.args.unfinished).map((s) => s.name).sort(), ['deep', 'main']);
  assert.ok(fillers(pftrace.out) > 0, 'some begin packets were written with room after them');
  // An independent decoder reads the same file, fillers and all.
  const { events } = resolvePerfetto(decodePerfetto(pftrace.out));
  assert.equal(events.filter((e) => e.type === 1).length, slices.length);
  // `panopticon summary` reads it, fillers and all: the same functions, calls and instances.
  const summary = (path) => {
    const run = runPanopticon(['summary', '--json', '--top', '1000', path]);
    assert.equal(run.status, 0, run.stderr);
    const { functionsBySelf, instanceCount, slices } = JSON.parse(run.stdout);
    return { calls: functionsBySelf.map((f) => `${f.name} ${f.line} ${f.calls} ${f.slices}`).sort(), instanceCount, slices };
  };
  assert.deepEqual(summary(pftrace.out), summary(json.out));
});

test('streamed .pftrace: a SIGKILL inside a long async run leaves a whole trace of what was drained', () => {
  const { run, trace } = traced('pftrace', [BATCHES], { MODE: 'kill' });
  assert.equal(run.signal, 'SIGKILL');
  assert.match(run.stderr, /killed while it wrote its events/);
  const slices = slicesOf(trace.model);
  assert.equal(slices.filter((s) => s.name === 'worker' && !s.open).length, 6, 'every worker run, each with how it ended');
  assert.ok(slices.filter((s) => s.name === 'worker').every((s) => s.args.ended === (s.args.slice === 0 ? 'await' : 'return')));
  // The runs open when it died: their begins are there, never ended, and nothing is marked unfinished.
  const open = slices.filter((s) => s.open).map((s) => s.name);
  assert.ok(open.includes('dying') && open.includes('main'), open.join());
  assert.ok(slices.every((s) => !s.args.unfinished));
});

for (const family of FAMILIES) {
test(`streamed .pftrace: ${family}: processes and workers, one part per process joined as they are, show what the JSON shows`, () => {
  const json = traced('json', [family]);
  const pftrace = traced('pftrace', [family]);
  assert.equal(pftrace.run.status, 0, pftrace.run.stderr);
  const processes = (model) => Object.values(model.processes).map((n) => n.replace(/^\S+ /, '')).sort();
  assert.deepEqual(processes(pftrace.trace.model), processes(json.trace.model));
  assert.ok(processes(pftrace.trace.model).length >= 3);
  const threads = (model) => model.threads.map((t) => `${model.processes[t.pid].replace(/^\S+ /, '')}: ${t.name}`).sort();
  assert.deepEqual(threads(pftrace.trace.model), threads(json.trace.model));
  // The same functions ran the same number of times in each process (timings differ between runs).
  const counts = (model) => {
    const c = {};
    for (const t of model.threads) for (const s of t.slices) c[`${model.processes[t.pid].replace(/^\S+ /, '')} ${s.name}`] = (c[`${model.processes[t.pid].replace(/^\S+ /, '')} ${s.name}`] ?? 0) + 1;
    return c;
  };
  assert.deepEqual(counts(pftrace.trace.model), counts(json.trace.model));
  assert.equal(pftrace.trace.model.flows.length, json.trace.model.flows.length, 'every chain once: no flow id shared by two parts');
  assert.match(pftrace.run.stderr, new RegExp(`\\(${processes(json.trace.model).length} processes; open it`));
});
}

test('streamed .pftrace: --max-depth, --buffer and --counters say the same as in JSON', () => {
  const deep = ['--max-depth', '4', BATCHES];
  const json = traced('json', deep);
  const pftrace = traced('pftrace', deep);
  assert.deepEqual(shape(pftrace.trace.model), shape(json.trace.model));
  assert.ok(pftrace.trace.model.instants.some((i) => /slices left out: \d+ nested deeper than 4 levels/.test(i.args.note)));

  const ring = traced('pftrace', ['--buffer', '5000', BATCHES]);
  const said = /ring buffer: (\d+) older events dropped/.exec(ring.run.stderr);
  assert.ok(said, ring.run.stderr);
  const note = ring.trace.model.instants.find((i) => i.name === 'panopticon: events dropped');
  assert.ok(note && note.args.note.includes(`(${said[1]} events)`), JSON.stringify(ring.trace.model.instants));

  const sampled = traced('pftrace', ['--counters=5', BATCHES]);
  const series = new Set(sampled.trace.model.counters.map((c) => c.name));
  assert.ok([...series].some((n) => n.startsWith('heap (main)')), [...series].join());
  assert.ok(sampled.trace.model.counters.length > 3);
});

test('--locations: interned (Perfetto source locations) and none (names only) show the same slices, smaller', () => {
  const sizes = {};
  const shapes = {};
  const summaries = {};
  for (const locations of ['args', 'interned', 'none']) {
    const { run, trace, out } = traced('pftrace', ['--locations', locations, BATCHES]);
    assert.equal(run.status, 0, run.stderr);
    sizes[locations] = readFileSync(out).length;
    const slices = slicesOf(trace.model);
    // Without location args, the rest is the same: names, nesting, coroutine args, chains.
    const strip = ({ file, line, col, ...rest }) => rest;
    shapes[locations] = shape({ ...trace.model, threads: trace.model.threads.map((t) => ({ ...t, slices: t.slices.map((s) => ({ ...s, args: strip(s.args) })) })) });
    if (locations !== 'args') assert.ok(slices.every((s) => s.args.file === undefined && s.args.line === undefined), locations);
    const { events } = resolvePerfetto(decodePerfetto(out));
    const begins = events.filter((e) => e.type === 1);
    const run2 = runPanopticon(['summary', '--json', '--top', '100', out]);
    summaries[locations] = JSON.parse(run2.stdout).functionsBySelf.map((f) => `${f.name} ${f.file}:${f.line} ${f.calls}`).sort();
    if (locations === 'interned') {
      const fib = begins.find((e) => e.name === 'fib');
      assert.deepEqual(fib.location, { file: 'test/fixtures/live/batches.js', line: 5 });
      assert.ok(begins.every((e) => e.location !== undefined), 'every slice has its source location');
    } else assert.ok(begins.every((e) => e.location === undefined), locations);
  }
  assert.deepEqual(shapes.interned, shapes.args);
  assert.deepEqual(shapes.none, shapes.args);
  // `panopticon summary` reads interned locations as it reads location args
  assert.deepEqual(summaries.interned, summaries.args);
  const namesAndCalls = (rows) => rows.map((r) => `${r.split(' ')[0]} ${r.split(' ').at(-1)}`).sort();
  assert.deepEqual(namesAndCalls(summaries.none), namesAndCalls(summaries.args));
  assert.ok(sizes.interned < sizes.args * 0.7 && sizes.none < sizes.interned, JSON.stringify(sizes));
});

test('--locations: refused, before the program runs, where it cannot apply', () => {
  const dir = tempDir();
  for (const [args, message] of [
    [['--locations', 'none', '-o', join(dir, 't.json')], /--locations none is for a \.pftrace output/],
    [['--locations', 'interned', '--wakeups', '-o', join(dir, 't.pftrace')], /cannot go with --wakeups, --args or --min-duration/],
    [['--locations', 'nowhere', '-o', join(dir, 't.pftrace')], /--locations takes args, interned, none, not "nowhere"/],
  ]) {
    const run = runPanopticon([...args, '-e', 'console.log("ran")']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, message);
    assert.equal(run.stdout, '', 'the program did not run');
  }
});
