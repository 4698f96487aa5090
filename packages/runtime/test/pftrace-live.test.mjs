// The streamed .pftrace writer (perfetto/live-*.ts), fed the same recording in batches of every
// size (as drains cut it at any event): always the trace the JSON writer shows for it, whether the
// slices open when a batch ends end in a later batch (their begin packets rewritten there) or are
// still open at the end (rewritten as unfinished). And the room kept after such packets
// (perfetto/reserve.ts) is a whole packet of any size a rewrite can leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../test/support/helpers.mjs';
import { assertSameTrace } from './support/format-dumps.mjs';
import { decodePerfetto } from './support/decode-perfetto.mjs';

const req = createRequire(import.meta.url);
const dist = join(ROOT, 'packages', 'runtime', 'dist');
const { FunctionTable, SideKind, SIDE_SHIFT, writeProcessFile } = req(join(dist, 'index.js'));
const { PerfettoStream } = req(join(dist, 'perfetto', 'live-stream.js'));
const { filler, rewritten, RESERVE } = req(join(dist, 'perfetto', 'reserve.js'));
const { UNFINISHED, ENDED } = req(join(dist, 'perfetto', 'packets.js'));

const co = (instance, kind) => (instance << 3) | kind;

/** Coroutines across what will be batch ends, an exception, side events, frames open at the end. */
function recording(functions) {
  const side = (kind, value, ms) => [0, ms, (functions.sideValues.push(value) - 1) * 2 ** SIDE_SHIFT + kind];
  return [
    [-3, 0.2], // a frame begun before the recording: ends nothing
    [1, 1],
    [2, 1.5, co(1, 1)], // first run of instance 1 ...
    [3, 1.6],
    [4, 1.7],
    [-4, 1.8],
    [-3, 1.9],
    [-2, 2, 2], // ... ends by await
    [3, 2.5, co(2, 1)],
    side(SideKind.Instant, ['between', { n: 1 }], 2.6),
    [-2, 2.8, 1], // yield
    [-1, 3],
    side(SideKind.Counter, ['queue', { length: 3 }], 3.1),
    side(SideKind.ThreadName, 'renamed', 3.15),
    [2, 3.5, co(1, 5)], // await fulfilled
    [3, 4, co(2, 2)], // next
    [-2, 4.5, 1], // yield
    [3, 4.75, co(3, 1)],
    [4, 4.8],
    [-2, 4.9, 3], // returns; the plain call above it was left by an exception
    [-1, 4.95, 3], // instance 1 returns
    [3, 5, co(2, 2)], // next: still open at the end, as is what it calls
    [3, 5.2],
    [4, 5.3],
  ];
}

function functionTable() {
  const functions = new FunctionTable();
  functions.register('src/a.js', ['outer', 1, 0, 'middle', 5, 2, 'inner', 9, 4, 'leaf', 12, 6]);
  return functions;
}

function arrays(events) {
  const codes = new Int32Array(events.map((e) => e[0]));
  const times = new Float64Array(events.map((e) => e[1]));
  const marks = new Int32Array(events.map((e) => e[2] ?? 0));
  return { codes, times, marks };
}

/** Writes the recording through PerfettoStream in batches of `size` events, as drains would. */
function writeLive(path, functions, events, size, filters = {}) {
  const fd = openSync(path, 'w');
  const stream = new PerfettoStream(
    { pid: 5, name: 'live', filters },
    (bytes) => writeSync(fd, bytes),
    (offset, bytes) => writeSync(fd, bytes, 0, bytes.length, offset),
  );
  const thread = stream.thread(1, 'main', functions, 0);
  const { codes, times, marks } = arrays(events);
  for (let from = 0; from < events.length; from += size) {
    thread.feed(codes, times, marks, from, Math.min(events.length, from + size));
    stream.flush(); // each batch goes to the file: later rewrites reach it there
  }
  thread.finish(6e6);
  stream.close();
  closeSync(fd);
}

