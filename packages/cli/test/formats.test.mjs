// The command's output formats: -o's extension or --format picks Chrome JSON, gzipped JSON or
// Perfetto protobuf. Processes still write JSON parts; the merged trace is converted. A traced
// family of processes, converted, shows the same trace in all three formats under check-trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { runPanopticon, tempDir } from '../../../test/support/helpers.mjs';
import { FIXTURES, FINAL_LINE } from './support/cli.mjs';
import { assertSameTrace } from '../../runtime/test/support/format-dumps.mjs';
import { decodePerfetto, resolvePerfetto } from '../../runtime/test/support/decode-perfetto.mjs';

const DIR = join(FIXTURES, 'processes');

test('formats: a family of processes traced to .pftrace and .json.gz directly, and converted by merge, shows one trace', () => {
  const dir = tempDir();
  const json = join(dir, 'family.json');
  const run = runPanopticon(['--wakeups', '-o', json, join(DIR, 'family.js')], { cwd: DIR });
  assert.equal(run.status, 0, run.stderr);
  const processes = Number(FINAL_LINE.exec(run.stderr.trim().split('\n').at(-1))[3]);
  assert.ok(processes >= 3);

  const converted = ['family.pftrace', 'family.json.gz'].map((name) => {
    const out = join(dir, name);
    const merged = runPanopticon(['merge', json, '-o', out]);
    assert.equal(merged.status, 0, merged.stderr);
    return out;
  });
  const { model } = assertSameTrace([json, ...converted]);
  assert.equal(Object.keys(model.processes).length, processes);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.json-')), [], 'no scratch file left');

  // Traced straight to each format: every file opens, with every process and its names.
  for (const [args, name, head] of [
    [[], 'direct.pftrace', 0x0a],
    [[], 'direct.json.gz', 0x1f],
    [['--format', 'pftrace'], 'named.trace', 0x0a],
  ]) {
    const out = join(dir, name);
    const direct = runPanopticon([...args, '--wakeups', '-o', out, join(DIR, 'family.js')], { cwd: DIR });
    assert.equal(direct.status, 0, direct.stderr);
    assert.match(direct.stdout, /parent done: fork spawn shell/);
    assert.match(direct.stderr.trim().split('\n').at(-1), FINAL_LINE);
    assert.equal(readFileSync(out)[0], head, name);
    const again = assertSameTrace([out]).model;
    assert.equal(Object.keys(again.processes).length, processes, name);
    assert.ok(Object.values(again.processes).some((n) => n.endsWith('family.js')), name);
  }
});

test('formats: the converter keeps B/E slices, instants, counters, v1 and v2 flows and awkward args', () => {
  const dir = tempDir();
  const input = join(dir, 'hand.json');
  const events = [
    { ph: 'M', name: 'process_name', pid: 1, args: { name: 'hand made' } },
    { ph: 'M', name: 'thread_name', pid: 1, tid: 2, args: { name: 'worker "α"' } },
    { ph: 'X', name: 'inner', cat: 'c', pid: 1, tid: 2, ts: 12.5, dur: 3, args: { n: -5, big: 2 ** 40, s: 'é', ok: false }, bind_id: 9, flow_out: true },
    { ph: 'X', name: 'outer', cat: 'c', pid: 1, tid: 2, ts: 10, dur: 20, args: {} },
    { ph: 'X', name: 'next', cat: 'c', pid: 1, tid: 2, ts: 40, dur: 1.001, bind_id: 9, flow_in: true },
    { ph: 'B', name: 'open-close', pid: 1, tid: 3, ts: 5 },
    { ph: 'E', pid: 1, tid: 3, ts: 50 },
    { ph: 's', cat: 'w', name: 'wakes', id: 1, pid: 1, tid: 2, ts: 14 },
    { ph: 'f', bp: 'e', cat: 'w', name: 'wakes', id: 1, pid: 1, tid: 3, ts: 45 },
    { ph: 'i', s: 't', name: 'note', pid: 1, tid: 3, ts: 7, args: { why: 'because' } },
    { ph: 'C', name: 'heap', pid: 1, ts: 1, args: { used: 10, total: 20 } },
    { ph: 'C', name: 'heap', pid: 1, ts: 2, args: { used: 11, total: 20 } },
  ];
  writeFileSync(input, '[' + events.map((e) => JSON.stringify(e)).join(',\n') + ']\n');
  const out = join(dir, 'hand.pftrace');
  const merged = runPanopticon(['merge', input, '--format', 'pftrace', '-o', out]);
  assert.equal(merged.status, 0, merged.stderr);
  const { model } = assertSameTrace([input, out]);
  assert.equal(model.counters.length, 4);
  assert.equal(model.flows.length, 2);
  assert.equal(model.instants.length, 1);
  assert.deepEqual(model.threads.find((t) => t.tid === 2).slices[1].args, { big: 2 ** 40, n: -5, ok: false, s: 'é' });
  const { events: decoded } = resolvePerfetto(decodePerfetto(out));
  const inner = decoded.find((e) => e.type === 1 && e.name === 'inner');
  assert.deepEqual({ ...inner.args }, { n: '-5', big: String(2 ** 40), s: 'é', ok: false });
});

test('formats: --format takes json, json.gz or pftrace', () => {
  const bad = runPanopticon(['--format', 'xml', '-e', '1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format takes json, json.gz or pftrace, not "xml"/);
  const dir = tempDir();
  const out = join(dir, 'x.json');
  const ok = runPanopticon(['--format', 'json.gz', '-o', out, '-e', 'function f() {} f()'], { cwd: dir });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(out)[0], 0x1f, 'gzipped whatever the extension');
  assert.ok(existsSync(dirname(out)));
});
