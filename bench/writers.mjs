// `node bench/writers.mjs [--events=N]`: how fast each trace writer turns a recording into a file,
// and how many bytes an event costs, on a synthetic recorder stream (10 million events by
// default: calls nested 1 to 8 deep, 300 functions in 30 files, 150 ns apart), and then on a real
// recording (the runtime's Recorder timing a recursive fib(32), 14.1 million events: the gaps a
// traced program really has between events). Output goes to a byte counter, not a disk, so the
// figures are the encoders' own. Prints figures, never fails.
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const rt = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
const { FunctionTable, CHUNK_EVENTS, Recorder, writeProcessTrace, writePerfettoProcess, GzipMembers } = rt;
const { visitSlices } = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'slices.js'));
const { PerfettoStream } = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'perfetto', 'live-stream.js'));

const eventsArg = process.argv.find((a) => a.startsWith('--events='));
const EVENTS = eventsArg ? Number(eventsArg.slice('--events='.length)) : 10_000_000;
// `--only=json,pftrace` measures just those writers; `--rounds=N` (2 by default: cold, then warm)
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : 2;

function syntheticThread() {
  const functions = new FunctionTable();
  for (let f = 0; f < 30; f++) {
    const entries = [];
    for (let i = 0; i < 10; i++) entries.push(`handler${f}_${i}`, 10 + i * 7, 3);
    functions.register(`src/services/module-${f}/index.js`, entries);
  }
  const chunks = [];
  let chunk = null;
  let depth = 0;
  let t = 0;
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const push = (code) => {
    if (chunk === null || chunk.length === CHUNK_EVENTS) {
      chunk = { codes: new Int32Array(CHUNK_EVENTS), times: new Float64Array(CHUNK_EVENTS), length: 0 };
      chunks.push(chunk);
    }
    chunk.codes[chunk.length] = code;
    chunk.times[chunk.length++] = t;
    t += 0.00015; // ms
  };
  for (let n = 0; n < EVENTS; n++) {
    // enter while shallow, exit while deep; close everything as the stream ends
    const remaining = EVENTS - n;
    if (remaining <= depth || (depth > 0 && (depth >= 8 || random() < 0.5))) push(-depth--);
    else {
      push(1 + Math.floor(random() * 300));
      depth++;
    }
  }
  return { functions, chunks: () => chunks, tid: 1, name: 'main', endMs: t };
}

/** The real recorder timing fib(32): 7.05 million calls, two events each. */
function recordedThread() {
  const recorder = new Recorder('bench');
  const id = recorder.register('src/math/fib.js', ['fib', 1, 0]);
  const fib = (n) => {
    const frame = recorder.enter(id);
    try {
      return n < 2 ? n : fib(n - 1) + fib(n - 2);
    } finally {
      recorder.exit(frame);
    }
  };
  recorder.start();
  const started = performance.now();
  fib(32);
  const endMs = performance.now() - started + 1;
  recorder.stop();
  const chunks = recorder.chunks();
  return { functions: recorder.functions, chunks: () => chunks, tid: 1, name: 'main', endMs: endMs + started, events: chunks.reduce((n, c) => n + c.length, 0) };
}

let EVENTS_NOW = EVENTS;

function measure(name, write) {
  if (ONLY !== null && !ONLY.has(name.split(' ')[0])) return;
  global.gc?.();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const bytes = write();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time too: on a shared machine the wall clock also counts other processes' turns.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const EVENTS = EVENTS_NOW;
  console.log(`${name.padEnd(26)} ${(EVENTS / seconds / 1e6).toFixed(1).padStart(6)} M events/s  ${(bytes / EVENTS).toFixed(2).padStart(6)} bytes/event  ${(bytes / 1e6).toFixed(0).padStart(5)} MB  ${seconds.toFixed(2)} s  (cpu ${cpuSeconds.toFixed(2)} s: ${(EVENTS / cpuSeconds / 1e6).toFixed(1)} M events/cpu-s)`);
}

const proc = { pid: 1, name: 'bench' };
const pftraceWith = (thread, locations) => () => {
  let bytes = 0;
  writePerfettoProcess([thread], { ...proc, filters: { locations } }, thread.endMs, (data) => (bytes += data.length));
  return bytes;
};
let thread = syntheticThread();
console.log(`panopticon writers: node ${process.version}, ${EVENTS} recorder events (${EVENTS / 2} slices)\n`);
for (let round = 0; round < ROUNDS; round++) {
  if (round > 0) console.log(`(round ${round + 1}, warmed up)`);
  // matching enters with exits into slices (slices.ts): the floor of the JSON writer (the .pftrace
  // writer does its own matching in one pass, perfetto/stream-encoder.ts)
  measure('slices', () => {
    let n = 0;
    visitSlices(thread, 0, thread.endMs * 1e6, 0, {}, { slice: () => n++, wake() {}, leftOut() {} });
    return 0;
  });
  measure('json', () => {
    let bytes = 0;
    writeProcessTrace([thread], proc, thread.endMs, { bytes: (b) => (bytes += b.length) });
    return bytes;
  });
  measure('pftrace', () => {
    let bytes = 0;
    writePerfettoProcess([thread], proc, thread.endMs, (data) => (bytes += data.length));
    return bytes;
  });
  // The .pftrace written while the program runs (perfetto/live-*.ts): fed a chunk at a time, as
  // drains do, each chunk scanned first; slices open at a chunk's end get room after their begin
  // packet and are rewritten at their end (counted here as rewritten bytes, not file bytes).
  measure('pftrace-live', () => {
    let bytes = 0;
    const stream = new PerfettoStream(proc, (data) => (bytes += data.length), () => {});
    const sink = stream.thread(thread.tid, thread.name, thread.functions, 0);
    for (const chunk of thread.chunks()) {
      sink.feed(chunk.codes, chunk.times, chunk.marks ?? new Int32Array(0), 0, chunk.length);
      stream.flush();
    }
    sink.finish(thread.endMs * 1e6);
    stream.close();
    return bytes;
  });
  measure('json.gz', () => {
    let bytes = 0;
    const gz = new GzipMembers((member) => (bytes += member.length));
    writeProcessTrace([thread], proc, thread.endMs, (text) => gz.push(text));
    gz.flush();
    return bytes;
  });
  // Where a .pftrace puts each slice's file, line and col (--locations)
  measure('pftrace --locations interned', pftraceWith(thread, 'interned'));
  measure('pftrace --locations none', pftraceWith(thread, 'none'));
}

thread = recordedThread();
EVENTS_NOW = thread.events;
console.log(`\na real recording: fib(32) through the Recorder, ${thread.events} events (${(thread.endMs - thread.chunks()[0].times[0]).toFixed(0)} ms traced)`);
for (let round = 0; round < ROUNDS; round++) {
  measure('json', () => {
    let bytes = 0;
    writeProcessTrace([thread], proc, thread.endMs, { bytes: (b) => (bytes += b.length) });
    return bytes;
  });
  measure('pftrace', pftraceWith(thread, 'args'));
  measure('pftrace --locations interned', pftraceWith(thread, 'interned'));
  measure('pftrace --locations none', pftraceWith(thread, 'none'));
}
