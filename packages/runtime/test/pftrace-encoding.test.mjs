// The .pftrace encoding packet by packet, read by an independent decoder (protobufjs with the
// subset .proto written from the documented field numbers) and by the checker: what each packet
// holds and costs, and that edge cases of the byte layout (two-byte lengths, many functions,
// gaps above 2^31 ns, zero-length slices) show the same trace as the JSON of the same recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../../../test/support/helpers.mjs';
import { assertSameTrace } from './support/format-dumps.mjs';
import { decodePerfetto, resolvePerfetto } from './support/decode-perfetto.mjs';
import { readBigTrace } from './support/big-trace.mjs';

const runtime = createRequire(import.meta.url)(join(ROOT, 'packages', 'runtime', 'dist', 'index.js'));
const { Recorder, FunctionTable, CHUNK_EVENTS, writeProcessFile, writeTraceFile } = runtime;

/** A recorder-like thread from (code, time in ms) pairs: code > 0 enters function `code`, < 0 exits. */
function syntheticThread(functions, events) {
  const codes = new Int32Array(Math.max(events.length, 1));
  const times = new Float64Array(Math.max(events.length, 1));
  events.forEach(([code, ms], i) => {
    codes[i] = code;
    times[i] = ms;
  });
  assert.ok(events.length <= CHUNK_EVENTS);
  return { functions, chunks: () => [{ codes, times, length: events.length }], tid: 1, name: 'main' };
}

/** Top-level packets' sizes (tag, length and body), in file order. */
function packetSizes(bytes) {
  const sizes = [];
  let p = 0;
  while (p < bytes.length) {
    assert.equal(bytes[p], 0x0a, 'each top-level field is a TracePacket');
    let length = 0;
    let shift = 0;
    let q = p + 1;
    for (;;) {
      const b = bytes[q++];
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    sizes.push(q - p + length);
    p = q + length;
  }
  return sizes;
}

const varintLength = (n) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5 + Math.floor(Math.log2(n / 0x10000000) / 7));

test('pftrace encoding: plain calls are sequence id, timestamp and event only; long paths, many functions, long gaps', () => {
  const functions = new FunctionTable();
  const longPath = `src/${'deeply/nested/'.repeat(20)}module.js`;
  // 200 functions: name iids above 127 take two bytes
  for (let f = 0; f < 20; f++) {
    const entries = [];
    // one name of 3000 characters, interned in the packet of its first call
    for (let i = 0; i < 10; i++) entries.push(f === 3 && i === 4 ? `long${'x'.repeat(3000)}` : `f${f}_${i}`, 1 + i * 200, i);
    functions.register(f === 7 ? longPath : `src/m${f}.js`, entries);
  }
  const events = [];
  let ms = 1;
  for (let n = 0; n < 600; n++) {
    const id = 1 + ((n * 37) % 200);
    events.push([id, ms]);
    const nested = n % 3 === 0;
    if (nested) events.push([1 + ((n * 11) % 200), ms + 0.0001], [-2, ms + 0.0002]);
    // zero-length slices, sub-microsecond ones, and a gap of 5 s (5e9 ns > 2^31) now and then
    ms += n % 50 === 49 ? 5000 : n % 7 === 1 && !nested ? 0 : 0.000323;
    events.push([-1, ms]);
    ms += 0.0015;
  }
  const thread = syntheticThread(functions, events);
  const dir = tempDir();
  const paths = ['t.json', 't.pftrace'].map((f) => join(dir, f));
  const proc = { pid: 5, name: 'synthetic' };
  for (const path of paths) writeProcessFile(path, path.endsWith('.json') ? 'json' : 'pftrace', [thread], proc, ms + 1);
  const { model } = assertSameTrace(paths);
  assert.equal(model.threads[0].slices.length, 600 + 200);
  assert.ok(model.threads[0].slices.some((s) => s.args.file === longPath));

  const packets = decodePerfetto(paths[1]);
  const { events: decoded } = resolvePerfetto(packets);
  const sizes = packetSizes(readFileSync(paths[1]));
  assert.equal(sizes.length, packets.length);
  packets.forEach((p, k) => {
    if (!p.trackEvent) return;
    const seq = p.trustedPacketSequenceId;
    assert.ok(seq !== undefined, 'every event names its sequence (Perfetto drops one that does not)');
    assert.equal(p.sequenceFlags, undefined, 'no sequence_flags after the packet that cleared the state');
    const e = p.trackEvent;
    const delta = Number(p.timestamp);
    if (e.type === 2) {
      // 0a LEN | 5a 02 48 02 | 50 SEQ | 40 Δts: 9 bytes and the delta's varint
      assert.deepEqual(Object.keys(p).sort(), ['timestamp', 'trackEvent', 'trustedPacketSequenceId']);
      assert.equal(sizes[k], 9 + varintLength(delta), `end packet #${k}`);
    } else if (!p.internedData) {
      assert.deepEqual(Object.keys(p).sort(), ['timestamp', 'trackEvent', 'trustedPacketSequenceId']);
      assert.deepEqual(Object.keys(e).sort(), ['debugAnnotations', 'nameIid', 'type']);
      assert.deepEqual(e.debugAnnotations.map((a) => Number(a.nameIid)), [1, 2, 3], 'file, line, col by interned name');
    }
  });
  // The sequence's first packet clears the state; it is the only one with flags.
  const withFlags = packets.filter((p) => p.sequenceFlags !== undefined);
  assert.deepEqual(withFlags.map((p) => p.sequenceFlags), [1]);
  assert.ok(decoded.some((e) => Number(e.ns) - Number(decoded[0].ns) > 2 ** 31), 'a gap above 2^31 ns');
  assert.ok(sizes.some((s) => s > 129), 'a packet with a two-byte length');
  const names = decoded.filter((e) => e.type === 1).map((e) => e.name);
  assert.ok(names.includes('f19_9') && names.includes('f0_0') && names.includes(`long${'x'.repeat(3000)}`));
});