test('live pftrace: every batch size gives the trace the JSON writer shows', () => {
  const dir = tempDir();
  const functions = functionTable();
  const events = recording(functions);
  const json = join(dir, 't.json');
  writeProcessFile(json, 'json', [{ functions, chunks: () => [{ ...arrays(events), length: events.length }], tid: 1, name: 'main' }], { pid: 5, name: 'live' }, 6);
  for (let size = 1; size <= events.length; size++) {
    const live = join(dir, `t${size}.pftrace`);
    writeLive(live, functions, events, size);
    const { model } = assertSameTrace([json, live]);
    if (size === 1) {
      assert.equal(model.threads[0].name, 'renamed');
      assert.equal(model.threads[0].slices.filter((s) => s.args.unfinished).length, 3);
      assert.ok(model.threads[0].slices.some((s) => s.args.ended === 'yield'));
      assert.equal(model.counters.length, 1);
    }
  }
});

test('live pftrace: instants are written as they come, and nothing of them is kept', () => {
  const functions = functionTable();
  const events = [[1, 1]];
  for (let i = 0; i < 1000; i++) events.push([0, 1 + i / 1000, (functions.sideValues.push(['tick', { i }]) - 1) * 2 ** SIDE_SHIFT + SideKind.Instant]);
  events.push([-1, 3]);
  const path = join(tempDir(), 'instants.pftrace');
  const fd = openSync(path, 'w');
  const stream = new PerfettoStream({ pid: 5, name: 'live' }, (bytes) => writeSync(fd, bytes), (offset, bytes) => writeSync(fd, bytes, 0, bytes.length, offset));
  const thread = stream.thread(1, 'main', functions, 0);
  const { codes, times, marks } = arrays(events);
  for (let from = 0; from < events.length; from += 100) thread.feed(codes, times, marks, from, Math.min(events.length, from + 100));
  // (the writer's own state, looked at from outside: what a long run would pile up)
  assert.equal(thread.store.instantNs.length + thread.store.instantKey.length, 0);
  assert.equal(thread.custom.instants.length, 0);
  thread.finish(4e6);
  stream.close();
  closeSync(fd);
  const { model } = assertSameTrace([path]);
  assert.equal(model.instants.length, 1000);
  assert.deepEqual(model.instants.at(-1).args, { i: 999 });
});

test('live pftrace: a depth limit leaves the same slices out and says so at the same time', () => {
  const dir = tempDir();
  const functions = functionTable();
  const events = recording(functions);
  const json = join(dir, 'd.json');
  const filters = { maxDepth: 2 };
  writeProcessFile(json, 'json', [{ functions, chunks: () => [{ ...arrays(events), length: events.length }], tid: 1, name: 'main' }], { pid: 5, name: 'live', filters }, 6);
  for (const size of [1, 4, events.length]) {
    const live = join(dir, `d${size}.pftrace`);
    writeLive(live, functions, events, size, filters);
    const { model } = assertSameTrace([json, live]);
    assert.ok(model.instants.some((i) => /nested deeper than 2 levels/.test(i.args.note)));
  }
});

test('live pftrace: a filler is one packet of exactly the size asked; a rewrite keeps the length', () => {
  for (const size of [1, 3, 130]) assert.throws(() => filler(new Uint8Array(200), 0, size), RangeError);
  for (let size = 0; size <= 129; size++) {
    if (size === 1 || size === 3) continue;
    const buf = new Uint8Array(200).fill(0xee);
    assert.equal(filler(buf, 3, size), 3 + size);
    if (size === 0) continue;
    assert.equal(buf[3], 0x0a);
    const path = join(tempDir(), 'filler.pftrace');
    const fd = openSync(path, 'w');
    writeSync(fd, buf.subarray(3, 3 + size));
    closeSync(fd);
    assert.equal(decodePerfetto(path).length, 1, `size ${size}`);
  }
  // a begin packet: 0a LEN 5a LEN <type begin, name_iid 7> 50 01 40 05
  const packet = Uint8Array.from([0x0a, 0x0a, 0x5a, 0x04, 0x48, 0x01, 0x50, 0x07, 0x50, 0x01, 0x40, 0x05]);
  for (const args of [UNFINISHED, ENDED[5], Uint8Array.from([...ENDED[5], ...UNFINISHED])]) {
    const bytes = rewritten(packet, args);
    assert.equal(bytes.length, packet.length + RESERVE);
    const path = join(tempDir(), 'rewritten.pftrace');
    const fd = openSync(path, 'w');
    writeSync(fd, bytes);
    closeSync(fd);
    const [grown, ...rest] = decodePerfetto(path);
    assert.equal(rest.length, 1, 'and one filler');
    assert.equal(grown.trackEvent.debugAnnotations.length, args === UNFINISHED || args === ENDED[5] ? 1 : 2);
    assert.equal(grown.timestamp, '5');
  }
});