test('pftrace encoding: coroutine and unfinished args read the same by protobufjs as by the checker from JSON', () => {
  const rec = new Recorder('test');
  const names = ['main', 'gen', 'step', 'open'];
  const base = rec.register('src/co.js', names.flatMap((n, i) => [n, i + 1, 2]));
  const id = (n) => base + names.indexOf(n);
  rec.start();
  const m = rec.enter(id('main'));
  const co = rec.begin(id('gen'));
  rec.suspendYield(co, 0);
  for (let k = 0; k < 40; k++) {
    rec.exit(rec.enter(id('step')));
    rec.resumeNext(co, k);
    rec.suspendYield(co, k);
  }
  rec.resumeNext(co, 0);
  rec.end(co);
  rec.exit(m);
  rec.enter(id('open')); // left open: unfinished
  const last = rec.chunks().at(-1);
  const endMs = last.times[last.length - 1] + 1;
  const dir = tempDir();
  const paths = ['c.json', 'c.pftrace'].map((f) => join(dir, f));
  for (const path of paths) writeTraceFile(path, rec, { pid: 9, tid: 1, processName: 'co', threadName: 'main' }, endMs);
  assertSameTrace(paths);

  const json = readBigTrace(paths[0]).model.threads[0].slices;
  const { events } = resolvePerfetto(decodePerfetto(paths[1]));
  const begins = events.filter((e) => e.type === 1);
  const key = (name, args) => `${name} ${JSON.stringify(Object.keys(args).sort().map((k) => [k, typeof args[k] === 'boolean' ? args[k] : String(args[k])]))}`;
  const fromProto = begins.map((e) => key(e.name, e.args)).sort();
  const fromJson = json.map((s) => key(s.name, s.args)).sort();
  assert.deepEqual(fromProto, fromJson);
  const genSlices = begins.filter((e) => e.name === 'gen');
  assert.equal(genSlices.length, 42);
  for (const e of genSlices) {
    assert.ok(Number(e.args.instance) >= 1);
    assert.equal(typeof e.args.resumed, 'string');
  }
  assert.ok(genSlices.some((e) => e.args.ended === 'yield') && genSlices.some((e) => e.args.ended === 'return'));
  assert.deepEqual(begins.filter((e) => e.args.unfinished === true).map((e) => e.name), ['open']);
});