// Random recordings (coroutine instances that await, yield, resume, return and throw; exceptions
// that skip exits; instants and counters; every third one with a depth limit), fed in batches of
// random sizes: the streamed .pftrace always shows what the JSON writer shows.
/** A seeded pseudo-random source (the same recordings every run). */
function rng(seed) { return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000); }
/** 300 events of a plausible thread: what the recorder could have recorded. */
function randomRecording(seed, functions) {
  const r = rng(seed);
  const ev = [];
  let t = 1, nextInstance = 1;
  const stack = []; // per open frame: instance (0 plain)
  const suspended = []; // [instance, how it suspended: 1 yield, 2 await]
  for (let n = 0; n < 300; n++) {
    t += 0.001 + r() * 0.01;
    const x = r();
    if (stack.length > 0 && x < 0.35) {
      const depth = stack.length;
      if (r() < 0.15 && depth > 1) {
        // an exception: frames above `to` are left without their exits (they end by throw)
        const to = Math.max(1, depth - 1 - Math.floor(r() * 2));
        while (stack.length > to) stack.pop();
      }
      const inst = stack.pop();
      let mark = 0;
      if (inst !== 0) {
        mark = [1, 2, 2, 3, 4][Math.floor(r() * 5)];
        if (mark === 1 || mark === 2) suspended.push([inst, mark]);
      }
      ev.push([-(stack.length + 1), t, mark]);
    } else if (x < 0.8) {
      const id = 1 + Math.floor(r() * 4);
      if (r() < 0.4) {
        let inst, kind;
        if (suspended.length && r() < 0.5) {
          const [i2, how] = suspended.splice(Math.floor(r() * suspended.length), 1)[0];
          inst = i2;
          kind = how === 1 ? 2 : [5, 6, 7][Math.floor(r() * 3)];
        } else { inst = nextInstance++; kind = 1; }
        ev.push([id, t, (inst << 3) | kind]);
        stack.push(inst);
      } else { ev.push([id, t, 0]); stack.push(0); }
    } else if (x < 0.9) {
      ev.push([0, t, (functions.sideValues.push(['mark', { n }]) - 1) * 2 ** SIDE_SHIFT + SideKind.Instant]);
    } else {
      ev.push([0, t, (functions.sideValues.push(['q', { v: n }]) - 1) * 2 ** SIDE_SHIFT + SideKind.Counter]);
    }
  }
  return ev;
}

test('live pftrace: random recordings cut into random batches show what the JSON shows', () => {
  const dir = tempDir();
  for (let seed = 1; seed <= 25; seed++) {
    const functions = functionTable();
    const events = randomRecording(seed, functions);
    const filters = seed % 3 === 0 ? { maxDepth: 3 } : {};
    const json = join(dir, `r${seed}.json`);
    writeProcessFile(json, 'json', [{ functions, chunks: () => [{ ...arrays(events), length: events.length }], tid: 1, name: 'main' }], { pid: 5, name: 'live', filters }, 10);
    const live = join(dir, `r${seed}.pftrace`);
    const sizes = rng(seed * 7);
    const fd = openSync(live, 'w');
    const stream = new PerfettoStream({ pid: 5, name: 'live', filters }, (bytes) => writeSync(fd, bytes), (offset, bytes) => writeSync(fd, bytes, 0, bytes.length, offset));
    const thread = stream.thread(1, 'main', functions, 0);
    const { codes, times, marks } = arrays(events);
    for (let from = 0; from < events.length; ) {
      const to = Math.min(events.length, from + 1 + Math.floor(sizes() * 40));
      thread.feed(codes, times, marks, from, to);
      stream.flush();
      from = to;
    }
    thread.finish(10e6);
    stream.close();
    closeSync(fd);
    assertSameTrace([json, live]);
  }
});
